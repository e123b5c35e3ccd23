import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '@annex/host';
import { ROOT, testHostEnv } from '../helpers/host.js';
import { ANNEX_CLI } from '../helpers/annex-cli.js';

const run = promisify(execFile);
const BOOT = path.join(ROOT, 'host', 'dist', 'boot', 'bundled-host.js');

/*
 * ANNEX_CACHE_DIR: where a host keeps its V8 code cache (`code/`) and transformed entries
 * (`transforms/`); several hosts (or test processes) may use one folder at once. Each boot runs in
 * a fresh process as `annex start` does (loadHost, then createHost), since the bundle fills Node's
 * module cache.
 */
const PROBE = `
const dir = process.env.PROBE_DIR;
const { loadHost } = await import(${JSON.stringify(BOOT)});
const loaded = await loadHost({ env: process.env, cwd: dir });
// PROBE_BARRIER: every host has read the code cache before any goes on (and then writes one).
const barrier = process.env.PROBE_BARRIER;
if (barrier) {
  const fs = await import('node:fs');
  fs.writeFileSync(barrier + '/' + process.pid, '');
  for (let i = 0; i < 1500 && fs.readdirSync(barrier).length < Number(process.env.PROBE_PARTIES); i++)
    await new Promise((r) => setTimeout(r, 20));
}
const host = await loaded.module.createHost({ env: process.env, cwd: dir, packageFile: null });
const url = await host.listen(0, '127.0.0.1');
const ping = (await fetch(url + '/server/ping')).status;
loaded.persistCodeCache();
await host.close();
console.log(JSON.stringify({ source: loaded.source, codeCache: loaded.codeCache ?? null, ping }));
process.exit(0);
`;

let root: string;
const dirs: string[] = [];

/** A data folder of its own (database, extensions), as every test host has. */
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(root, 'data-'));
  fs.mkdirSync(path.join(dir, 'extensions'));
  dirs.push(dir);
  return dir;
}

async function boot(dir: string, env: Record<string, string>) {
  const full = { ...process.env, ...testHostEnv(dir, { PROBE_DIR: dir, ...env }) };
  const { stdout } = await run(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', PROBE], {
    env: full,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { source: string; codeCache: string | null; ping: number };
}

/** Every file under `dir` with its bytes, to tell a kept entry from a rewritten one. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out[name] = fs.readFileSync(file).toString('base64');
  }
  return out;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cache-dir-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('ANNEX_CACHE_DIR', () => {
  it('is read relative to the working folder; by default it is `cache` in the data folder', () => {
    const cwd = path.join(root, 'cwd');
    expect(readConfig({}, cwd).cacheDir).toBe(path.join(cwd, 'data', 'cache'));
    expect(readConfig({ ANNEX_DATA_DIR: 'elsewhere' }, cwd).cacheDir).toBe(path.join(cwd, 'elsewhere', 'cache'));
    expect(readConfig({ ANNEX_CACHE_DIR: 'shared' }, cwd).cacheDir).toBe(path.join(cwd, 'shared'));
    expect(readConfig({ ANNEX_CACHE_DIR: '/var/cache/annex' }, cwd).cacheDir).toBe('/var/cache/annex');
  });

  it('two hosts booting at once on one cache folder both start, and what they leave is taken by the next boot', async () => {
    const cache = path.join(root, 'shared-cache');
    const [a, b] = [dataDir(), dataDir()];
    const barrier = fs.mkdtempSync(path.join(root, 'barrier-'));
    const booted = await Promise.all(
      [a, b].map((dir) => boot(dir, { ANNEX_CACHE_DIR: cache, PROBE_BARRIER: barrier, PROBE_PARTIES: '2' })),
    );
    for (const result of booted) expect(result).toMatchObject({ source: 'bundle', codeCache: 'miss', ping: 200 });
    // Both caches are in the folder given, one code cache entry for the bundle, and nothing in the data folders.
    expect(fs.readdirSync(path.join(cache, 'code')).filter((f) => f.endsWith('.v8'))).toHaveLength(1);
    const kept = snapshot(path.join(cache, 'transforms'));
    expect(Object.keys(kept).length).toBeGreaterThan(5);
    expect(Object.keys(kept).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const dir of [a, b]) expect(fs.existsSync(path.join(dir, 'data', 'cache'))).toBe(false);

    // A third host takes both: V8 accepts the bytecode, and no entry is transformed (rewritten) again.
    expect(await boot(dataDir(), { ANNEX_CACHE_DIR: cache })).toMatchObject({ codeCache: 'hit', ping: 200 });
    expect(snapshot(path.join(cache, 'transforms'))).toEqual(kept);
  });

  it('a host with another SECRET ignores the entries it cannot verify and starts as without a cache', async () => {
    const cache = path.join(root, 'secret-cache');
    expect(await boot(dataDir(), { ANNEX_CACHE_DIR: cache })).toMatchObject({ codeCache: 'miss', ping: 200 });
    const kept = snapshot(path.join(cache, 'transforms'));
    expect(Object.keys(kept).length).toBeGreaterThan(5);
    expect(await boot(dataDir(), { ANNEX_CACHE_DIR: cache })).toMatchObject({ codeCache: 'hit', ping: 200 });
    const other = await boot(dataDir(), { ANNEX_CACHE_DIR: cache, SECRET: 'another-secret-9876543210' });
    expect(other).toMatchObject({ source: 'bundle', codeCache: 'miss', ping: 200 });
    // Its own transforms replaced the entries it could not verify (same files, other bytes).
    const after = snapshot(path.join(cache, 'transforms'));
    expect(Object.keys(after).sort()).toEqual(Object.keys(kept).sort());
    for (const name of Object.keys(kept)) expect(after[name]).not.toBe(kept[name]);
  });

  it('an extension command loads the bundled host with its code cache, in the cache folder', async () => {
    // No extension adds `frobnicate`: the host is loaded (to find out), then the command is unknown.
    const frobnicate = (cache: string, extra: Record<string, string> = {}) => {
      const dir = dataDir();
      const env = { ...process.env, ...testHostEnv(dir, { ANNEX_CACHE_DIR: cache, ...extra }) };
      return run(process.execPath, ['--no-node-snapshot', ANNEX_CLI, 'frobnicate'], { env, cwd: dir }).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
    };
    const cache = path.join(root, 'cli-cache');
    expect(await frobnicate(cache)).toBe(2);
    expect(fs.readdirSync(path.join(cache, 'code')).filter((f) => f.endsWith('.v8'))).toHaveLength(1);
    expect(Object.keys(snapshot(path.join(cache, 'transforms'))).length).toBeGreaterThan(5);
    // The control: with the bundle turned off (ANNEX_HOST_BUNDLE=off) the modules load, and there is no code cache.
    const modules = path.join(root, 'cli-modules-cache');
    expect(await frobnicate(modules, { ANNEX_HOST_BUNDLE: 'off' })).toBe(2);
    expect(fs.existsSync(path.join(modules, 'code'))).toBe(false);
    expect(Object.keys(snapshot(path.join(modules, 'transforms'))).length).toBeGreaterThan(5);
  });
});
