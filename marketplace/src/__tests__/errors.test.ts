import { describe, expect, it } from 'vitest';
import { MarketplaceErrors } from '../errors.js';

describe('marketplace error table', () => {
  it('pins the list of codes (adding or removing one is a deliberate change)', () => {
    expect(MarketplaceErrors.codes).toEqual([
      'MKT_INVALID_REQUEST',
      'MKT_PAYLOAD_TOO_LARGE',
      'MKT_UNAUTHORIZED',
      'MKT_BAD_CREDENTIALS',
      'MKT_FORBIDDEN',
      'MKT_NOT_OWNER',
      'MKT_VERSION_EXISTS',
      'MKT_UNSUPPORTED',
      'MKT_ROUTE_NOT_FOUND',
      'MKT_EXTENSION_NOT_FOUND',
      'MKT_VERSION_NOT_FOUND',
      'MKT_ACCOUNT_NOT_FOUND',
      'MKT_SANDBOX_REQUIRED',
      'MKT_INVALID_MANIFEST',
      'MKT_PACKAGE_MISMATCH',
      'MKT_CLOSED',
      'MKT_REGISTRY_UNREACHABLE',
      'MKT_REGISTRY_ERROR',
      'MKT_REGISTRY_BAD_RESPONSE',
      'MKT_REGISTRY_INCOMPATIBLE',
      'MKT_INTEGRITY_MISMATCH',
      'MKT_INTEGRITY_UNAVAILABLE',
      'MKT_BAD_SIGNATURE',
      'MKT_DOWNLOAD_TOO_LARGE',
      'MKT_TAR_PATH_TRAVERSAL',
      'MKT_TAR_ABSOLUTE_PATH',
      'MKT_TAR_BAD_PATH',
      'MKT_TAR_LAYOUT',
      'MKT_TAR_SYMLINK',
      'MKT_TAR_HARDLINK',
      'MKT_TAR_DEVICE',
      'MKT_TAR_UNSUPPORTED_ENTRY',
      'MKT_TAR_DUPLICATE_ENTRY',
      'MKT_TAR_TOO_MANY_ENTRIES',
      'MKT_TAR_TOO_LARGE',
      'MKT_TAR_GZIP_BOMB',
      'MKT_TAR_CORRUPT',
      'MKT_MANIFEST_MISSING',
      'MKT_MANIFEST_MISMATCH',
      'MKT_SANDBOX_MISMATCH',
      'MKT_SCOPES_MISMATCH',
      'MKT_ENTRYPOINT_MISSING',
      'MKT_ENTRYPOINT_INVALID',
      'MKT_TRUST_DENIED',
      'MKT_INCOMPATIBLE_HOST',
      'MKT_NOT_INSTALLED',
      'MKT_NO_PREVIOUS_VERSION',
      'MKT_PINNED',
      'MKT_LOCK_INVALID',
      'MKT_LOCK_MISMATCH',
      'MKT_INSTALL_IO',
    ]);
  });

  it('builds coded errors with status, exposure and details', () => {
    const e = MarketplaceErrors.MKT_INCOMPATIBLE_HOST({ name: 'x', host: '^9', hostVersion: '11.5.0' });
    expect(e).toMatchObject({
      code: 'MKT_INCOMPATIBLE_HOST',
      status: 409,
      expose: true,
      details: { name: 'x', host: '^9' },
    });
    expect(e.message).toContain('^9');
    expect(MarketplaceErrors.MKT_INSTALL_IO({ reason: 'disk' }).expose).toBe(false);
    for (const code of MarketplaceErrors.codes) expect(code).toMatch(/^MKT_[A-Z_]+$/);
  });
});
