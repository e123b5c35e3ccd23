import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { FromWorker } from '../worker/messages.js';
import { entryNotePath } from './entry-note.js';
import { forkWorker } from './spawn-worker.js';
import { getWorkerEntry } from './worker-entry.js';

/*
 * `annex start` forks the first sandbox worker before it loads the host when its extensions
 * folder holds a sandboxed extension, so the worker's own start (a Node process, its bundle,
 * isolated-vm) overlaps the host's bundle load and kernel setup instead of being waited for by
 * the first sandboxed load (issue 20: boot). The first worker the process engine starts (index 0)
 * adopts it; one nobody adopted is ended with `releasePrespawnedWorker` once the host listens.
 * The handoff is a process-wide slot (Symbol.for): the CLI and the bundled host each hold their
 * own copy of this module.
 */

export interface PrespawnedWorker {
  readonly workerPath: string;
  readonly child: ChildProcess;
  readonly notePath: string;
  /** Message batches the worker sent before it was adopted (its `ready`), in order. */
  readonly early: FromWorker[][];
  /** Stops buffering; the adopter attaches its own listeners first. */
  detach(): void;
}

const SLOT = Symbol.for('annex.sandbox.prespawned-worker');
type Slot = { [SLOT]?: PrespawnedWorker };
const slot = globalThis as Slot;

/** Forks worker 0 now (no-op if one is already waiting). Returns its pid. */
export function prespawnWorker(workerPath: string = getWorkerEntry()): number | undefined {
  if (slot[SLOT]) return slot[SLOT].child.pid;
  const notePath = entryNotePath(0);
  const child = forkWorker(workerPath, notePath);
  const early: FromWorker[][] = [];
  const onMessage = (batch: FromWorker[]) => early.push(batch);
  const onExit = () => {
    // Died before anyone took it: the engine starts a worker of its own as it would have.
    if (slot[SLOT]?.child === child) delete slot[SLOT];
    fs.rmSync(notePath, { force: true });
  };
  child.on('message', onMessage);
  child.once('exit', onExit);
  // An unadopted worker must not keep a CLI that ends (a failed boot) alive: neither the process,
  // its IPC channel nor its unread output pipes hold the event loop until it is adopted.
  const handles = (): { ref(): void; unref(): void }[] =>
    [
      child,
      (child as unknown as { channel?: { ref(): void; unref(): void } }).channel,
      child.stdout,
      child.stderr,
    ].filter(
      (h): h is { ref(): void; unref(): void } => typeof (h as { unref?: unknown } | null)?.unref === 'function',
    );
  for (const h of handles()) h.unref();
  slot[SLOT] = {
    workerPath,
    child,
    notePath,
    early,
    detach() {
      child.off('message', onMessage);
      child.off('exit', onExit);
      for (const h of handles()) h.ref();
    },
  };
  return child.pid;
}

/** Ends a worker taken out of the slot that nobody will use. */
function discard(waiting: PrespawnedWorker): void {
  waiting.detach();
  waiting.child.kill('SIGKILL');
  fs.rmSync(waiting.notePath, { force: true });
}

/** The waiting worker if it was forked from `workerPath` and is alive; it is then no longer in the slot. */
export function takePrespawnedWorker(workerPath: string): PrespawnedWorker | undefined {
  const waiting = slot[SLOT];
  if (!waiting) return undefined;
  delete slot[SLOT];
  const { child } = waiting;
  if (waiting.workerPath !== workerPath || child.exitCode !== null || child.signalCode !== null || !child.connected) {
    discard(waiting);
    return undefined;
  }
  waiting.detach();
  return waiting;
}

/** Ends a prespawned worker nobody adopted (the boot activated no sandboxed extension). True if there was one. */
export function releasePrespawnedWorker(): boolean {
  const waiting = slot[SLOT];
  if (!waiting) return false;
  delete slot[SLOT];
  discard(waiting);
  return true;
}
