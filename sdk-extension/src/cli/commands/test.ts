import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SdkErrors } from '../../errors.js';
import { EXIT, type CliIO } from '../output.js';

/** Path of the project's own vitest CLI, or null. */
export function resolveVitestBin(cwd: string): string | null {
  try {
    const pkgPath = createRequire(join(cwd, 'package.json')).resolve('vitest/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.vitest;
    return bin ? join(dirname(pkgPath), bin) : null;
  } catch {
    return null;
  }
}

/** `annex-extension test` */
export async function runTest(argv: string[], io: CliIO): Promise<number> {
  const bin = resolveVitestBin(io.cwd);
  if (!bin) throw SdkErrors.SDK_VITEST_MISSING();
  const args = argv.filter((a) => a !== '--');
  const watch = args.includes('--watch') || args.includes('-w');
  const pass = args.filter((a) => a !== '--watch' && a !== '-w');
  const child = spawn(process.execPath, [bin, ...(watch ? [] : ['run']), ...pass], {
    cwd: io.cwd,
    stdio: 'inherit',
    env: io.env,
  });
  return await new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? EXIT.FAILURE : EXIT.OK)));
    child.on('error', () => resolve(EXIT.FAILURE));
  });
}
