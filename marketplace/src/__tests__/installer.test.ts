import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTUS_COMPAT_RANGE, DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../client/client.js';
import { publishFolder } from '../client/publish.js';
import { createInstaller, type InstallerOptions } from '../install/installer.js';
import { getActiveFolders, readInstallState } from '../install/state.js';
import type { InstallProgress } from '../install/stage.js';
import { rejection, startRegistry, tempDir, writeExtension, type TestRegistry } from './helpers/fixtures.js';

let reg: TestRegistry;
let src: string;
let extensionsDir: string;

const scopesV1 = { log: {} };
const scopesV2 = { log: {}, request: { urls: ['https://api.weather.test/'], methods: ['GET'] } };

beforeAll(async () => {
  reg = await startRegistry();
  src = await tempDir();
  const publish = async (spec: Parameters<typeof writeExtension>[1], token = reg.token) =>
    publishFolder(reg.url, await writeExtension(src, spec), { token });
  await publish({ name: 'weather', version: '1.0.0', sandbox: true, scopes: scopesV1 });
  await publish({ name: 'weather', version: '1.1.0', sandbox: true, scopes: scopesV2 });
  await publish({ name: 'weather', version: '2.0.0-beta.1', sandbox: true, scopes: scopesV2 });
  await publish({ name: 'old-host', version: '1.0.0', sandbox: true, host: '^9.0.0' });
  await publish({ name: 'old-host', version: '0.9.0', sandbox: true, host: '^11.0.0' });
  await publish({ name: 'colors', type: 'interface' });
  const { token: bob } = await reg.server.ensureAccount({ username: 'bob' });
  await publish({ name: 'raw-endpoint', type: 'endpoint' }, bob);
});
afterAll(() => reg?.close());
beforeEach(async () => {
  extensionsDir = await tempDir('annex-ext-');
});

function installer(overrides: Partial<InstallerOptions> = {}) {
  return createInstaller({
    extensionsDir,
    client: createRegistryClient({ registry: reg.url, publicKey: reg.server.publicKeyPem }),
    trust: 'sandbox',
    hostVersion: DIRECTUS_COMPAT_VERSION,
    ...overrides,
  });
}
const versionIdOf = async (name: string, version: string) =>
  (await createRegistryClient({ registry: reg.url }).describe(name)).versions.find((v) => v.version === version)!.id;

describe('installer', () => {
  it('installs the newest stable host-compatible version by default, into .registry/<versionId>', async () => {
    const phases: InstallProgress['phase'][] = [];
    const r = await installer().install('weather', undefined, {
      onProgress: (p) => void (phases.at(-1) !== p.phase && phases.push(p.phase)),
    });
    expect(r).toMatchObject({
      changed: true,
      name: 'weather',
      version: '1.1.0',
      current: true,
      execution: 'sandboxed',
      requestedScopes: scopesV2,
      scopeDiff: scopesV2,
    });
    expect(r.folder).toBe(join(extensionsDir, '.registry', r.versionId));
    expect(JSON.parse(await readFile(join(r.folder, 'package.json'), 'utf8')).version).toBe('1.1.0');
    expect(phases).toEqual(['resolve', 'download', 'extract', 'verify', 'move', 'done']);
    // nothing but the install and the state file is left behind (staging removed)
    expect((await readdir(extensionsDir)).sort()).toEqual(['.registry']);
    expect((await readdir(join(extensionsDir, '.registry'))).sort()).toEqual([r.versionId, 'annex-state.json'].sort());
    expect(await getActiveFolders(extensionsDir)).toEqual([
      { name: 'weather', id: r.id, versionId: r.versionId, version: '1.1.0', folder: r.folder },
    ]);
    expect((await stat(join(r.folder, 'dist/index.js'))).mode & 0o777).toBe(0o644);
  });

  it('installs any version: exact, by version id, by range, by dist-tag', async () => {
    const i = installer();
    expect((await i.install('weather', '1.0.0')).version).toBe('1.0.0');
    expect((await i.install('weather', await versionIdOf('weather', '2.0.0-beta.1'))).version).toBe('2.0.0-beta.1');
    expect((await i.install('weather', '~1.1')).version).toBe('1.1.0');
    expect((await i.install('weather', 'latest')).version).toBe('2.0.0-beta.1');
    expect((await rejection(i.install('weather', '3.x'))).code).toBe('MKT_VERSION_NOT_FOUND');
  });

  it('update reports the scope diff; activate:false stages the new version until activated', async () => {
    const i = installer();
    const v1 = await i.install('weather', '1.0.0');
    const staged = await i.update('weather', undefined, { activate: false });
    expect(staged).toMatchObject({ changed: true, version: '1.1.0', current: false, previous: { version: '1.0.0' } });
    expect(staged.scopeDiff).toEqual({ request: scopesV2.request });
    expect((await getActiveFolders(extensionsDir))[0].version).toBe('1.0.0');
    const active = await i.activate('weather', staged.versionId);
    expect(active).toMatchObject({ changed: true, current: true, version: '1.1.0' });
    expect((await getActiveFolders(extensionsDir))[0].versionId).toBe(staged.versionId);
    expect(existsSync(v1.folder)).toBe(true);
    expect(await i.update('weather')).toMatchObject({ changed: false, version: '1.1.0' });
  });

  it('rolls back to the kept version without downloading, then has nothing older to go to', async () => {
    const i = installer();
    const v1 = await i.install('weather', '1.0.0');
    const v2 = await i.update('weather');
    const back = await i.rollback('weather');
    expect(back).toMatchObject({
      changed: true,
      versionId: v1.versionId,
      previous: { version: '1.1.0' },
      scopeDiff: {},
    });
    expect(existsSync(v2.folder)).toBe(true);
    expect((await getActiveFolders(extensionsDir))[0].version).toBe('1.0.0');
    expect((await rejection(i.rollback('weather'))).code).toBe('MKT_NO_PREVIOUS_VERSION');
    // the newer version is still kept: installing it again is a switch, not a download
    const again = await i.install('weather', '1.1.0');
    expect(again).toMatchObject({ changed: true, versionId: v2.versionId, current: true });
  });

  it('uninstalls every kept version and the state entry', async () => {
    const i = installer();
    const v1 = await i.install('weather', '1.0.0');
    const v2 = await i.update('weather');
    const r = await i.uninstall('weather');
    expect(r.removed.sort()).toEqual([v1.versionId, v2.versionId].sort());
    expect(existsSync(v1.folder) || existsSync(v2.folder)).toBe(false);
    expect(await i.listInstalled()).toEqual([]);
    expect(await readdir(join(extensionsDir, '.registry'))).toEqual(['annex-state.json']);
    expect((await rejection(i.uninstall('weather'))).code).toBe('MKT_NOT_INSTALLED');
  });

  it('exports a lock and imports it elsewhere: same versions, same bytes', async () => {
    const i = installer();
    await i.install('weather', '1.0.0');
    await i.install('colors');
    await i.pin('weather');
    const lock = await i.exportLock();
    expect(lock.extensions.map((e) => [e.name, e.version, e.pinned])).toEqual([
      ['colors', '1.0.0', false],
      ['weather', '1.0.0', true],
    ]);

    const elsewhere = await tempDir('annex-ext-');
    const j = createInstaller({
      extensionsDir: elsewhere,
      client: createRegistryClient({ registry: reg.url }),
      trust: 'sandbox',
      hostVersion: DIRECTUS_COMPAT_VERSION,
    });
    const results = await j.importLock(JSON.parse(JSON.stringify(lock)));
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['colors', 'installed'],
      ['weather', 'installed'],
    ]);
    expect(await j.exportLock()).toEqual(lock);
    expect((await j.importLock(lock)).map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    expect((await rejection(j.update('weather'))).code).toBe('MKT_PINNED');

    const tampered = {
      ...lock,
      extensions: [
        { ...lock.extensions[0], version: '9.9.9', versionId: 'x', name: 'weather', integrity: 'sha512-AAAA' },
      ],
    };
    const bad = await createInstaller({
      extensionsDir: await tempDir(),
      client: createRegistryClient({ registry: reg.url }),
      trust: 'sandbox',
      hostVersion: '11.0.0',
    }).importLock(tampered);
    expect(bad[0]).toMatchObject({ status: 'failed', error: { code: 'MKT_VERSION_NOT_FOUND' } });
    const wrongBytes = { ...lock, extensions: [{ ...lock.extensions[1], integrity: 'sha512-AAAA' }] };
    const bad2 = await createInstaller({
      extensionsDir: await tempDir(),
      client: createRegistryClient({ registry: reg.url }),
      trust: 'sandbox',
      hostVersion: '11.0.0',
    }).importLock(wrongBytes);
    expect(bad2[0]).toMatchObject({ status: 'failed', error: { code: 'MKT_LOCK_MISMATCH' } });
    expect((await rejection(j.importLock({ lockfileVersion: 2 }))).code).toBe('MKT_LOCK_INVALID');

    const pruned = await j.importLock({ ...lock, extensions: [lock.extensions[0]] }, { prune: true });
    expect(pruned.map((r) => [r.name, r.status])).toEqual([
      ['colors', 'unchanged'],
      ['weather', 'removed'],
    ]);
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('applies the trust levels: sandbox < verified < all', async () => {
    expect((await installer({ trust: 'sandbox' }).install('colors')).execution).toBe('app');
    expect((await rejection(installer({ trust: 'sandbox' }).install('raw-endpoint'))).code).toBe('MKT_TRUST_DENIED');
    expect((await rejection(installer({ trust: 'verified' }).install('raw-endpoint'))).code).toBe('MKT_TRUST_DENIED');
    await reg.server.setVerified('bob', true);
    try {
      expect((await installer({ trust: 'verified' }).install('raw-endpoint')).execution).toBe('unsandboxed');
    } finally {
      await reg.server.setVerified('bob', false);
    }
    await installer().uninstall('raw-endpoint');
    expect((await installer({ trust: 'all' }).install('raw-endpoint')).changed).toBe(true);
  });

  it('checks host compatibility: picks a compatible version, refuses an incompatible one unless forced', async () => {
    const i = installer();
    expect((await i.install('old-host')).version).toBe('0.9.0');
    const refused = await rejection(i.install('old-host', '1.0.0'));
    expect(refused).toMatchObject({
      code: 'MKT_INCOMPATIBLE_HOST',
      details: { host: '^9.0.0', hostVersion: DIRECTUS_COMPAT_VERSION },
    });
    expect((await getActiveFolders(extensionsDir))[0].version).toBe('0.9.0');
    expect((await i.install('old-host', '1.0.0', { force: true })).version).toBe('1.0.0');
  });

  it('accepts the host level as a range (DIRECTUS_COMPAT_RANGE): manifest ranges must overlap it', async () => {
    const i = installer({ hostVersion: DIRECTUS_COMPAT_RANGE });
    // ^9.0.0 overlaps >=9.20.0 <12.0.0, so the newest version is chosen
    expect((await i.install('old-host')).version).toBe('1.0.0');
    const future = await tempDir();
    await publishFolder(
      reg.url,
      await writeExtension(future, { name: 'future-host', sandbox: true, host: '^12.0.0' }),
      { token: reg.token },
    );
    expect((await rejection(i.install('future-host'))).code).toBe('MKT_INCOMPATIBLE_HOST');
  });

  it('serialises concurrent operations and keeps at most keepVersions versions on disk', async () => {
    const i = installer({ keepVersions: 2 });
    const [a, b, c] = await Promise.all([
      i.install('weather', '1.0.0'),
      i.install('weather', '1.1.0'),
      i.install('weather', '2.0.0-beta.1'),
    ]);
    expect([a.version, b.version, c.version]).toEqual(['1.0.0', '1.1.0', '2.0.0-beta.1']);
    const state = await readInstallState(extensionsDir);
    expect(
      Object.values(state.extensions.weather.versions)
        .map((v) => v.version)
        .sort(),
    ).toEqual(['1.1.0', '2.0.0-beta.1']);
    expect(existsSync(a.folder)).toBe(false);
    expect((await i.rollback('weather')).version).toBe('1.1.0');
  });

  it('reports bundle entries (for the children settings rows) and treats API bundles as unsandboxed', async () => {
    await publishFolder(
      reg.url,
      await writeExtension(await tempDir(), {
        name: 'kit',
        type: 'bundle',
        options: {
          path: { app: 'dist/app.js', api: 'dist/api.js' },
          entries: [
            { type: 'panel', name: 'chart' },
            { type: 'operation', name: 'notify' },
          ],
        },
        files: { 'dist/app.js': 'export default {}', 'dist/api.js': 'export default {}' },
      }),
      { token: reg.token },
    );
    expect((await rejection(installer().install('kit'))).code).toBe('MKT_TRUST_DENIED');
    const r = await installer({ trust: 'all' }).install('kit');
    expect(r).toMatchObject({
      type: 'bundle',
      execution: 'unsandboxed',
      bundled: [
        { name: 'chart', type: 'panel' },
        { name: 'notify', type: 'operation' },
      ],
    });
  });

  it('pins the registry signing key at the first install and refuses a changed key until reset', async () => {
    const i = installer();
    await i.install('colors');
    const statePath = join(extensionsDir, '.registry', 'annex-state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    expect(state.registryKeys).toEqual({ [reg.url]: reg.server.keyId });
    state.registryKeys[reg.url] = 'ed25519:someone-else';
    await writeFile(statePath, JSON.stringify(state));
    expect((await rejection(i.install('weather', '1.0.0'))).code).toBe('MKT_BAD_SIGNATURE');
    expect(Object.keys((await readInstallState(extensionsDir)).extensions)).toEqual(['colors']);
    await i.resetRegistryKey();
    expect((await i.install('weather', '1.0.0')).changed).toBe(true);
  });

  it('reports a missing current folder instead of pretending it is installed', async () => {
    const i = installer();
    const r = await i.install('colors');
    await rm(r.folder, { recursive: true });
    expect((await i.listInstalled())[0]).toMatchObject({ name: 'colors', missing: true });
    // reinstalling the same version downloads it again
    expect((await i.install('colors')).changed).toBe(true);
    expect(existsSync(r.folder)).toBe(true);
  });
});
