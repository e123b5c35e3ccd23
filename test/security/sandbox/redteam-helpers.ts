import { readFileSync } from 'node:fs';
import type { SandboxInstance } from '@annex/runtime';

// Helpers shared by redteam-extra.test.ts and redteam-worker-kill.test.ts.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}
/** The median of `n` runs of `measure` (timings on a shared machine: one outlier must not decide). */
export async function median(n: number, measure: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await measure());
  return xs.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}
/** Resident memory of a process in MB (Linux), or -1. */
export function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : -1;
  } catch {
    return -1;
  }
}
/** Outcome of one call: the body, or the coded error with its message and stack. */
export async function outcome(
  inst: SandboxInstance,
  handler = 0,
): Promise<{ body?: unknown; code?: string; message?: string; stack?: string; ms: number }> {
  const t = performance.now();
  try {
    const res = (await inst.call(handler, [{}])) as { body: unknown };
    return { body: res.body, ms: performance.now() - t };
  } catch (err) {
    const e = err as { code: string; message: string; details?: { stack?: string } };
    return { code: e.code, message: e.message, stack: e.details?.stack, ms: performance.now() - t };
  }
}
/** Synchronously fills an object with fresh keys until V8 dies of a fatal OOM (kills the whole worker). */
export const WORKER_KILLER = `function bomb() { const o = {}; let i = 0; while (true) o['k' + i++] = i; }`;
export const KILLER_LIMITS = { memoryMb: 16, cpuTimeoutMs: 3000 };
/** A co-located extension whose route awaits a read-only host call (so it is in flight for a while). */
export const VICTIM_CODE = `import { sleep } from 'directus:api'; export default (r) => { r.get('/', async () => { await sleep(400); return 'ok'; }); r.get('/fast', () => 'ok'); };`;
