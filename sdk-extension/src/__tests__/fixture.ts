import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../cli/run.js';
import type { CliIO } from '../cli/output.js';

/** Writes a throwaway extension folder: package.json + files. */
export async function makeExtension(pkg: Record<string, unknown>, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'annex-sdk-test-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

export function manifest(ext: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'test-ext',
    version: '1.0.0',
    type: 'module',
    license: 'MIT',
    'directus:extension': { host: '^10.10.0', ...ext },
    ...extra,
  };
}

/** Runs the CLI in-process with captured output. */
export async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    color: false,
    isTTY: false,
    env: {},
    cwd,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
