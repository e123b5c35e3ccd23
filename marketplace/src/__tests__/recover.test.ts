import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../client/client.js';
import { publishFolder } from '../client/publish.js';
import { createInstaller } from '../install/installer.js';
import { journalAside, recoverInstalls } from '../install/recover.js';
import { getActiveFolders } from '../install/state.js';
import { startRegistry, tempDir, writeExtension, type TestRegistry } from './helpers/fixtures.js';

let reg: TestRegistry;
let extensionsDir: string;

beforeAll(async () => {
  reg = await startRegistry();
  const src = await tempDir();
  await publishFolder(
    reg.url,
    await writeExtension(src, { name: 'weather', version: '1.0.0', sandbox: true, scopes: { log: {} } }),
    { token: reg.token },
  );
});
afterAll(() => reg?.close());
beforeEach(async () => {
  extensionsDir = await tempDir('annex-recover-');
});

const installer = () =>
  createInstaller({
    extensionsDir,
    client: createRegistryClient({ registry: reg.url, publicKey: reg.server.publicKeyPem }),
    trust: 'sandbox',
    hostVersion: DIRECTUS_COMPAT_VERSION,
  });

/** What a process killed mid-operation leaves (test/fault/install-crash.test.ts kills real hosts; these are the residues). */
describe('recovering the install folder after a crash', () => {
  it('puts back a version folder a forced reinstall had moved aside, and removes the operation folder', async () => {
    const r = await installer().install('weather', '1.0.0');
    // Killed between moving the installed folder aside and moving the new one in.
    const opDir = join(extensionsDir, '.annex-staging', 'op-crashed');
    await mkdir(opDir, { recursive: true });
    const aside = join(opDir, 'replaced');
    await journalAside(opDir, r.folder, aside);
    await rename(r.folder, aside);
    expect(existsSync(r.folder)).toBe(false);

    const report = await installer().recover();
    expect(report.restored).toEqual([r.folder]);
    expect(JSON.parse(await readFile(join(r.folder, 'package.json'), 'utf8')).version).toBe('1.0.0');
    expect(existsSync(join(extensionsDir, '.annex-staging'))).toBe(false);
    expect((await getActiveFolders(extensionsDir)).map((f) => f.folder)).toEqual([r.folder]);
  });

  it('removes folders and temporary files the state does not name, and keeps everything it does', async () => {
    const r = await installer().install('weather', '1.0.0');
    const registry = join(extensionsDir, '.registry');
    await mkdir(join(registry, 'moved-in-never-recorded'));
    await writeFile(join(registry, 'annex-state.json.1a2b3c4d.tmp'), '{');
    await mkdir(join(registry, `${r.versionId}.partial-123`));
    await mkdir(join(extensionsDir, '.annex-staging', 'op-download'), { recursive: true });
    await writeFile(join(extensionsDir, '.annex-staging', 'op-download', 'package.tgz'), 'half');
    // The dead process's install lock (pid 2^31-2 does not exist) is taken over, not waited for.
    await writeFile(join(extensionsDir, '.annex-install.lock'), JSON.stringify({ pid: 2 ** 31 - 2, at: Date.now() }));

    const report = await recoverInstalls(extensionsDir);
    expect(report.removed).toHaveLength(4);
    expect((await readdir(registry)).sort()).toEqual([r.versionId, 'annex-state.json'].sort());
    expect((await readdir(extensionsDir)).sort()).toEqual(['.registry']);
    // The installer works on as before.
    expect((await installer().install('weather', '1.0.0', { force: true })).changed).toBe(true);
  });

  it('does nothing where nothing was ever installed', async () => {
    expect(await recoverInstalls(extensionsDir)).toEqual({ restored: [], removed: [] });
    expect(await readdir(extensionsDir)).toEqual([]);
  });
});
