import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, testHostEnv } from '../helpers/host.js';

/*
 * `annex start` takes the host from its bundle (issue 20: boot). What still loads from node_modules
 * at boot is the SQLite driver with its native binding: the CLI's commander loads only for an
 * extension that listens to cli.before/cli.after (test/host/cli-init-events.test.ts), pino is in the
 * bundle, the files and system built-ins take busboy and the CSV reader from the bundle's
 * builtins-support, and esbuild runs only when a built-in's transformed entry is not cached yet.
 */

const CLI = path.join(ROOT, 'host', 'bin', 'annex.js');

/** Writes the module cache's files at exit (preloaded into the host process). */
const PRELOAD = `
process.on('exit', () => {
  const files = Object.keys(require('node:module')._cache);
  require('node:fs').writeFileSync(process.env.ANNEX_TEST_MODULES_OUT, JSON.stringify(files));
});
`;

/** The packages of node_modules whose files were in the module cache, by name. */
function packagesOf(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const rest = file.split(`${path.sep}node_modules${path.sep}`)[1];
    if (!rest) continue;
    const parts = rest.split(path.sep);
    names.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...names].sort();
}

/** One `annex start` until it prints its address, then SIGTERM; the files its module cache held. */
function boot(dir: string): Promise<string[]> {
  const out = path.join(dir, `modules-${Date.now()}.json`);
  const child = spawn(
    process.execPath,
    ['--require', path.join(dir, 'preload.cjs'), CLI, 'start', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: dir,
      env: {
        ...process.env,
        ...testHostEnv(dir, { MARKETPLACE_REGISTRY: '', ANNEX_CACHE_DIR: path.join(dir, 'cache') }),
        ANNEX_TEST_MODULES_OUT: out,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      const up = text.includes('Annex is running at');
      text += chunk;
      // Once: a second SIGTERM would find the host's handler gone and kill it before its exit event.
      if (!up && text.includes('Annex is running at')) child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      if (!fs.existsSync(out)) reject(new Error(`annex start exited (${code}) without its module list:\n${text}`));
      else resolve(JSON.parse(fs.readFileSync(out, 'utf8')));
    });
  });
}

describe('annex start loads its host from the bundle', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-boot-modules-'));
    fs.mkdirSync(path.join(dir, 'extensions'));
    fs.writeFileSync(path.join(dir, 'preload.cjs'), PRELOAD);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads from node_modules only the SQLite driver once the built-ins are transformed', async () => {
    // The control: a first boot with an empty cache transforms the built-ins' entries with esbuild.
    const first = packagesOf(await boot(dir));
    expect(first).toContain('esbuild');
    const second = await boot(dir);
    // express is in the cache as the bundle's own instance (provided to extensions), not loaded from its file.
    expect(packagesOf(second)).toEqual(['better-sqlite3', 'bindings', 'esbuild', 'express', 'file-uri-to-path']);
    // esbuild only for its version (the transform cache's key), not its service.
    expect(second.filter((f) => f.includes(`${path.sep}esbuild${path.sep}`)).map((f) => path.basename(f))).toEqual([
      'package.json',
    ]);
  }, 60_000);
});
