import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost } from '../helpers/host.js';
import { annex } from '../helpers/annex-cli.js';
import { startFixtureRegistry } from '../helpers/registry.js';

describe('annex extensions: marketplace commands', () => {
  let registry: MarketplaceServer;
  beforeAll(async () => {
    registry = await startFixtureRegistry();
  });
  afterAll(() => registry?.close());

  it('searches, shows info, installs with progress, exports a lock and uninstalls (offline, on EXTENSIONS_PATH)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-ext-'));
    const env = { MARKETPLACE_REGISTRY: registry.url, EXTENSIONS_PATH: dir, DB_FILENAME: path.join(dir, 'x.db') };
    const search = await annex(['extensions', 'search', 'greeter', '--json'], env);
    expect(JSON.parse(search.stdout).data.map((e: any) => e.name)).toEqual(['annex-market-greeter']);
    const info = await annex(['extensions', 'info', 'annex-market-greeter'], env);
    expect(info.stdout).toContain('1.0.0');
    expect(info.stdout).toContain('2.0.0');
    const install = await annex(['extensions', 'install', 'annex-market-greeter@1.0.0'], env);
    expect(install.code).toBe(0);
    expect(install.stderr).toMatch(/download/);
    expect(install.stderr).toMatch(/extract/);
    expect(install.stdout).toContain('annex-market-greeter@1.0.0 installed');
    const lock = JSON.parse((await annex(['extensions', 'export'], env)).stdout);
    expect(lock.extensions.map((e: any) => [e.name, e.version])).toEqual([['annex-market-greeter', '1.0.0']]);
    const incompatible = await annex(['extensions', 'install', 'annex-market-future'], env);
    expect(incompatible.code).toBe(1);
    expect(incompatible.stderr).toContain('MKT_INCOMPATIBLE_HOST');
    expect((await annex(['extensions', 'uninstall', 'annex-market-greeter'], env)).code).toBe(0);
    expect(JSON.parse((await annex(['extensions', 'export'], env)).stdout).extensions).toEqual([]);
    expect((await annex(['extensions', 'install'], env)).code).toBe(2);
  });

  it('on PostgreSQL, refuses to change the installed set offline (a start would undo it) and still reads the registry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-ext-pg-'));
    // Refused before any connection is made: the server named here need not exist.
    const env = {
      MARKETPLACE_REGISTRY: registry.url,
      EXTENSIONS_PATH: dir,
      DB_CLIENT: 'pg',
      DB_CONNECTION_STRING: 'postgres://nobody@127.0.0.1:1/none',
    };
    for (const args of [
      ['install', 'annex-market-greeter@1.0.0'],
      ['update', 'annex-market-greeter'],
      ['rollback', 'annex-market-greeter'],
      ['uninstall', 'annex-market-greeter'],
      ['import', path.join(dir, 'lock.json')],
    ]) {
      const r = await annex(['extensions', ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('HOST_SHARED_INSTALLS');
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    const search = await annex(['extensions', 'search', 'greeter', '--json'], env);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).data.map((e: any) => e.name)).toEqual(['annex-market-greeter']);
  });

  it('drives a running host with --url/--token: install, grant, update staged, approve, rollback', async () => {
    const t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
    try {
      const remote = ['--url', t.url, '--token', t.token];
      const install = await annex(['extensions', 'install', 'annex-market-greeter@1.0.0', '--json', ...remote], {});
      expect(JSON.parse(install.stdout)).toMatchObject({ status: 'pending' });
      expect((await annex(['extensions', 'grant', 'annex-market-greeter', ...remote], {})).code).toBe(0);
      expect((await t.api('GET', '/greeter')).body.version).toBe('1.0.0');
      const update = await annex(['extensions', 'update', 'annex-market-greeter', ...remote], {});
      expect(update.stdout).toContain('pending');
      expect(update.stdout).toContain('approve');
      expect((await annex(['extensions', 'approve', 'annex-market-greeter', ...remote], {})).code).toBe(0);
      expect((await t.api('GET', '/greeter')).body.version).toBe('2.0.0');
      expect((await annex(['extensions', 'rollback', 'annex-market-greeter', ...remote], {})).code).toBe(0);
      expect((await t.api('GET', '/greeter')).body.version).toBe('1.0.0');
    } finally {
      await t.close();
    }
  });
});
