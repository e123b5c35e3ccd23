import { MarketplaceErrors as E } from '../errors.js';

/*
 * What a registry that speaks only the Directus registry API (registry.directus.io) offers to
 * check a download: `/download/:versionId` answers (or redirects to) the npm tarball, and npm's
 * packument records its `dist.integrity`; a registry may also send a sha-512 digest header.
 * Annex signatures, when a registry has them, are checked before and on top of this.
 */

export type IntegritySource = 'signed' | 'npm' | 'digest' | 'registry';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

/** `sha-512=<b64>` (Digest, RFC 3230) or `sha-512=:<b64>:` (Repr-Digest / Content-Digest, RFC 9530) → `sha512-<b64>`. */
export function getDigestIntegrity(headers: Headers): string | undefined {
  for (const name of ['repr-digest', 'content-digest', 'digest']) {
    const value = headers.get(name);
    if (!value) continue;
    for (const part of value.split(',')) {
      const m = /^\s*sha-512=:?([A-Za-z0-9+/=]+):?\s*$/i.exec(part);
      if (m) return `sha512-${m[1]}`;
    }
  }
  return undefined;
}

/** The packument URL of `name`: next to the tarball the download ended at, else on `npmRegistry`. */
export function getPackumentUrl(name: string, tarballUrl: string | undefined, npmRegistry: string): string {
  if (tarballUrl && tarballUrl.includes('/-/')) return tarballUrl.slice(0, tarballUrl.indexOf('/-/'));
  const encoded = name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
  return new URL(encoded, npmRegistry.replace(/\/*$/, '/')).href;
}

/** `versions[version].dist.integrity` of an npm packument, when it is a sha512 integrity. */
export function getPackumentIntegrity(packument: unknown, version: string): string | undefined {
  const dist = (packument as { versions?: Record<string, { dist?: { integrity?: unknown } }> } | null)?.versions?.[
    version
  ]?.dist;
  const integrity =
    typeof dist?.integrity === 'string' ? dist.integrity.split(/\s+/).find((i) => i.startsWith('sha512-')) : undefined;
  return integrity;
}

export interface ExpectedIntegrityInput {
  name: string;
  version: string;
  /** The registry's own integrity field (Annex registries), used only when nothing better exists. */
  registryIntegrity?: string | null;
  /** Where the download ended (after redirects). */
  tarballUrl?: string;
  headers: Headers;
  npmRegistry: string;
  fetchJson(url: string): Promise<unknown>;
}

/**
 * The sha512 the downloaded bytes must have, and where it came from: npm's packument, else the
 * registry's digest header, else the registry's own integrity field. None → MKT_INTEGRITY_UNAVAILABLE
 * (an unverifiable tarball is never installed).
 */
export async function getExpectedIntegrity(
  input: ExpectedIntegrityInput,
): Promise<{ integrity: string; source: IntegritySource }> {
  const packumentUrl = getPackumentUrl(input.name, input.tarballUrl, input.npmRegistry);
  const packument = await input.fetchJson(packumentUrl).catch(() => undefined);
  const npm = getPackumentIntegrity(packument, input.version);
  if (npm) return { integrity: npm, source: 'npm' };
  const digest = getDigestIntegrity(input.headers);
  if (digest) return { integrity: digest, source: 'digest' };
  if (input.registryIntegrity?.startsWith('sha512-')) return { integrity: input.registryIntegrity, source: 'registry' };
  throw E.MKT_INTEGRITY_UNAVAILABLE({ name: input.name, version: input.version });
}
