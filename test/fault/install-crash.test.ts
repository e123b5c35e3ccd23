import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, testHostEnv } from '../helpers/host.js';
import { startFixtureRegistry } from '../helpers/registry.js';

const SCRIPT = path.join(ROOT, 'test', 'fault', 'helpers', 'crashing-host.mjs');
const GREETER = 'annex-market-greeter';

interface Child {
  proc: ChildProcess;
  url: string;
  token: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  api(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Starts a host in its own process on `dir` (SQLite file, extensions folder); `crashAt` arms the crash hook. */
async function startChild(dir: string, registry: string, crashAt?: string): Promise<Child> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...testHostEnv(dir, {
      MARKETPLACE_REGISTRY: registry,
      ANNEX_CWD: dir,
      ...(crashAt ? { ANNEX_CRASH_AT: crashAt } : {}),
    }),
  };
  const proc = spawn(process.execPath, ['--no-node-snapshot', SCRIPT], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line).url));
    void exited.then(({ code, signal }) =>
      reject(new Error(`host exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  const call = async (method: string, urlPath: string, body?: unknown, token?: string) => {
    const res = await fetch(url + urlPath, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed as any };
  };
  const token = (await call('POST', '/auth/login', { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD })).body.data
    .access_token;
  return { proc, url, token, exited, api: (m, p, b) => call(m, p, b, token) };
}

async function stop(child: Child): Promise<void> {
  child.proc.kill('SIGTERM');
  await child.exited;
}

/** What the restarted host holds for the greeter: the version it serves, the one its install state names, the one its row names. */
async function inspect(child: Child, dir: string) {
  const extensions = path.join(dir, 'extensions');
  const stateFile = path.join(extensions, '.registry', 'annex-state.json');
  const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { extensions: {} };
  const installed = state.extensions[GREETER];
  const current = installed ? installed.versions[installed.current] : undefined;
  const registryDir = path.join(extensions, '.registry');
  const folders = fs.existsSync(registryDir)
    ? fs.readdirSync(registryDir).filter((f) => f !== 'annex-state.json' && !f.startsWith('.'))
    : [];
  const served = await child.api('GET', '/greeter');
  const status = await child.api('GET', `/extensions/${GREETER}/status`);
  const db = new Database(path.join(dir, 'annex.db'), { readonly: true });
  const row = db
    .prepare('select folder, version, pending_version from directus_extensions where name = ? and bundle is null')
    .get(GREETER) as { folder: string; version: string; pending_version: string | null } | undefined;
  db.close();
  const staging = path.join(extensions, '.annex-staging');
  return {
    served: served.status === 200 ? served.body.version : served.status,
    stateVersion: current?.version ?? null,
    /** Every version folder on disk is one the state knows (no half-moved or orphaned folder). */
    unknownFolders: folders.filter((f) => !installed?.versions[f]),
    /** The current version's folder is whole: its manifest names the version the state records. */
    folderVersion: current
      ? JSON.parse(fs.readFileSync(path.join(extensions, current.folder, 'package.json'), 'utf8')).version
      : null,
    rowVersion: row?.version ?? null,
    /** The row names the folder the state makes current. */
    rowAgrees: row ? row.folder === installed?.current : !installed,
    rowPending: row?.pending_version ?? null,
    rowState: status.status === 200 ? status.body.data.state : null,
    leftovers: fs.existsSync(staging) ? fs.readdirSync(staging) : [],
  };
}

/**
 * A host killed with SIGKILL in the middle of a marketplace install or update (issue 17 item 8)
 * restarts into the old or the new version, whole: the served version, the install state, the
 * version folder and the settings row agree, nothing half-moved is left, and the operation can
 * simply be run again.
 */
describe('a host killed during a marketplace install or update', () => {
  let registry: MarketplaceServer;
  const dirs: string[] = [];
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-crash-'));
    fs.mkdirSync(path.join(dir, 'extensions'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    registry = await startFixtureRegistry();
  });
  afterAll(async () => {
    await registry?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Runs `operation` on a host armed to crash at `point`, checks it died of SIGKILL, and returns the restarted host. */
  async function crashDuring(dir: string, point: string, operation: (c: Child) => Promise<unknown>): Promise<Child> {
    const doomed = await startChild(dir, registry.url, point);
    await operation(doomed).catch(() => undefined); // the connection dies with the host
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    return startChild(dir, registry.url);
  }

  for (const point of ['after-download', 'during-extract', 'before-state', 'after-state']) {
    it(`a first install killed ${point} restarts with nothing installed or with the new version, whole`, async () => {
      const dir = fresh();
      const host = await crashDuring(dir, point, (c) =>
        c.api('POST', '/extensions/registry/install', { extension: GREETER, version: '1.0.0' }),
      );
      try {
        const seen = await inspect(host, dir);
        expect(seen.unknownFolders).toEqual([]);
        expect(seen.leftovers).toEqual([]);
        if (seen.stateVersion === null) {
          // wholly old: not installed anywhere
          expect(seen).toMatchObject({ served: 404, rowVersion: null, rowAgrees: true });
        } else {
          // wholly new: state, folder and row agree; granting it makes it serve
          expect(seen).toMatchObject({
            stateVersion: '1.0.0',
            folderVersion: '1.0.0',
            rowVersion: '1.0.0',
            rowAgrees: true,
          });
        }
        // The operation runs again to completion.
        expect(
          (await host.api('POST', '/extensions/registry/install', { extension: GREETER, version: '1.0.0' })).status,
        ).toBeLessThan(300);
        expect((await host.api('POST', `/extensions/${GREETER}/grant`, {})).status).toBe(200);
        expect((await host.api('GET', '/greeter')).body.version).toBe('1.0.0');
      } finally {
        await stop(host);
      }
    });
  }

  let installedDir: Promise<string> | undefined;
  /**
   * A host folder (database and extensions) with 1.0.0 installed and granted by a host that then shut
   * down: made once, then copied for each update test (starting a host process for each was a third
   * of this file's time).
   */
  const installed = () =>
    (installedDir ??= (async () => {
      const dir = fresh();
      const setup = await startChild(dir, registry.url);
      expect(
        (await setup.api('POST', '/extensions/registry/install', { extension: GREETER, version: '1.0.0' })).status,
      ).toBeLessThan(300);
      expect((await setup.api('POST', `/extensions/${GREETER}/grant`, {})).status).toBe(200);
      expect((await setup.api('GET', '/greeter')).body.version).toBe('1.0.0');
      await stop(setup);
      // A copy must not point back here: nothing in the folder may name it.
      const naming = (d: string): string[] =>
        fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
          const full = path.join(d, e.name);
          if (e.isDirectory()) return naming(full);
          return fs.readFileSync(full).includes(dir) ? [path.relative(dir, full)] : [];
        });
      expect(naming(dir)).toEqual([]);
      return dir;
    })());

  for (const point of [
    'after-download',
    'during-extract',
    'before-state',
    'after-state',
    'before-state:2',
    'after-state:2',
  ]) {
    it(`an update (then its approval) killed at ${point} restarts into 1.0.0 or 2.0.0, whole`, async () => {
      const dir = fresh();
      fs.cpSync(await installed(), dir, { recursive: true });

      // 2.0.0 asks for a new scope: the update stages it (first state write), the approval switches to it (second).
      const host = await crashDuring(dir, point, async (c) => {
        expect((await c.api('POST', '/extensions/registry/update', { extension: GREETER })).body.data).toMatchObject({
          status: 'pending',
        });
        await c.api('POST', '/extensions/registry/approve', { extension: GREETER });
      });
      try {
        const seen = await inspect(host, dir);
        expect(seen.unknownFolders).toEqual([]);
        expect(seen.leftovers).toEqual([]);
        expect(['1.0.0', '2.0.0']).toContain(seen.served);
        expect(seen).toMatchObject({
          stateVersion: seen.served,
          folderVersion: seen.served,
          rowVersion: seen.served,
          rowAgrees: true,
          rowState: 'active',
        });
        // A pending approval names a version that is not the one running.
        if (seen.rowPending !== null) expect(seen.served).toBe('1.0.0');
        // Finishing the operation works from whichever side the crash left.
        if (seen.served === '1.0.0') {
          if (seen.rowPending === null)
            expect(
              (await host.api('POST', '/extensions/registry/update', { extension: GREETER })).body.data,
            ).toMatchObject({ status: 'pending' });
          expect((await host.api('POST', '/extensions/registry/approve', { extension: GREETER })).status).toBe(200);
        }
        expect((await host.api('GET', '/greeter')).body.version).toBe('2.0.0');
      } finally {
        await stop(host);
      }
    });
  }
});
