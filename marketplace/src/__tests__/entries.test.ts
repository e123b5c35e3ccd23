import { describe, expect, it } from 'vitest';
import * as client from '../client/index.js';
import * as root from '../index.js';
import * as install from '../install/index.js';

/*
 * The root entry stays the whole package: everything the client and installer entries export is
 * the same binding there, so code importing the root (the registry server's users, older imports)
 * and code importing a subpath share one implementation.
 */
describe('package entries', () => {
  it('the installer entry has what the host needs, without the server', () => {
    for (const name of ['createInstaller', 'recoverInstalls', 'readInstallState', 'getActiveFolders', 'LockFileSchema'])
      expect(typeof (install as Record<string, unknown>)[name], name).not.toBe('undefined');
    expect(Object.keys(install)).not.toContain('createMarketplaceServer');
  });

  it('the root re-exports every binding of the client and installer entries', () => {
    for (const entry of [client, install])
      for (const [name, value] of Object.entries(entry))
        expect((root as Record<string, unknown>)[name], name).toBe(value);
    expect(typeof root.createMarketplaceServer).toBe('function');
  });
});
