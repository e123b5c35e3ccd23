import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTENSION_PKG_KEY, formatManifestIssues, parseManifest } from '@annex/protocol';
import semver from 'semver';
import type { ExtensionVersion } from '../client/schemas.js';
import { MarketplaceErrors as E } from '../errors.js';
import { canonicalJson } from '../internal/digest.js';
import {
  getEntrypoints,
  getManifestFacts,
  normaliseEntrypoint,
  type Execution,
  type ManifestFacts,
} from '../internal/extension-facts.js';

/** How much the host trusts registry code: see DESIGN §7. */
export type TrustLevel = 'sandbox' | 'verified' | 'all';

/** Refuses code the trust level does not allow. App-only and sandboxed code pass every level. */
export function checkTrust(
  trust: TrustLevel,
  input: { name: string; execution: Execution; publisherVerified: boolean },
): void {
  if (input.execution !== 'unsandboxed' || trust === 'all') return;
  if (trust === 'verified' && input.publisherVerified) return;
  const kind =
    trust === 'verified'
      ? 'unsandboxed API code from an unverified publisher'
      : 'API code that runs outside the sandbox';
  throw E.MKT_TRUST_DENIED({ name: input.name, trust, kind });
}

/**
 * True when the host's Directus compatibility satisfies the extension's `host` range. The host
 * gives either one version or the range of Directus extension-API versions it implements
 * (`DIRECTUS_COMPAT_RANGE`); a range must overlap the extension's.
 */
export function isHostCompatible(hostVersion: string, range: string): boolean {
  if (semver.validRange(range) === null) return false;
  if (semver.valid(hostVersion)) return semver.satisfies(hostVersion, range, { includePrerelease: true });
  return semver.validRange(hostVersion) !== null && semver.intersects(hostVersion, range, { includePrerelease: true });
}

export function checkHost(hostVersion: string, input: { name: string; host: string }, force: boolean): void {
  if (!force && !isHostCompatible(hostVersion, input.host))
    throw E.MKT_INCOMPATIBLE_HOST({ name: input.name, host: input.host, hostVersion });
}

/** Reads and validates `<root>/package.json` of an extracted package. */
export async function readExtractedManifest(root: string): Promise<ManifestFacts> {
  let text: string;
  try {
    text = await readFile(join(root, 'package.json'), 'utf8');
  } catch {
    throw E.MKT_MANIFEST_MISSING();
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (error) {
    throw E.MKT_INVALID_MANIFEST({ summary: 'package.json is not valid JSON' }, { cause: error });
  }
  const result = parseManifest(pkg);
  if (!result.ok)
    throw E.MKT_INVALID_MANIFEST(
      { summary: formatManifestIssues(result.issues) },
      { details: { issues: result.issues } },
    );
  for (const entry of getEntrypoints(result.manifest[EXTENSION_PKG_KEY])) {
    const rel = normaliseEntrypoint(entry);
    await access(join(root, rel)).catch(() => {
      throw E.MKT_ENTRYPOINT_MISSING({ path: entry });
    });
  }
  return getManifestFacts(result.manifest);
}

/**
 * The manifest inside the tarball must say what the registry said (and signed): a registry
 * that lies about the sandbox flag or the scopes would otherwise void the trust check.
 */
export function compareWithRegistry(facts: ManifestFacts, name: string, meta: ExtensionVersion): void {
  const mismatch = (field: string, registry: unknown, tarball: unknown) =>
    E.MKT_MANIFEST_MISMATCH({ field, registry, tarball });
  if (facts.name !== name) throw mismatch('name', name, facts.name);
  if (facts.version !== meta.version) throw mismatch('version', meta.version, facts.version);
  if (facts.type !== meta.type) throw mismatch('type', meta.type, facts.type);
  // What a registry states is held against the tarball; what it does not state (the Directus registry
  // API has no per-version sandbox flag, scopes or manifest digest: null or absent) is read from the tarball alone.
  const statesSandbox = meta.sandbox_enabled != null || meta.execution != null;
  const registrySandbox = meta.sandbox_enabled ?? meta.execution === 'sandboxed';
  if (
    statesSandbox &&
    (facts.sandboxEnabled !== registrySandbox || (meta.execution != null && facts.execution !== meta.execution))
  ) {
    throw E.MKT_SANDBOX_MISMATCH({ registry: registrySandbox, tarball: facts.sandboxEnabled });
  }
  if (
    meta.sandbox_requested_scopes != null &&
    canonicalJson(facts.requestedScopes) !== canonicalJson(meta.sandbox_requested_scopes)
  ) {
    throw E.MKT_SCOPES_MISMATCH(
      {},
      { details: { registry: meta.sandbox_requested_scopes, tarball: facts.requestedScopes } },
    );
  }
  if (facts.host !== meta.host_version) throw mismatch('host', meta.host_version, facts.host);
  if (canonicalJson(facts.bundled) !== canonicalJson(meta.bundled))
    throw mismatch('bundled entries', meta.bundled, facts.bundled);
  if (meta.manifest_digest != null && facts.manifestDigest !== meta.manifest_digest)
    throw mismatch(`"${EXTENSION_PKG_KEY}" digest`, meta.manifest_digest, facts.manifestDigest);
}
