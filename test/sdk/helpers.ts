import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCreate } from '../../create-extension/src/cli.js';
import { runCli } from '../../sdk-extension/dist/cli/run.js';

export const WORKSPACE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SDK_CLI = join(WORKSPACE, 'sdk-extension/dist/cli/main.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, capturing output (bounded by `timeoutMs`). */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  input?: string,
  timeoutMs = 120_000,
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** The command of the package.json script `script` of the project in `dir`, if it has one. */
async function scriptOf(dir: string, script: string): Promise<string | undefined> {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts?.[script];
}

/**
 * Runs a package.json script of the project in `dir` as `npm run --silent <script>` does: its command
 * through sh, with the project's node_modules/.bin first on PATH (the scaffolded scripts read no npm_*
 * variable). Without npm's own start-up, which cost more than some of the scripts; the real npm path is
 * exercised by test/repo/fresh-clone.test.ts. A missing script fails like npm's (code 1).
 */
export async function runPackageScript(dir: string, script: string): Promise<RunResult> {
  const command = await scriptOf(dir, script);
  if (!command) return { code: 1, stdout: '', stderr: `Missing script: "${script}"` };
  return run('sh', ['-c', command], dir, undefined, 120_000, {
    PATH: `${join(dir, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  });
}

/**
 * Runs a package.json script of the form `annex-extension <args>` in this process: the SDK CLI's own
 * entry (runCli, as bin/annex-extension.js calls it) with the project as its working folder. The
 * same code the script's process runs, without starting Node and loading the SDK again for each of
 * the scaffold test's 50-odd builds and validations. A script of any other form fails (code 1).
 * The real processes are still run: runPackageScript (one case per script) and fresh-clone.test.ts.
 */
export async function runSdkScriptInProcess(dir: string, script: string): Promise<RunResult> {
  const [bin, ...args] = (await scriptOf(dir, script))?.split(' ') ?? [];
  if (bin !== 'annex-extension') return { code: 1, stdout: '', stderr: `"${script}" is not an annex-extension script` };
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    color: false,
    isTTY: false,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

/** Makes the workspace packages the project's dependencies (symlinks + .bin shims; offline, fast). */
export async function linkWorkspaceDependencies(dir: string): Promise<void> {
  const nm = join(dir, 'node_modules');
  await mkdir(join(nm, '@annex'), { recursive: true });
  await mkdir(join(nm, '.bin'), { recursive: true });
  await symlink(join(WORKSPACE, 'sdk-extension'), join(nm, '@annex/sdk-extension'), 'dir');
  for (const dep of ['vitest', 'vue', 'typescript', '@types'])
    await symlink(join(WORKSPACE, 'node_modules', dep), join(nm, dep), 'dir');
  const shim = async (name: string, target: string) => {
    await writeFile(join(nm, '.bin', name), `#!/bin/sh\nexec "${process.execPath}" "${target}" "$@"\n`);
    await chmod(join(nm, '.bin', name), 0o755);
  };
  await shim('annex-extension', SDK_CLI);
  await shim('directus-extension', SDK_CLI);
  await shim('vitest', join(WORKSPACE, 'node_modules/vitest/vitest.mjs'));
}

export interface ScaffoldCase {
  type: string;
  language: 'ts' | 'js';
  sandbox?: boolean;
}

/** Scaffolds a project non-interactively into a fresh temp folder; returns its path. */
export async function scaffoldProject(c: ScaffoldCase, root?: string): Promise<string> {
  const base = root ?? (await mkdtemp(join(tmpdir(), 'annex-sdk-e2e-')));
  const name = `annex-${c.type}${c.sandbox ? '-sandboxed' : ''}-${c.language}`;
  let out = '';
  let err = '';
  const code = await runCreate(
    [name, '--type', c.type, '--language', c.language, ...(c.sandbox ? ['--sandbox'] : []), '--no-install', '--yes'],
    {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      stdin: process.stdin,
      isTTY: false,
      env: {},
      cwd: base,
    },
  );
  if (code !== 0) throw new Error(`scaffold failed (${code}): ${err}`);
  return out.trim();
}

/** Scaffold (+ `prepare`, an edit of the sources) + link dependencies + build: a built extension folder. */
export async function scaffoldAndBuild(
  c: ScaffoldCase,
  root?: string,
  prepare?: (dir: string) => Promise<void> | void,
): Promise<string> {
  const dir = await scaffoldProject(c, root);
  await prepare?.(dir);
  await linkWorkspaceDependencies(dir);
  const built = await runSdkScriptInProcess(dir, 'build');
  if (built.code !== 0) throw new Error(`build failed: ${built.stderr}`);
  return dir;
}
