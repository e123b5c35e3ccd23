import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, FIXTURES, ROOT, startHost, testHostEnv } from '../helpers/host.js';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'host', 'dist', 'cli', 'main.js');
let dir: string;
let env: Record<string, string>;

async function annex(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--no-node-snapshot', CLI, ...args], {
      env: { ...process.env, ...env },
      cwd: dir,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-init-'));
  const extensions = path.join(dir, 'extensions');
  fs.cpSync(path.join(FIXTURES, 'directus', 'cli-command-hook'), path.join(extensions, 'cli-command-hook'), {
    recursive: true,
  });
  env = testHostEnv(dir, { MARKETPLACE_REGISTRY: '' });
  const t = await startHost({ dir, env });
  await createCollection(t, 'notes', { title: 'string' });
  for (const title of ['a', 'b']) await t.api('POST', '/items/notes', { title });
  await t.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cli.before / cli.after', () => {
  it('a trusted hook adds a command in cli.before; it runs with its extension context, after cli.after and before the app', async () => {
    const out = await annex(['notes:count', 'notes', '--json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ collection: 'notes', count: 2, events: ['cli.before', 'cli.after', 'app.before'] });
    // cli.after sees the program with the extension's command and the CLI's own.
    expect(result.commands).toEqual(expect.arrayContaining(['notes:count', 'start', 'bootstrap', 'extensions']));
  });

  it("the command's exit code and commander's usage errors reach the shell; unknown commands stay exit 2", async () => {
    expect((await annex(['notes:count', 'nope'])).code).toBe(3);
    expect((await annex(['notes:count'])).code).toBe(2);
    const help = await annex(['notes:count', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Count the rows of a collection');
    const unknown = await annex(['notes:uncount']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command');
  });

  it("annex start emits them too, before app.before (Directus's order)", async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', CLI, 'start', '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, ...env },
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let text = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          text += chunk;
          const m = /running at (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`annex start exited with ${code}: ${text}`)));
      });
      const body = await (await fetch(`${url}/cli-hook/events`)).json();
      expect(body.events).toEqual(['cli.before', 'cli.after', 'app.before']);
      expect(body.commands).toEqual(expect.arrayContaining(['notes:count', 'start']));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
