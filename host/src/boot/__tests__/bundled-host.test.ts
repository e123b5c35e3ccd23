import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBundleFresh } from '@annex/protocol/bundle';
import { testHostEnv } from '../../../../test/helpers/host.js';

const BOOT = fileURLToPath(new URL('../../../dist/boot/bundled-host.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../../dist/bundle/host.cjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../../fixtures/directus/express-endpoint', import.meta.url));
const run = promisify(execFile);

/*
 * Boots a host the way `annex start` does (loadHost, then createHost) in a fresh process, since
 * the bundle fills Node's module cache; reports where the host came from and what a Directus
 * endpoint requiring `express` itself sees.
 */
const PROBE = `
import { createRequire } from 'node:module';
const dir = process.env.PROBE_DIR;
const { loadHost } = await import(${JSON.stringify(BOOT)});
const loaded = await loadHost({ env: process.env, cwd: dir });
const host = await loaded.module.createHost({ env: process.env, cwd: dir, packageFile: null });
const url = await host.listen(0, '127.0.0.1');
const login = await (await fetch(url + '/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: 'admin-password' }) })).json();
const auth = { authorization: 'Bearer ' + login.data.access_token };
const identity = await (await fetch(url + '/express-fixture/identity', { headers: auth })).json();
const ping = (await fetch(url + '/server/ping')).status;
const extensionRequire = createRequire(process.env.EXTENSIONS_PATH + '/express-endpoint/package.json');
const support = createRequire(${JSON.stringify(path.dirname(BOOT))} + '/x.js')('@annex/host/builtins-support');
loaded.persistCodeCache();
console.log(JSON.stringify({ source: loaded.source, codeCache: loaded.codeCache ?? null, ping, identity, sameErrors: support.errors === loaded.module.errors }));
await host.close();
process.exit(0);
`;

let dir: string;
async function boot(extraEnv: Record<string, string> = {}) {
  // No ANNEX_CACHE_DIR (the run's shared folder): this host keeps its caches where it does by default.
  const env = { ...process.env, ...testHostEnv(dir, { PROBE_DIR: dir, ANNEX_CACHE_DIR: '', ...extraEnv }) };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('annex start loads the bundled host', () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-bundled-'));
    fs.cpSync(FIXTURE, path.join(dir, 'extensions', 'express-endpoint'), { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the build made a bundle that matches its inputs', () => {
    expect(isBundleFresh(BUNDLE)).toBe(true);
  });

  it('boots from the bundle; extensions get its Express and the built-ins its support module; the next boot takes the code cache', async () => {
    const first = await boot();
    const expected = { routerIsExpress: true, requestIsExpress: true, responseIsExpress: true };
    expect(first).toMatchObject({ source: 'bundle', codeCache: 'miss', ping: 200, sameErrors: true });
    expect(first.identity).toMatchObject(expected);
    // By default both caches are in the data folder (`data` in the working folder).
    expect(fs.readdirSync(path.join(dir, 'data', 'cache', 'code')).filter((f) => f.endsWith('.v8'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, 'data', 'cache', 'transforms')).length).toBeGreaterThan(5);
    const second = await boot();
    expect(second).toMatchObject({ source: 'bundle', codeCache: 'hit', ping: 200, sameErrors: true });
    expect(second.identity).toMatchObject(expected);
  });

  it('the control: with the bundle turned off the modules load themselves', async () => {
    const off = await boot({ ANNEX_HOST_BUNDLE: 'off' });
    expect(off).toMatchObject({ source: 'modules', codeCache: null, ping: 200 });
    expect(off.identity).toMatchObject({ routerIsExpress: true });
  });
});

describe('a bundle older than one of its inputs is not used', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-bundle-fresh-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('compares each input with the size and mtime recorded at build', () => {
    const bundle = path.join(tmp, 'bundle', 'host.cjs');
    const input = path.join(tmp, 'input.js');
    fs.mkdirSync(path.dirname(bundle));
    fs.writeFileSync(bundle, 'module.exports = {};\n');
    fs.writeFileSync(input, 'export const a = 1;\n');
    const st = fs.statSync(input);
    const manifest = { format: 1, inputs: [['../input.js', st.size, Math.trunc(st.mtimeMs)]] };
    fs.writeFileSync(path.join(tmp, 'bundle', 'host.json'), JSON.stringify(manifest));
    expect(isBundleFresh(bundle)).toBe(true);
    fs.writeFileSync(input, 'export const a = 22;\n');
    expect(isBundleFresh(bundle)).toBe(false);
    fs.rmSync(input);
    expect(isBundleFresh(bundle)).toBe(false);
    expect(isBundleFresh(path.join(tmp, 'missing.cjs'))).toBe(false);
  });
});
