import { toErrorRecord, type ErrorRecord } from '@annex/protocol';
import { MarketplaceErrors as E } from '../errors.js';
import { escapePackageName, publishDocument } from '@annex/protocol/npm';
import { listExtensionFolders, packFolder } from '../internal/pack.js';

export interface PublishResult {
  folder: string;
  name: string;
  version: string;
  status: 'published' | 'exists' | 'failed';
  error?: ErrorRecord;
}

type Target = string | { url: string };
const baseOf = (t: Target) => (typeof t === 'string' ? t : t.url).replace(/\/*$/, '/');

/** The body `npm publish` sends (libnpmpublish): one version and its base64 tarball. */
export function buildPublishBody(pkg: Record<string, unknown>, tarball: Buffer, registry: string, tag = 'latest') {
  return publishDocument(pkg, tarball, registry, { tag });
}

/**
 * Packs an extension folder (entries under `package/`) and publishes it over the npm protocol,
 * exactly as `npm publish` would. A version that already exists gives `status: 'exists'`.
 */
export async function publishFolder(
  target: Target,
  folder: string,
  options: { token: string; tag?: string },
): Promise<PublishResult> {
  const base = baseOf(target);
  const { tarball, pkg } = await packFolder(folder);
  const name = String(pkg.name);
  const version = String(pkg.version);
  const url = new URL(escapePackageName(name), base).href;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify(buildPublishBody(pkg, tarball, base, options.tag)),
    });
  } catch (error) {
    throw E.MKT_REGISTRY_UNREACHABLE({ url }, { cause: error });
  }
  if (res.ok) return { folder, name, version, status: 'published' };
  const body = (await res.json().catch(() => ({}))) as {
    error?: string;
    errors?: { extensions?: { code?: string } }[];
  };
  const code = body.errors?.[0]?.extensions?.code;
  if (code === 'MKT_VERSION_EXISTS') return { folder, name, version, status: 'exists' };
  throw E.MKT_REGISTRY_ERROR({ url, status: res.status, remote: code ? `${code}: ${body.error}` : body.error });
}

/** Publishes every extension folder directly under `dir`; broken ones are reported, not fatal. */
export async function seedFromDirectory(
  target: Target,
  dir: string,
  options: { token: string },
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const { folder, pkg } of await listExtensionFolders(dir)) {
    try {
      results.push(await publishFolder(target, folder, options));
    } catch (error) {
      results.push({
        folder,
        name: String(pkg.name),
        version: String(pkg.version),
        status: 'failed',
        error: toErrorRecord(error),
      });
    }
  }
  return results;
}
