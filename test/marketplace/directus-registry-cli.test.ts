import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectusRegistry, type DirectusRegistry } from '../helpers/directus-registry.js';
import { FIXTURES } from '../helpers/host.js';
import { annex } from '../helpers/annex-cli.js';

function versionOf(version: string, tamper = false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `annex-dreg-cli-${version}-`));
  fs.cpSync(path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook'), dir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  return { dir, tamper };
}

describe('annex extensions against a Directus-only registry', () => {
  let reg: DirectusRegistry;
  beforeAll(async () => {
    reg = await startDirectusRegistry([versionOf('1.0.0'), versionOf('1.1.0'), versionOf('1.2.0', true)]);
  });
  afterAll(() => reg?.close());

  it('search, info, install, update, refuses a tampered tarball, uninstall', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-dreg-cli-ext-'));
    const env = { MARKETPLACE_REGISTRY: reg.url, EXTENSIONS_PATH: dir, DB_FILENAME: path.join(dir, 'x.db') };
    const search = await annex(['extensions', 'search', 'stamp', '--json'], env);
    expect(JSON.parse(search.stdout).data.map((e: any) => e.name)).toEqual(['directus-sandboxed-stamp-hook']);
    const info = await annex(['extensions', 'info', 'directus-sandboxed-stamp-hook'], env);
    expect(info.stdout).toContain('1.1.0');
    const install = await annex(['extensions', 'install', 'directus-sandboxed-stamp-hook@1.0.0'], env);
    expect(install.code, install.stderr).toBe(0);
    const update = await annex(['extensions', 'install', 'directus-sandboxed-stamp-hook@1.1.0'], env);
    expect(update.code, update.stderr).toBe(0);
    const lock = JSON.parse((await annex(['extensions', 'export'], env)).stdout);
    expect(lock.extensions.map((e: any) => [e.name, e.version])).toEqual([['directus-sandboxed-stamp-hook', '1.1.0']]);
    const folders = () =>
      fs
        .readdirSync(path.join(dir, '.registry'), { withFileTypes: true })
        .filter((f) => f.isDirectory())
        .map((f) => f.name)
        .sort();
    const before = folders();
    const tampered = await annex(['extensions', 'install', 'directus-sandboxed-stamp-hook@1.2.0'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('MKT_INTEGRITY_MISMATCH');
    expect(folders()).toEqual(before);
    expect((await annex(['extensions', 'uninstall', 'directus-sandboxed-stamp-hook'], env)).code).toBe(0);
    expect(folders()).toEqual([]);
  });
});
