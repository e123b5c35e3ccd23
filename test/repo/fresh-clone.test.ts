import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// The path a new extension author takes: a clean clone with its dependencies installed and nothing
// built, then `npx create-annex-extension`, then `npm run build && npm test` in the new project.
// Installing the clone from the registry compiles isolated-vm for many minutes, so the clone gets
// this checkout's node_modules (hard links) and `npm install` only has to link it, bins included.

interface Result {
  code: number;
  output: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Result> {
  return new Promise((done) => {
    const env = {
      ...process.env,
      NO_COLOR: '1',
      CI: '1',
      npm_config_yes: 'true',
      // Both installs (the clone's and the one the scaffolder runs) take what npm's cache holds
      // without asking the registry whether it changed: the same install, without the round trips.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    delete env.NODE_OPTIONS;
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, output });
    });
  });
}

const workspaces = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;
const BINS = ['annex', 'annex-extension', 'annex-marketplace', 'create-annex-extension'];
let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('scaffolds with npx before any build; the project installs, builds and passes its tests', async () => {
    root = await mkdtemp(join(tmpdir(), 'annex-fresh-clone-'));
    const clone = join(root, 'annex');
    const step = async (cmd: string, args: string[], cwd: string, timeoutMs = 300_000) => {
      const result = await run(cmd, args, cwd, timeoutMs);
      expect(result.code, `${cmd} ${args.join(' ')} in ${cwd}\n${result.output}`).toBe(0);
      return result;
    };
    await step('git', ['clone', '--quiet', REPO_ROOT, clone], root);
    for (const dir of ['', ...workspaces].map((w) => join(w, 'node_modules'))) {
      if (existsSync(join(REPO_ROOT, dir))) await step('cp', ['-al', join(REPO_ROOT, dir), join(clone, dir)], root);
    }
    // What npm would not have linked: our bins, and its record of the tree (written anew, not through a hard link).
    await step('rm', ['-f', 'node_modules/.package-lock.json', ...BINS.map((b) => `node_modules/.bin/${b}`)], clone);
    expect(readdirSync(join(clone, 'create-extension')), 'the clone has nothing built').not.toContain('dist');

    await step('npm', ['install', '--ignore-scripts'], clone);
    for (const bin of BINS) expect(existsSync(join(clone, 'node_modules/.bin', bin)), `${bin} linked`).toBe(true);

    const project = join(root, 'x');
    const created = await step(
      'npx',
      ['create-annex-extension', 'x', '--type', 'endpoint', '--language', 'ts', '--yes', '--directory', project],
      clone,
    );
    expect(created.output).toContain(`file:${join(clone, 'sdk-extension')}`);
    expect(existsSync(join(project, 'node_modules/@annex/sdk-extension/package.json'))).toBe(true);

    // The scaffolder's first run built the other CLIs with it (one tsc -b): nothing builds again below.
    for (const pkg of ['sdk-extension', 'marketplace'])
      expect(existsSync(join(clone, pkg, 'dist')), `${pkg} built with create-annex-extension`).toBe(true);
    await step('npm', ['run', 'build'], project);
    expect(existsSync(join(project, 'dist/index.js'))).toBe(true);
    const tested = await step('npm', ['test'], project);
    expect(tested.output).toMatch(/1 passed/);

    // The other CLIs the README shows answer too.
    expect((await step('npx', ['annex-extension', '--help'], clone)).output).toContain('Usage: annex-extension');
    expect((await step('npx', ['annex-marketplace', '--help'], clone)).output).toContain('annex-marketplace start');
  }, 900_000);
});
