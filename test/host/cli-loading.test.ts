import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNEX_CLI } from '../helpers/annex-cli.js';
import { ROOT } from '../helpers/host.js';
import { startFixtureRegistry } from '../helpers/registry.js';

const run = promisify(execFile);

/*
 * `annex extensions …` loads what its command needs: an offline command (list, enable, …) opens
 * the database without loading the marketplace package or the HTTP layer, and a marketplace command
 * loads the marketplace client and installer but not the registry server (koa, knex, its database
 * layer): about 0.2 s of CPU of every such command (tests spawn dozens). The host's boot-time
 * recovery of registry installs loads the same entries. Two recorders are preloaded: one lists the
 * CommonJS modules at exit (`require.cache`), a loader hook appends every ES module it loads.
 */
let dir: string;
let preload: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-loading-'));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const cjs = file(
    'record.cjs',
    "process.on('exit', () => require('node:fs').appendFileSync(process.env.RECORD_TO, Object.keys(require.cache).join('\\n') + '\\n'));\n",
  );
  file(
    'hooks.mjs',
    [
      "import { appendFileSync } from 'node:fs';",
      'let file;',
      'export function initialize(data) { file = data.file; }',
      "export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }",
    ].join('\n'),
  );
  const esm = file(
    'register.mjs',
    "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_TO } });\n",
  );
  preload = ['-r', cjs, '--import', new URL(`file://${esm}`).href];
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  code: number;
  /** Module files of the marketplace package, relative to its dist/ (`client/client.js`, `server/db.js`, …). */
  marketplace: string[];
  koa: boolean;
  knex: boolean;
  /** The host's database layer (its connection module; knex and objection are bundled in dist/vendor/db.cjs). */
  database: boolean;
}

async function record(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Loaded> {
  const to = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const code = await run(process.execPath, ['--no-node-snapshot', ...preload, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'silent', RECORD_TO: to, ...env },
  }).then(
    () => 0,
    (e: { code: number }) => e.code,
  );
  const files = fs
    .readFileSync(to, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((f) => (f.startsWith('file:') ? new URL(f).pathname : f));
  const dist = path.join(ROOT, 'marketplace', 'dist') + path.sep;
  // Code, not a package.json: the host reads knex's for its version (its own knex is bundled in dist/vendor).
  const inPackage = (name: string) =>
    files.some(
      (f) => f.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`) && !f.endsWith('package.json'),
    );
  return {
    code,
    marketplace: [...new Set(files.filter((f) => f.startsWith(dist)).map((f) => path.relative(dist, f)))],
    koa: inPackage('koa'),
    knex: inPackage('knex'),
    database: files.some((f) => f.startsWith(path.join(ROOT, 'host', 'dist', 'db') + path.sep)),
  };
}

const server = (l: Loaded) => l.marketplace.filter((f) => f.startsWith(`server${path.sep}`));

function cli(args: string[], env: Record<string, string> = {}): Promise<Loaded> {
  const ext = fs.mkdtempSync(path.join(dir, 'ext-'));
  return record([ANNEX_CLI, ...args], { DB_FILENAME: path.join(ext, 'a.db'), EXTENSIONS_PATH: ext, ...env });
}

describe('annex extensions: what a command loads', () => {
  let registry: MarketplaceServer;
  beforeAll(async () => {
    registry = await startFixtureRegistry(fs.mkdtempSync(path.join(dir, 'registry-')));
  });
  afterAll(() => registry?.close());

  it('the host imports the marketplace root only where it serves a registry (`annex marketplace serve`, --samples)', () => {
    // Compiled output: type-only imports are gone, what is left loads at run time (and is what the bundle requires).
    const dist = path.join(ROOT, 'host', 'dist');
    const root = /(?:from\s*|import\(\s*)['"]@annex\/marketplace['"]/;
    const importers = (fs.readdirSync(dist, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js') && !f.startsWith(`app${path.sep}`) && !f.startsWith(`bundle${path.sep}`))
      .filter((f) => root.test(fs.readFileSync(path.join(dist, f), 'utf8')));
    expect(importers).toEqual([path.join('cli', 'main.js')]);
  });

  it('the control: importing the package root loads the registry server, koa and knex', async () => {
    const l = await record(['--input-type=module', '-e', "await import('@annex/marketplace')"], {});
    expect(l.code).toBe(0);
    expect(server(l)).toContain(path.join('server', 'create-server.js'));
    expect(l).toMatchObject({ koa: true, knex: true });
  });

  it('the client and install entries load no module of the registry server, nor koa or knex', async () => {
    const l = await record(
      [
        '--input-type=module',
        '-e',
        "await import('@annex/marketplace/client'); await import('@annex/marketplace/install')",
      ],
      {},
    );
    expect(l.code).toBe(0);
    expect(l.marketplace).toEqual(expect.arrayContaining(['client/index.js', 'install/index.js'].map(path.normalize)));
    expect(server(l)).toEqual([]);
    expect(l).toMatchObject({ koa: false, knex: false });
  });

  it('an offline command opens the database without the marketplace or the HTTP layer', async () => {
    const l = await cli(['extensions', 'list', '--json']);
    expect(l).toMatchObject({ code: 0, marketplace: [], koa: false, database: true });
  });

  it('search loads the marketplace client only: not the installer, not the registry server', async () => {
    const l = await cli(['extensions', 'search', 'greeter'], { MARKETPLACE_REGISTRY: registry.url });
    expect(l.code).toBe(0);
    expect(l.marketplace).toContain(path.join('client', 'client.js'));
    expect(l.marketplace).not.toContain(path.join('install', 'installer.js'));
    expect(server(l)).toEqual([]);
    // A marketplace command opens no database: the host's database layer stays unloaded.
    expect(l).toMatchObject({ koa: false, knex: false, database: false });
  });

  it('install loads the client and the installer, not the registry server', async () => {
    const l = await cli(['extensions', 'install', 'annex-market-greeter@1.0.0'], {
      MARKETPLACE_REGISTRY: registry.url,
    });
    expect(l.code).toBe(0);
    expect(l.marketplace).toEqual(
      expect.arrayContaining(['client/client.js', 'install/installer.js'].map(path.normalize)),
    );
    expect(server(l)).toEqual([]);
    expect(l).toMatchObject({ koa: false, knex: false, database: false });
  });

  it("the host's boot-time recovery of registry installs loads the installer, not the registry server", async () => {
    const ext = fs.mkdtempSync(path.join(dir, 'boot-'));
    fs.mkdirSync(path.join(ext, '.registry'));
    const recover = new URL(`file://${path.join(ROOT, 'host', 'dist', 'marketplace', 'recover-at-boot.js')}`).href;
    const script = [
      `const { recoverMarketplaceAtBoot } = await import(${JSON.stringify(recover)});`,
      'const logger = { child: () => logger, warn() {}, error(o) { console.error(o.err); process.exitCode = 3; } };',
      `await recoverMarketplaceAtBoot(${JSON.stringify(ext)}, { all: async () => [] }, logger);`,
    ].join('\n');
    const l = await record(['--input-type=module', '-e', script], {});
    expect(l.code).toBe(0);
    expect(l.marketplace).toContain(path.join('install', 'recover.js'));
    expect(server(l)).toEqual([]);
    expect(l).toMatchObject({ koa: false, knex: false });
  });
});
