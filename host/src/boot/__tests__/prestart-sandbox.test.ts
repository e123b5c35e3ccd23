import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../config.js';
import { REPO_ROOT } from '../../paths.js';
import { testHostEnv } from '../../../../test/helpers/host.js';
import { hasSandboxedExtension, prestartSandboxWorker, releasePrestartedSandboxWorker } from '../prestart-sandbox.js';

/* `annex start` forks the first sandbox worker before it loads the host when a sandboxed extension is there (issue 20: boot). */

function writePackage(
  root: string,
  folder: string,
  manifest: Record<string, unknown>,
  code = 'export default () => {};\n',
) {
  const dir = path.join(root, folder);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: folder.replace(/^.*\//, ''),
      version: '1.0.0',
      type: 'module',
      'directus:extension': { path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0', ...manifest },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', 'index.js'), code);
}

const SANDBOXED = { sandbox: { enabled: true, requestedScopes: {} } };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('hasSandboxedExtension', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-prestart-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds a sandboxed extension in a folder or a marketplace install, and nothing else', () => {
    const ext = path.join(root, 'a');
    writePackage(ext, 'trusted-hook', { type: 'hook' });
    writePackage(ext, 'a-bundle', { type: 'bundle', entries: [], ...SANDBOXED });
    fs.mkdirSync(path.join(ext, 'not-a-package'));
    expect(hasSandboxedExtension(ext)).toBe(false);
    expect(hasSandboxedExtension(path.join(root, 'missing'))).toBe(false);
    writePackage(ext, '.registry/v1', { type: 'endpoint', ...SANDBOXED });
    expect(hasSandboxedExtension(ext)).toBe(true);
    const local = path.join(root, 'b');
    writePackage(local, 'sandboxed-hook', { type: 'hook', ...SANDBOXED });
    expect(hasSandboxedExtension(local)).toBe(true);
  });

  it('prestarts a worker only for the process engine with a sandboxed extension; release ends an unused one', async () => {
    const ext = path.join(root, 'c');
    writePackage(ext, 'sandboxed-hook', { type: 'hook', ...SANDBOXED });
    const env = { EXTENSIONS_PATH: ext, SECRET: 'test-secret-0123456789' };
    expect(await prestartSandboxWorker(readConfig({ ...env, EXTENSIONS_SANDBOX_ENGINE: 'inline' }, root))).toBe(
      undefined,
    );
    expect(await prestartSandboxWorker(readConfig({ ...env, EXTENSIONS_PATH: path.join(root, 'a-none') }, root))).toBe(
      undefined,
    );
    expect(await prestartSandboxWorker(readConfig(env, root), { ANNEX_SANDBOX_PRESTART: 'off' })).toBe(undefined);
    const pid = await prestartSandboxWorker(readConfig(env, root), {});
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid!)).toBe(true);
    await releasePrestartedSandboxWorker();
    for (let i = 0; i < 100 && alive(pid!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid!)).toBe(false);
  });
});

/** Pids of the sandbox workers among `pid`'s children. */
function workerChildren(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      if (ppid === pid && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('worker')) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe.runIf(fs.existsSync('/proc/self/stat'))('annex start with a prestarted worker', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-prestart-cli-'));
    // The migration runs once here, not inside each boot's deadline.
    return new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [path.join(REPO_ROOT, 'host', 'bin', 'annex.js'), 'bootstrap'],
        { env: env(), cwd: dir },
        (e) => (e ? reject(e) : resolve()),
      ),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function env(): NodeJS.ProcessEnv {
    return { ...process.env, ...testHostEnv(dir, { MARKETPLACE_REGISTRY: '' }) };
  }

  /** Boots `annex start`, waits for its first ping, returns the workers it runs then and an endpoint's status. */
  async function boot(probe: string): Promise<{ workers: number[]; status: number }> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'host', 'bin', 'annex.js'), 'start', '--port', String(port), '--host', '127.0.0.1'],
      { env: env(), cwd: dir, stdio: 'ignore' },
    );
    try {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`annex start exited (${child.exitCode})`);
        const res = await fetch(`http://127.0.0.1:${port}/server/ping`).catch(() => undefined);
        if (res?.status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const workers = workerChildren(child.pid!);
      const status = (await fetch(`http://127.0.0.1:${port}${probe}`)).status;
      return { workers, status };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }

  it('a sandboxed endpoint answers, from one worker (the prestarted one, adopted: see runtime prespawn.test.ts)', async () => {
    writePackage(
      path.join(dir, 'extensions'),
      'sandboxed-ep',
      { type: 'endpoint', ...SANDBOXED },
      `export default (router) => { router.get('/', () => ({ status: 200, body: { ok: true } })); };\n`,
    );
    const { workers, status } = await boot('/sandboxed-ep');
    expect(workers).toHaveLength(1);
    expect(status).toBe(200);
  }, 60_000);

  it('a boot that fails after the prestart (EXTENSIONS_MUST_LOAD, a broken extension) exits with code 1', async () => {
    writePackage(path.join(dir, 'extensions'), 'sandboxed-hook', { type: 'hook', ...SANDBOXED });
    // No dist/index.js: its entry cannot load.
    writePackage(path.join(dir, 'extensions'), 'broken-hook', { type: 'hook' });
    fs.rmSync(path.join(dir, 'extensions', 'broken-hook', 'dist', 'index.js'));
    const code = await new Promise<number | string | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'host', 'bin', 'annex.js'), 'start', '--port', '0'], {
        env: { ...env(), EXTENSIONS_MUST_LOAD: 'true' },
        cwd: dir,
        stdio: 'ignore',
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, 30_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(1);
    fs.rmSync(path.join(dir, 'extensions', 'broken-hook'), { recursive: true, force: true });
  }, 40_000);

  it('a guess the load did not need (the sandboxed extension is invalid) leaves no worker once the host listens', async () => {
    fs.rmSync(path.join(dir, 'extensions'), { recursive: true, force: true });
    // Migrations need a trusted extension: validation refuses this one, so nothing sandboxed activates.
    writePackage(path.join(dir, 'extensions'), 'sandboxed-bad', {
      type: 'hook',
      ...SANDBOXED,
      annex: { migrations: 'm' },
    });
    expect(hasSandboxedExtension(path.join(dir, 'extensions'))).toBe(true);
    const { workers } = await boot('/server/ping');
    expect(workers).toEqual([]);
  }, 60_000);
});
