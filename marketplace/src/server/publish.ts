import { formatManifestIssues, parseManifest, EXTENSION_PKG_KEY } from '@annex/protocol';
import semver from 'semver';
import { z } from 'zod';
import { MarketplaceErrors as E } from '../errors.js';
import { canonicalJson } from '../internal/digest.js';
import { getEntrypoints, getManifestFacts, normaliseEntrypoint } from '../internal/extension-facts.js';
import { inspectTarball, type TarLimits } from '../internal/tar-policy.js';
import type { Packages, VersionRow } from './packages.js';

/** The body `npm publish` PUTs to `/<name>` (libnpmpublish). Only what the registry reads. */
const PublishBody = z.object({
  name: z.string().min(1),
  'dist-tags': z.record(z.string(), z.string()).optional(),
  versions: z.record(z.string(), z.looseObject({ name: z.string(), version: z.string() })),
  _attachments: z
    .record(
      z.string(),
      z.object({ data: z.string(), length: z.number().optional(), content_type: z.string().optional() }),
    )
    .optional(),
  readme: z.string().optional(),
});

/** npm's rules for new package names (validate-npm-package-name), minus legacy exceptions. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** Names that would shadow the Directus registry routes. */
const RESERVED = new Set(['version', 'extensions', 'accounts', 'download', 'favicon.ico']);

export function assertPackageName(name: string): void {
  if (name.length > 214 || !PACKAGE_NAME.test(name) || RESERVED.has(name)) {
    throw E.MKT_INVALID_REQUEST({ reason: `"${name}" is not a valid package name` });
  }
}

const README = /^readme(\.(md|markdown|txt))?$/i;

/**
 * Validates an npm publish body and stores the version it carries: one version, one attachment,
 * a safe tarball whose package.json is a valid extension manifest matching the metadata.
 */
export async function publishFromNpmBody(
  packages: Packages,
  input: { publisherId: string; urlName: string; body: unknown; tarLimits?: Partial<TarLimits> },
): Promise<VersionRow> {
  const parsed = PublishBody.safeParse(input.body);
  if (!parsed.success)
    throw E.MKT_INVALID_REQUEST({
      reason: `publish body: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    });
  const body = parsed.data;
  if (!body._attachments)
    throw E.MKT_UNSUPPORTED({ reason: 'changing published metadata (deprecate, unpublish, dist-tag edits)' });
  if (body.name !== input.urlName)
    throw E.MKT_INVALID_REQUEST({ reason: `the body names "${body.name}" but the URL names "${input.urlName}"` });
  assertPackageName(body.name);

  const versions = Object.values(body.versions);
  const attachments = Object.values(body._attachments);
  if (versions.length !== 1 || attachments.length !== 1)
    throw E.MKT_INVALID_REQUEST({ reason: 'publish exactly one version with one tarball' });
  const doc = versions[0];
  if (!semver.valid(doc.version) || semver.clean(doc.version) !== doc.version)
    throw E.MKT_INVALID_REQUEST({ reason: `"${doc.version}" is not a valid semver version` });
  if (doc.name !== body.name) throw E.MKT_INVALID_REQUEST({ reason: 'the version document names another package' });

  const tarball = Buffer.from(attachments[0].data, 'base64');
  if (attachments[0].length !== undefined && attachments[0].length !== tarball.byteLength) {
    throw E.MKT_INVALID_REQUEST({
      reason: `attachment length ${attachments[0].length} does not match its data (${tarball.byteLength} bytes)`,
    });
  }
  const existing = await packages.findExtension(body.name);
  if (existing && existing.publisher_id !== input.publisherId) throw E.MKT_NOT_OWNER({ name: body.name });
  if (existing && (await packages.listVersions(existing.id)).some((v) => v.version === doc.version)) {
    throw E.MKT_VERSION_EXISTS({ name: body.name, version: doc.version });
  }

  const tags = Object.entries(body['dist-tags'] ?? { latest: doc.version });
  const tag = tags.find(([, v]) => v === doc.version)?.[0] ?? 'latest';
  return publishTarball(packages, {
    publisherId: input.publisherId,
    tarball,
    tag,
    versionDoc: doc,
    readme: body.readme ?? (typeof doc.readme === 'string' ? doc.readme : undefined),
    tarLimits: input.tarLimits,
  });
}

/** Inspects a tarball, validates its manifest and stores it as a new version. */
export async function publishTarball(
  packages: Packages,
  input: {
    publisherId: string;
    tarball: Buffer;
    tag?: string;
    versionDoc?: Record<string, unknown>;
    readme?: string;
    tarLimits?: Partial<TarLimits>;
  },
): Promise<VersionRow> {
  const inspection = await inspectTarball(
    { buffer: input.tarball },
    { limits: input.tarLimits, capture: (rel) => rel === 'package.json' || README.test(rel) },
  );
  const raw = inspection.captured.get('package.json');
  if (!raw) throw E.MKT_MANIFEST_MISSING();
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw E.MKT_INVALID_MANIFEST({ summary: 'package.json is not valid JSON' }, { cause: error });
  }
  const result = parseManifest(pkg);
  if (!result.ok)
    throw E.MKT_INVALID_MANIFEST(
      { summary: formatManifestIssues(result.issues) },
      { details: { issues: result.issues } },
    );
  const manifest = result.manifest;
  assertPackageName(manifest.name);
  if (!semver.valid(manifest.version))
    throw E.MKT_INVALID_MANIFEST({ summary: `version "${manifest.version}" is not valid semver` });

  const doc = input.versionDoc;
  if (doc) {
    if (doc.name !== manifest.name || doc.version !== manifest.version) {
      throw E.MKT_PACKAGE_MISMATCH({
        reason: `tarball is ${manifest.name}@${manifest.version}, metadata says ${String(doc.name)}@${String(doc.version)}`,
      });
    }
    if (canonicalJson(doc[EXTENSION_PKG_KEY]) !== canonicalJson(pkg[EXTENSION_PKG_KEY])) {
      throw E.MKT_PACKAGE_MISMATCH({
        reason: `"${EXTENSION_PKG_KEY}" in the metadata differs from the tarball's package.json`,
      });
    }
  }
  for (const entry of getEntrypoints(manifest[EXTENSION_PKG_KEY])) {
    if (!inspection.files.has(normaliseEntrypoint(entry))) throw E.MKT_ENTRYPOINT_MISSING({ path: entry });
  }

  const readmeFile = [...inspection.captured.keys()].find((k) => README.test(k));
  const { dist: _dist, readme: _readme, _id, ...versionDoc } = (doc ?? pkg) as Record<string, unknown>;
  return packages.insertVersion(
    {
      publisherId: input.publisherId,
      facts: getManifestFacts(manifest),
      description: manifest.description ?? null,
      readme: input.readme || (readmeFile ? inspection.captured.get(readmeFile)!.toString('utf8') : null),
      license: manifest.license ?? null,
      urls: { bugs: urlOf(pkg.bugs), homepage: urlOf(pkg.homepage), repository: urlOf(pkg.repository) },
      packageJson: versionDoc,
      unpackedSize: inspection.unpackedSize,
      fileCount: inspection.fileCount,
      tag: input.tag ?? 'latest',
    },
    input.tarball,
  );
}

function urlOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { url?: unknown }).url === 'string')
    return (value as { url: string }).url;
  return null;
}
