import type { Signer } from '../internal/signing.js';
import type { Scopes } from '@annex/protocol';
import type { AccountRow } from './accounts.js';
import type { ExtensionRow, VersionRow } from './packages.js';

/** The Directus registry API version this server speaks (`@directus/extensions-registry` SUPPORTED_VERSION). */
export const REGISTRY_API_VERSION = '2024-01-29';

const bool = (v: boolean | number) => Boolean(v);

export function publicAccount(a: AccountRow) {
  return {
    id: a.id,
    username: a.username,
    verified: bool(a.verified),
    github_username: a.github_username,
    github_avatar_url: a.github_avatar_url,
    github_name: a.github_name,
    github_company: a.github_company,
    github_blog: a.github_blog,
    github_location: a.github_location,
    github_bio: a.github_bio,
  };
}

const publisherOf = (a: AccountRow) => ({
  id: a.id,
  username: a.username,
  verified: bool(a.verified),
  github_name: a.github_name,
  github_avatar_url: a.github_avatar_url,
});

/** "Installable under MARKETPLACE_TRUST=sandbox": app-only or sandboxed API code (Directus's `sandbox`). */
const sandboxSafe = (execution: string) => execution !== 'unsandboxed';

/** One row of `GET /extensions` (Directus fields first, Annex extras after). */
export function listItem(e: ExtensionRow, publisher: AccountRow, latest: VersionRow | undefined) {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    total_downloads: e.total_downloads,
    verified: bool(publisher.verified),
    type: e.type,
    last_updated: e.updated_at,
    host_version: e.host_version,
    sandbox: sandboxSafe(e.execution),
    license: e.license,
    publisher: { username: publisher.username, verified: bool(publisher.verified), github_name: publisher.github_name },
    // Annex
    execution: e.execution,
    latest_version: latest?.version ?? null,
    requested_scopes: latest ? (JSON.parse(latest.requested_scopes) as Scopes) : {},
  };
}

/** One entry of `versions` in `GET /extensions/:id`, also `GET /-/annex/versions/:id`. */
export function versionItem(
  v: VersionRow,
  name: string,
  publisher: AccountRow,
  tarballUrl: string,
  tags: string[],
  signer?: Signer,
) {
  const p = publisherOf(publisher);
  return {
    id: v.id,
    version: v.version,
    verified: p.verified,
    type: v.type,
    host_version: v.host_version,
    publish_date: v.publish_date,
    unpacked_size: v.unpacked_size,
    file_count: v.file_count,
    url_bugs: v.url_bugs,
    url_homepage: v.url_homepage,
    url_repository: v.url_repository,
    license: v.license,
    publisher: p,
    bundled: JSON.parse(v.bundled) as { name: string; type: string }[],
    maintainers: [{ accounts_id: p }],
    // Annex
    extension_id: v.extension_id,
    name,
    sandbox: sandboxSafe(v.execution),
    sandbox_enabled: bool(v.sandbox_enabled),
    execution: v.execution,
    sandbox_requested_scopes: JSON.parse(v.requested_scopes) as Scopes,
    integrity: v.integrity,
    shasum: v.shasum,
    manifest_digest: v.manifest_digest,
    signature: v.signature,
    signature_key_id: v.key_id,
    // Signed now, with the publisher's verification as it stands now.
    ...(signer
      ? { publisher_signature: signer.signPublisher({ versionId: v.id, publisherId: p.id, verified: p.verified }) }
      : {}),
    tarball: tarballUrl,
    tarball_size: v.tarball_size,
    downloads: v.downloads,
    dist_tags: tags,
  };
}

/** `/<name>/-/<basename>-<version>.tgz`, the path npm clients expect. */
export function tarballPath(name: string, version: string): string {
  return `/${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/** The npm packument served at `GET /<name>`. */
export function packument(
  e: ExtensionRow,
  versions: VersionRow[],
  tags: Record<string, string>,
  publisher: AccountRow,
  baseUrl: string,
) {
  const time: Record<string, string> = { created: e.created_at, modified: e.updated_at };
  const docs: Record<string, unknown> = {};
  for (const v of [...versions].reverse()) {
    time[v.version] = v.publish_date;
    docs[v.version] = {
      ...(JSON.parse(v.package_json) as Record<string, unknown>),
      name: e.name,
      version: v.version,
      _id: `${e.name}@${v.version}`,
      _npmUser: { name: publisher.username, email: publisher.email ?? undefined },
      dist: {
        tarball: `${baseUrl}${tarballPath(e.name, v.version)}`,
        shasum: v.shasum,
        integrity: v.integrity,
        fileCount: v.file_count,
        unpackedSize: v.unpacked_size,
        // not npm's ECDSA `signatures`: an ed25519 registry signature checked by Annex clients
        'annex-signature': { keyid: v.key_id, sig: v.signature, manifestDigest: v.manifest_digest },
      },
    };
  }
  return {
    _id: e.name,
    name: e.name,
    description: e.description ?? undefined,
    'dist-tags': tags,
    versions: docs,
    time,
    maintainers: [{ name: publisher.username, email: publisher.email ?? undefined }],
    readme: e.readme ?? '',
    license: e.license ?? undefined,
  };
}
