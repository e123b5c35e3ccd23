import { escapePackageName, publishDocument as npmPublishDocument } from '@annex/protocol/npm';
import { SdkErrors } from '../errors.js';
import { pack, type PackResult } from './pack.js';

export { escapePackageName };

export interface PublishRequest {
  cwd: string;
  /** Marketplace base URL (npm registry protocol). */
  registry: string;
  token?: string;
  tag?: string;
  dryRun?: boolean;
  fetch?: typeof fetch;
}

export interface PublishResult {
  name: string;
  version: string;
  registry: string;
  integrity: string;
  shasum: string;
  files: number;
  size: number;
  dryRun: boolean;
  status?: number;
}

/** The npm publish document of a packed extension (one version, the base64 tarball attached). */
export function publishDocument(packed: PackResult, registry: string, tag = 'latest'): Record<string, unknown> {
  return npmPublishDocument(packed.pkg, packed.tarball, registry, { tag, files: packed.files });
}

/** Packs and PUTs the extension to `<registry>/<name>` the way `npm publish` does. */
export async function publish(req: PublishRequest): Promise<PublishResult> {
  const packed = await pack(req.cwd);
  const base = req.registry.replace(/\/+$/, '');
  const result: PublishResult = {
    name: packed.name,
    version: packed.version,
    registry: base,
    integrity: packed.integrity,
    shasum: packed.shasum,
    files: packed.files.length,
    size: packed.size,
    dryRun: Boolean(req.dryRun),
  };
  if (req.dryRun) return result;
  const doFetch = req.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${base}/${escapePackageName(packed.name)}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'npm-command': 'publish',
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
      },
      body: JSON.stringify(publishDocument(packed, base, req.tag)),
    });
  } catch (error) {
    throw SdkErrors.SDK_PUBLISH_FAILED(
      { message: `cannot reach ${base}: ${(error as Error).message}` },
      { cause: error },
    );
  }
  if (response.status === 401 || response.status === 403) throw SdkErrors.SDK_PUBLISH_UNAUTHORIZED();
  if (!response.ok) {
    const text = await readErrorBody(response);
    let message = text;
    try {
      const body = JSON.parse(text) as { error?: string; message?: string; errors?: { message: string }[] };
      message = body.error ?? body.message ?? body.errors?.[0]?.message ?? text;
    } catch {
      // plain text body
    }
    const clipped =
      message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE)}… (truncated)` : message;
    throw SdkErrors.SDK_PUBLISH_FAILED(
      { message: `${response.status} ${clipped}`.trim() },
      { details: { status: response.status } },
    );
  }
  return { ...result, status: response.status };
}

/** How much of a registry's error answer is read, and how much of its message is shown. */
const MAX_ERROR_BODY = 64 * 1024;
const MAX_ERROR_MESSAGE = 2000;

/** The start of an error answer's body: a registry (or whatever answers at its address) cannot make publish read without end. */
async function readErrorBody(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    /* a broken body: what arrived is the message */
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8');
}
