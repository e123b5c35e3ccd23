import { createHash, type KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { MarketplaceErrors as E, isMarketplaceError } from '../errors.js';
import { DEFAULT_NPM_REGISTRY, getExpectedIntegrity, type IntegritySource } from './directus-registry.js';
import { getKeyId, loadPublicKey, verifyPublisherSignature, verifySignature } from '../internal/signing.js';
import {
  AccountResponse,
  DescribeResponse,
  ListResponse,
  PublicKeyResponse,
  VersionDetailsResponse,
  VersionResponse,
  type Account,
  type ExtensionDetails,
  type ExtensionVersion,
  type ListQuery,
  type ListResult,
} from './schemas.js';

/** The registry API version this client speaks (same as `@directus/extensions-registry`). */
export const SUPPORTED_REGISTRY_VERSION = '2024-01-29';

export interface RegistryClientOptions {
  /** Base URL of the registry, e.g. `http://127.0.0.1:8066`. */
  registry: string;
  /** Bearer token sent with every request (private registries). */
  token?: string;
  /**
   * The registry's ed25519 public key (PEM or KeyObject). Without it the key is fetched from
   * `/-/annex/public-key` once per client, which trusts the registry on first use.
   */
  publicKey?: string | KeyObject;
  /** Per-request timeout, default 30 s (downloads: per stalled read, not total). */
  timeoutMs?: number;
  /**
   * Where npm packuments are read when a registry without Annex signatures serves a tarball that
   * is not itself on an npm registry (default registry.npmjs.org).
   */
  npmRegistry?: string;
}

export interface DownloadProgress {
  phase: 'download';
  bytes: number;
  total: number | undefined;
}

export interface DownloadOptions {
  /** File to create (must not exist). Removed again on any failure. */
  to: string;
  /** The version's metadata when the caller already has it (from `describe`). */
  version?: ExtensionVersion;
  /** Ask the registry to refuse unsandboxed API extensions (Directus's `?sandbox=true`). */
  sandbox?: boolean;
  /** Abort beyond this many bytes. Default 64 MiB. */
  maxBytes?: number;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  file: string;
  bytes: number;
  integrity: string;
  version: ExtensionVersion;
  /** How the bytes were checked: the registry's Annex signature (an extra layer, when offered) and where the sha512 came from. */
  verification: { signed: boolean; integrity: IntegritySource };
}

export interface RegistryClient {
  readonly registry: string;
  /** Fails with MKT_REGISTRY_INCOMPATIBLE unless the registry speaks `2024-01-29`. */
  checkCompatibility(): Promise<void>;
  list(query?: ListQuery): Promise<ListResult>;
  describe(idOrName: string): Promise<ExtensionDetails>;
  account(idOrName: string): Promise<Account>;
  getVersion(versionId: string): Promise<ExtensionVersion>;
  getPublicKey(): Promise<{ keyId: string; key: KeyObject }>;
  /** Checks the registry's signature over (name, version, integrity, manifest digest). */
  verifyVersion(version: ExtensionVersion, name?: string): Promise<void>;
  /** Verifies the signature, then streams the tarball to a file while hashing it (sha512). */
  download(versionId: string, options: DownloadOptions): Promise<DownloadResult>;
  /** Whether the publisher is verified: the registry's signed statement when it offers signatures, else its own `verified` flag. */
  publisherVerified(version: ExtensionVersion): Promise<boolean>;
}

/** Codes a registry may answer with that keep their meaning for the caller. */
const PASS_THROUGH = new Set([
  'MKT_EXTENSION_NOT_FOUND',
  'MKT_VERSION_NOT_FOUND',
  'MKT_ACCOUNT_NOT_FOUND',
  'MKT_SANDBOX_REQUIRED',
  'MKT_UNAUTHORIZED',
  'MKT_FORBIDDEN',
]);

/** Largest registry JSON answer read (a registry's metadata is kilobytes; a hostile one could stream gigabytes). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

class TooLarge extends Error {}

/** The body as JSON, reading at most `max` bytes. */
async function readJson(res: Response, max: number): Promise<unknown> {
  if (!res.body) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const base = options.registry.replace(/\/*$/, '/');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let compatible: Promise<void> | undefined;
  let publicKey: Promise<{ keyId: string; key: KeyObject }> | undefined = options.publicKey
    ? Promise.resolve().then(() => {
        const key = loadPublicKey(options.publicKey!);
        return { key, keyId: getKeyId(key) };
      })
    : undefined;

  async function request(path: string, signal?: AbortSignal): Promise<Response> {
    const url = new URL(path.replace(/^\//, ''), base).href;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'annex-marketplace-client' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        headers,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'follow',
      });
    } catch (error) {
      throw E.MKT_REGISTRY_UNREACHABLE({ url }, { cause: error });
    }
    if (res.ok) return res;
    const body = (await readJson(res, MAX_JSON_BYTES).catch(() => undefined)) as
      | { errors?: { message?: string; extensions?: { code?: string } }[]; error?: string }
      | undefined;
    const remote = body?.errors?.[0];
    const code = remote?.extensions?.code;
    if (code && PASS_THROUGH.has(code)) {
      const factory = E[code as keyof typeof E] as (p?: object) => Error;
      const err = factory({});
      err.message = remote?.message ?? err.message;
      throw err;
    }
    throw E.MKT_REGISTRY_ERROR({ url, status: res.status, remote: remote?.message ?? body?.error });
  }

  /** A GET outside the registry's API (an npm packument); no registry token is sent to another host. */
  async function fetchPlain(url: string, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'follow',
    });
    if (!res.ok) throw E.MKT_REGISTRY_ERROR({ url, status: res.status });
    return res;
  }

  async function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    await checkCompatibility();
    return parse(path, await request(path), schema);
  }

  async function parse<S extends z.ZodType>(path: string, res: Response, schema: S): Promise<z.infer<S>> {
    const json = await readJson(res, MAX_JSON_BYTES).catch((error) => {
      if (error instanceof TooLarge)
        throw E.MKT_REGISTRY_BAD_RESPONSE({
          url: new URL(path.replace(/^\//, ''), base).href,
          reason: `the response is larger than ${MAX_JSON_BYTES} bytes`,
        });
      return undefined;
    });
    const result = schema.safeParse(json);
    if (!result.success) {
      const reason = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw E.MKT_REGISTRY_BAD_RESPONSE({ url: new URL(path.replace(/^\//, ''), base).href, reason });
    }
    return result.data;
  }

  function checkCompatibility(): Promise<void> {
    compatible ??= (async () => {
      const { version } = await parse('/version', await request('/version'), VersionResponse);
      if (version !== SUPPORTED_REGISTRY_VERSION)
        throw E.MKT_REGISTRY_INCOMPATIBLE({ version, supported: SUPPORTED_REGISTRY_VERSION });
    })();
    // a failed check is retried next time rather than cached
    compatible.catch(() => (compatible = undefined));
    return compatible;
  }

  function getPublicKey() {
    publicKey ??= (async () => {
      const body = await getJson('/-/annex/public-key', PublicKeyResponse);
      const key = loadPublicKey(body.public_key);
      const keyId = getKeyId(key);
      if (keyId !== body.key_id)
        throw E.MKT_BAD_SIGNATURE({ reason: `the registry's key id ${body.key_id} does not match its key (${keyId})` });
      return { key, keyId };
    })();
    publicKey.catch(() => (publicKey = undefined));
    return publicKey;
  }

  async function verifyVersion(v: ExtensionVersion, name = v.name): Promise<void> {
    if (!name || !v.integrity || !v.manifest_digest || !v.signature)
      throw E.MKT_BAD_SIGNATURE({ reason: 'the version is unsigned or lacks its integrity/manifest digest' });
    const { key, keyId } = await getPublicKey();
    if (v.signature_key_id && v.signature_key_id !== keyId)
      throw E.MKT_BAD_SIGNATURE({ reason: `signed by key ${v.signature_key_id}, expected ${keyId}` });
    if (
      !verifySignature(
        key,
        { name, version: v.version, integrity: v.integrity, manifestDigest: v.manifest_digest },
        v.signature,
      )
    ) {
      throw E.MKT_BAD_SIGNATURE({ reason: `signature check failed for ${name}@${v.version}` });
    }
  }

  async function publisherVerified(v: ExtensionVersion): Promise<boolean> {
    // A registry without Annex signatures (the Directus registry API only): its own flag is the statement.
    if (!v.signature && !v.publisher_signature) return v.verified === true;
    if (!v.publisher.verified || !v.publisher_signature) return false;
    const { key } = await getPublicKey();
    return verifyPublisherSignature(
      key,
      { versionId: v.id, publisherId: v.publisher.id, verified: true },
      v.publisher_signature,
    );
  }

  async function download(versionId: string, o: DownloadOptions): Promise<DownloadResult> {
    const version =
      o.version ?? (await getJson(`/-/annex/versions/${encodeURIComponent(versionId)}`, VersionDetailsResponse)).data;
    if (version.id !== versionId)
      throw E.MKT_REGISTRY_BAD_RESPONSE({ url: base, reason: `asked for version ${versionId}, got ${version.id}` });
    // Annex signatures are an extra layer, checked whenever the registry offers them.
    // A client given the registry's key (MARKETPLACE_PUBLIC_KEY) requires them.
    const signed = !!version.signature || !!options.publicKey;
    if (signed) await verifyVersion(version);
    const maxBytes = o.maxBytes ?? 64 * 1024 * 1024;
    await checkCompatibility();
    const res = await request(
      `/download/${encodeURIComponent(versionId)}${o.sandbox ? '?sandbox=true' : ''}`,
      o.signal,
    );
    const declared = Number(res.headers.get('content-length')) || undefined;
    if (declared !== undefined && declared > maxBytes) {
      await res.body?.cancel();
      throw E.MKT_DOWNLOAD_TOO_LARGE({ limit: maxBytes });
    }
    if (!res.body) throw E.MKT_REGISTRY_BAD_RESPONSE({ url: base, reason: 'empty download body' });

    const hash = createHash('sha512');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > maxBytes) return cb(E.MKT_DOWNLOAD_TOO_LARGE({ limit: maxBytes }));
        hash.update(chunk);
        o.onProgress?.({ phase: 'download', bytes, total: declared ?? version.tarball_size ?? undefined });
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(res.body as unknown as WebReadableStream),
        meter,
        createWriteStream(o.to, { flags: 'wx', mode: 0o600 }),
        { signal: o.signal },
      );
      const integrity = `sha512-${hash.digest('base64')}`;
      const expected = signed
        ? { integrity: version.integrity!, source: 'signed' as const }
        : await getExpectedIntegrity({
            name: version.name ?? '',
            version: version.version,
            registryIntegrity: version.integrity,
            tarballUrl: res.url,
            headers: res.headers,
            npmRegistry: options.npmRegistry ?? DEFAULT_NPM_REGISTRY,
            fetchJson: async (url) => readJson(await fetchPlain(url, o.signal), MAX_JSON_BYTES),
          });
      if (integrity !== expected.integrity)
        throw E.MKT_INTEGRITY_MISMATCH({ expected: expected.integrity, actual: integrity });
      return { file: o.to, bytes, integrity, version, verification: { signed, integrity: expected.source } };
    } catch (error) {
      await rm(o.to, { force: true });
      if (isMarketplaceError(error)) throw error;
      throw E.MKT_REGISTRY_UNREACHABLE({ url: base }, { cause: error });
    }
  }

  return {
    registry: options.registry,
    checkCompatibility,
    list: async (query = {}) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query))
        if (v !== undefined && v !== '' && v !== false) params.set(k, String(v));
      const qs = params.toString();
      return getJson(`/extensions${qs ? `?${qs}` : ''}`, ListResponse);
    },
    describe: async (id) => (await getJson(`/extensions/${encodeURIComponent(id)}`, DescribeResponse)).data,
    account: async (id) => (await getJson(`/accounts/${encodeURIComponent(id)}`, AccountResponse)).data,
    getVersion: async (id) =>
      (await getJson(`/-/annex/versions/${encodeURIComponent(id)}`, VersionDetailsResponse)).data,
    getPublicKey,
    verifyVersion,
    download,
    publisherVerified,
  };
}
