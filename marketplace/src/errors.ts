import { defineErrors, isCodedError, type CodedErrorShape } from '@annex/protocol';

type Name = { name?: string };
type Reason = { reason?: string };
type Entry = { entry?: string };

const at = (p: Entry) => (p.entry ? ` (entry "${p.entry}")` : '');

/**
 * Every error the marketplace (server, client, installer) raises. One table, one prefix;
 * `marketplace/src/__tests__/errors.test.ts` pins the list of codes.
 */
export const MarketplaceErrors = defineErrors({
  // --- request / server ---
  MKT_INVALID_REQUEST: { status: 400, message: (p: Reason) => `Invalid request: ${p.reason ?? 'malformed input'}` },
  MKT_PAYLOAD_TOO_LARGE: {
    status: 413,
    message: (p: { limit?: number }) => `Request body exceeds ${p.limit ?? '?'} bytes`,
  },
  MKT_UNAUTHORIZED: {
    status: 401,
    message: 'Authentication required: log in with `npm login --auth-type=legacy` or send a bearer token',
  },
  MKT_BAD_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  MKT_FORBIDDEN: { status: 403, message: (p: Reason) => `Forbidden${p.reason ? `: ${p.reason}` : ''}` },
  MKT_NOT_OWNER: { status: 403, message: (p: Name) => `You are not the publisher of "${p.name}"` },
  MKT_VERSION_EXISTS: {
    status: 403,
    message: (p: Name & { version?: string }) =>
      `You cannot publish over the previously published version ${p.version} of "${p.name}"`,
  },
  MKT_UNSUPPORTED: {
    status: 405,
    message: (p: Reason) => `Not supported by this registry: ${p.reason ?? 'operation'}`,
  },
  MKT_ROUTE_NOT_FOUND: { status: 404, message: (p: { path?: string }) => `Route ${p.path ?? ''} not found` },
  MKT_EXTENSION_NOT_FOUND: { status: 404, message: (p: { id?: string }) => `Extension "${p.id}" not found` },
  MKT_VERSION_NOT_FOUND: {
    status: 404,
    message: (p: { id?: string; version?: string }) => `Version "${p.version ?? p.id}" not found`,
  },
  MKT_ACCOUNT_NOT_FOUND: { status: 404, message: (p: { id?: string }) => `Account "${p.id}" not found` },
  MKT_SANDBOX_REQUIRED: {
    status: 403,
    message: (p: Name) =>
      `"${p.name}" runs API code outside the sandbox and this download requires sandboxed extensions`,
  },
  MKT_INVALID_MANIFEST: {
    status: 400,
    message: (p: { summary?: string }) =>
      `Not a valid Directus/Annex extension: ${p.summary ?? 'invalid directus:extension manifest'}`,
  },
  MKT_PACKAGE_MISMATCH: {
    status: 400,
    message: (p: Reason) => `The tarball does not match the published metadata: ${p.reason}`,
  },
  MKT_CLOSED: { status: 503, message: 'The marketplace component is closed' },

  // --- client ---
  MKT_REGISTRY_UNREACHABLE: { status: 503, message: (p: { url?: string }) => `Cannot reach the registry at ${p.url}` },
  MKT_REGISTRY_ERROR: {
    status: 502,
    message: (p: { url?: string; status?: number; remote?: string }) =>
      `The registry answered ${p.status} for ${p.url}${p.remote ? `: ${p.remote}` : ''}`,
  },
  MKT_REGISTRY_BAD_RESPONSE: {
    status: 502,
    message: (p: { url?: string; reason?: string }) => `Unexpected response from ${p.url}: ${p.reason}`,
  },
  MKT_REGISTRY_INCOMPATIBLE: {
    status: 502,
    message: (p: { version?: string; supported?: string }) =>
      `The registry speaks API version ${p.version}; this client supports ${p.supported}`,
  },
  MKT_INTEGRITY_MISMATCH: {
    status: 422,
    message: (p: { expected?: string; actual?: string }) =>
      `Downloaded tarball integrity ${p.actual} does not match the registry's ${p.expected}`,
  },
  MKT_INTEGRITY_UNAVAILABLE: {
    status: 422,
    message: (p: { name?: string; version?: string }) =>
      `No sha512 integrity for ${p.name}@${p.version}: neither npm's packument nor the registry's download digest gives one`,
  },
  MKT_BAD_SIGNATURE: {
    status: 422,
    message: (p: Reason) => `The registry signature of this version is not valid: ${p.reason}`,
  },
  MKT_DOWNLOAD_TOO_LARGE: {
    status: 422,
    message: (p: { limit?: number }) => `Download exceeds the limit of ${p.limit} bytes`,
  },

  // --- tarball policy (server publish and installer extraction) ---
  MKT_TAR_PATH_TRAVERSAL: { status: 422, message: (p: Entry) => `Tarball entry escapes the package folder${at(p)}` },
  MKT_TAR_ABSOLUTE_PATH: { status: 422, message: (p: Entry) => `Tarball entry has an absolute path${at(p)}` },
  MKT_TAR_BAD_PATH: {
    status: 422,
    message: (p: Entry & Reason) => `Tarball entry has an unusable path${at(p)}: ${p.reason}`,
  },
  MKT_TAR_LAYOUT: { status: 422, message: (p: Entry) => `Tarball entries must live under "package/"${at(p)}` },
  MKT_TAR_SYMLINK: { status: 422, message: (p: Entry) => `Tarball contains a symbolic link${at(p)}` },
  MKT_TAR_HARDLINK: { status: 422, message: (p: Entry) => `Tarball contains a hard link${at(p)}` },
  MKT_TAR_DEVICE: {
    status: 422,
    message: (p: Entry & { type?: string }) => `Tarball contains a ${p.type ?? 'device or FIFO'} entry${at(p)}`,
  },
  MKT_TAR_UNSUPPORTED_ENTRY: {
    status: 422,
    message: (p: Entry & { type?: string }) => `Tarball entry type ${p.type} is not allowed${at(p)}`,
  },
  MKT_TAR_DUPLICATE_ENTRY: { status: 422, message: (p: Entry) => `Tarball contains the same path twice${at(p)}` },
  MKT_TAR_TOO_MANY_ENTRIES: {
    status: 422,
    message: (p: { limit?: number }) => `Tarball has more than ${p.limit} entries`,
  },
  MKT_TAR_TOO_LARGE: {
    status: 422,
    message: (p: { limit?: number }) => `Tarball unpacks to more than ${p.limit} bytes`,
  },
  MKT_TAR_GZIP_BOMB: {
    status: 422,
    message: (p: { ratio?: number; limit?: number }) =>
      `Tarball decompresses at a ratio above ${p.limit}:1 (a compression bomb)`,
  },
  MKT_TAR_CORRUPT: { status: 422, message: (p: Reason) => `Tarball is corrupt or not a gzipped tar: ${p.reason}` },

  // --- installer ---
  MKT_MANIFEST_MISSING: { status: 422, message: 'The tarball has no package/package.json' },
  MKT_MANIFEST_MISMATCH: {
    status: 422,
    message: (p: { field?: string; registry?: unknown; tarball?: unknown }) =>
      `The package's ${p.field} (${JSON.stringify(p.tarball)}) differs from the registry's metadata (${JSON.stringify(p.registry)})`,
  },
  MKT_SANDBOX_MISMATCH: {
    status: 422,
    message: (p: { registry?: boolean; tarball?: boolean }) =>
      `The registry lists this version as ${p.registry ? 'sandboxed' : 'unsandboxed'} but its manifest says ${p.tarball ? 'sandboxed' : 'unsandboxed'}`,
  },
  MKT_SCOPES_MISMATCH: { status: 422, message: "The package's requested scopes differ from the registry's metadata" },
  MKT_ENTRYPOINT_MISSING: {
    status: 422,
    message: (p: { path?: string }) => `The manifest's entrypoint "${p.path}" is not in the package`,
  },
  MKT_ENTRYPOINT_INVALID: {
    status: 422,
    message: (p: { path?: string }) => `The manifest's entrypoint "${p.path}" points outside the package`,
  },
  MKT_TRUST_DENIED: {
    status: 403,
    message: (p: Name & { trust?: string; kind?: string }) =>
      `Trust level "${p.trust}" does not allow installing "${p.name}" (${p.kind})`,
  },
  MKT_INCOMPATIBLE_HOST: {
    status: 409,
    message: (p: Name & { host?: string; hostVersion?: string }) =>
      `"${p.name}" supports Directus ${p.host}, this host implements ${p.hostVersion} (use force to install anyway)`,
  },
  MKT_NOT_INSTALLED: { status: 404, message: (p: Name) => `"${p.name}" is not installed from the registry` },
  MKT_NO_PREVIOUS_VERSION: { status: 409, message: (p: Name) => `"${p.name}" has no kept version to roll back to` },
  MKT_PINNED: {
    status: 409,
    message: (p: Name & { version?: string }) => `"${p.name}" is pinned to ${p.version} (unpin or use force)`,
  },
  MKT_LOCK_INVALID: { status: 400, message: (p: Reason) => `Invalid lock file: ${p.reason}` },
  MKT_LOCK_MISMATCH: {
    status: 422,
    message: (p: Name & { version?: string }) =>
      `The registry's ${p.name}@${p.version} is not the one the lock file recorded`,
  },
  MKT_INSTALL_IO: { status: 500, message: (p: Reason) => `File system error while installing: ${p.reason}` },
});

export type MarketplaceErrorCode = (typeof MarketplaceErrors.codes)[number];

/** True for an error from this table (so callers rethrow it rather than wrapping it). */
export function isMarketplaceError(error: unknown): error is CodedErrorShape {
  return isCodedError(error) && error.code.startsWith('MKT_');
}
