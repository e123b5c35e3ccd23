import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNEX_CLI } from '../helpers/annex-cli.js';

const run = promisify(execFile);

/*
 * `annex extensions …` loads what its command needs: an offline command (list, enable, …) opens
 * the database without loading the marketplace package (its registry server included) or the
 * HTTP layer, about 0.2 s of CPU of every such command (tests spawn dozens). A preloaded script
 * records the CommonJS modules the process loaded; koa stands for both (each loads it).
 */
let dir: string;
let recorder: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-loading-'));
  recorder = path.join(dir, 'record.cjs');
  fs.writeFileSync(
    recorder,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.RECORD_TO, JSON.stringify(Object.keys(require.cache))));\n",
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function loaded(args: string[], env: Record<string, string> = {}) {
  const record = path.join(dir, `loaded-${args.join('-')}.json`);
  const code = await run(process.execPath, ['--no-node-snapshot', '-r', recorder, ANNEX_CLI, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      DB_FILENAME: path.join(dir, 'a.db'),
      EXTENSIONS_PATH: path.join(dir, 'ext'),
      RECORD_TO: record,
      ...env,
    },
  }).then(
    () => 0,
    (e: { code: number }) => e.code,
  );
  const modules = JSON.parse(fs.readFileSync(record, 'utf8')) as string[];
  return { code, koa: modules.some((f) => f.includes(`${path.sep}node_modules${path.sep}koa${path.sep}`)) };
}

describe('annex extensions: what a command loads', () => {
  it('an offline command opens the database without the marketplace or the HTTP layer', async () => {
    expect(await loaded(['extensions', 'list', '--json'])).toEqual({ code: 0, koa: false });
  });

  it('the control: a marketplace command loads the marketplace package', async () => {
    // Nothing listens on port 9: the search fails after the marketplace client was loaded.
    expect(await loaded(['extensions', 'search', 'x'], { MARKETPLACE_REGISTRY: 'http://127.0.0.1:9' })).toEqual({
      code: 1,
      koa: true,
    });
  });
});
