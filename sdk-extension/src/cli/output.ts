import { formatDiagnostic, type Diagnostic } from '../internal/diagnostics.js';

/** Where a command writes; injectable so tests capture output without spawning. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    color: !process.env.NO_COLOR && process.env.FORCE_COLOR !== '0' && Boolean(process.stderr.isTTY),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

const paint = (code: number) => (io: CliIO, text: string) => (io.color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const red = paint(31);
export const yellow = paint(33);
export const green = paint(32);
export const dim = paint(2);
export const bold = paint(1);

export function printDiagnostics(io: CliIO, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    io.stderr((d.severity === 'error' ? red(io, line) : yellow(io, line)) + '\n');
  }
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}

export function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** Exit codes: what each means is stated in `--help`. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;
