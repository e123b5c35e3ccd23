import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RuntimeLogger } from '../../types.js';
import { getWorkerEnv } from './worker-env.js';

/** Lines V8 prints on stderr when a heap OOM is fatal for the whole process. */
const FATAL_OOM =
  /<--- Last few GCs --->|<--- JS stacktrace --->|is_heap_oom = 1|CALL_AND_RETRY_LAST|Fatal JavaScript out of memory/;

/** Forks one sandbox worker with the flags isolated-vm needs; its output is not read yet (see `watchWorkerOutput`). */
export function forkWorker(workerPath: string, entryNote: string): ChildProcess {
  return fork(workerPath, [], {
    execArgv: ['--no-node-snapshot'],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: getWorkerEnv(process.env, entryNote),
  });
}

/**
 * Sends a worker's output to the logger; a fatal V8 OOM report on stderr gets it SIGKILLed at
 * once, because V8 may print the report and then never exit (isolated-vm #457/#527), leaving
 * the worker hung.
 */
export function watchWorkerOutput(child: ChildProcess, index: number, logger: RuntimeLogger | undefined): void {
  child.on('error', (err) => logger?.warn({ worker: index, err }, 'sandbox worker error'));
  for (const [stream, level] of [
    [child.stdout, 'debug'],
    [child.stderr, 'warn'],
  ] as const) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      logger?.[level]({ worker: index, pid: child.pid }, line.slice(0, 2000));
      if (level === 'warn' && FATAL_OOM.test(line) && child.exitCode === null && child.signalCode === null) {
        logger?.error({ worker: index, pid: child.pid }, 'sandbox worker hit a fatal V8 out-of-memory; killing it');
        child.kill('SIGKILL');
      }
    });
  }
}

/** Forks one sandbox worker and watches its output. */
export function spawnWorker(
  workerPath: string,
  index: number,
  logger: RuntimeLogger | undefined,
  entryNote: string,
): ChildProcess {
  const child = forkWorker(workerPath, entryNote);
  watchWorkerOutput(child, index, logger);
  return child;
}
