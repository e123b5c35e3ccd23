import { DIRECTUS_COMPAT_RANGE, DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { describe, expect, it } from 'vitest';
import { checkTrust, isHostCompatible } from '../install/checks.js';
import { checkEntry } from '../internal/tar-policy.js';

describe('host compatibility', () => {
  it('a host version must satisfy the manifest range', () => {
    expect(isHostCompatible('11.5.0', '^10.10.0 || ^11.0.0')).toBe(true);
    expect(isHostCompatible('11.5.0', '^10.10.0')).toBe(false);
    expect(isHostCompatible('11.5.0', 'not a range')).toBe(false);
    expect(isHostCompatible(DIRECTUS_COMPAT_VERSION, '*')).toBe(true);
  });

  it('a host range must overlap the manifest range', () => {
    expect(isHostCompatible('>=9.20.0 <12.0.0', '^10.10.0')).toBe(true);
    expect(isHostCompatible('>=9.20.0 <12.0.0', '^9.22.1')).toBe(true);
    expect(isHostCompatible('>=9.20.0 <12.0.0', '^12.0.0')).toBe(false);
    expect(isHostCompatible('>=9.20.0 <12.0.0', '^8.0.0')).toBe(false);
    expect(isHostCompatible(DIRECTUS_COMPAT_RANGE, '^10.10.0')).toBe(true);
  });
});

describe('trust levels', () => {
  const deny = (f: () => void) => {
    try {
      f();
      return 'allowed';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  it('sandbox allows app and sandboxed code only; verified adds verified publishers; all allows everything', () => {
    for (const execution of ['app', 'sandboxed'] as const)
      expect(deny(() => checkTrust('sandbox', { name: 'x', execution, publisherVerified: false }))).toBe('allowed');
    expect(deny(() => checkTrust('sandbox', { name: 'x', execution: 'unsandboxed', publisherVerified: true }))).toBe(
      'MKT_TRUST_DENIED',
    );
    expect(deny(() => checkTrust('verified', { name: 'x', execution: 'unsandboxed', publisherVerified: false }))).toBe(
      'MKT_TRUST_DENIED',
    );
    expect(deny(() => checkTrust('verified', { name: 'x', execution: 'unsandboxed', publisherVerified: true }))).toBe(
      'allowed',
    );
    expect(deny(() => checkTrust('all', { name: 'x', execution: 'unsandboxed', publisherVerified: false }))).toBe(
      'allowed',
    );
  });
});

describe('tar entry policy', () => {
  const code = (path: string, type = 'File') => {
    try {
      return checkEntry({ path, type });
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  it('accepts plain files and folders under package/', () => {
    expect(code('package/dist/index.js')).toEqual({ kind: 'file', rel: 'dist/index.js' });
    expect(code('package/', 'Directory')).toEqual({ kind: 'dir', rel: '' });
    expect(code('./package/a.js')).toEqual({ kind: 'file', rel: 'a.js' });
  });
  it('names what is wrong', () => {
    expect(code('/etc/passwd')).toBe('MKT_TAR_ABSOLUTE_PATH');
    expect(code('C:\\evil')).toBe('MKT_TAR_ABSOLUTE_PATH');
    expect(code('package/../x')).toBe('MKT_TAR_PATH_TRAVERSAL');
    expect(code('package/a\\b')).toBe('MKT_TAR_BAD_PATH');
    expect(code('package/x', 'SymbolicLink')).toBe('MKT_TAR_SYMLINK');
    expect(code('package/x', 'Link')).toBe('MKT_TAR_HARDLINK');
    expect(code('package/x', 'BlockDevice')).toBe('MKT_TAR_DEVICE');
    expect(code('package/x', 'GNUDumpDir')).toBe('MKT_TAR_UNSUPPORTED_ENTRY');
    expect(code('other/x')).toBe('MKT_TAR_LAYOUT');
    expect(code('package')).toBe('MKT_TAR_LAYOUT');
  });
});
