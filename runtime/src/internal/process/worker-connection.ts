import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { RuntimeLogger } from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import type { FromWorker, ToWorker } from '../worker/messages.js';
import { spawnWorker, watchWorkerOutput } from './spawn-worker.js';
import { takePrespawnedWorker } from './prespawn.js';
import { createOutbox, IPC_HOLD_MS, type Outbox } from './outbox.js';
import { entryNotePath, takeEntryNote, type EntryKind } from './entry-note.js';

export interface ConnectionHandlers {
  /** The worker said it is ready to load instances. */
  ready(connection: WorkerConnection): void;
  /** Anything but replies to `request` and pongs. */
  message(connection: WorkerConnection, message: FromWorker): void;
  exit(connection: WorkerConnection, code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * One life of a sandbox worker process: the child, its batched IPC, request/reply for loads
 * and counts, and when it last spoke. A restart is a new connection; messages from an old one
 * never reach the new life.
 */
export class WorkerConnection {
  readonly child: ChildProcess;
  isReady = false;
  lastSeen = Date.now();
  private readonly outbox: Outbox<ToWorker>;
  private readonly requests = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private rid = 0;
  private exited = false;
  private readonly notePath: string;
  private killedOnRequest = false;

  constructor(
    workerPath: string,
    private readonly index: number,
    private readonly logger: RuntimeLogger | undefined,
    handlers: ConnectionHandlers,
  ) {
    // Worker 0's first life may have been forked by `annex start` before the host loaded (prespawn.ts).
    const adopted = index === 0 ? takePrespawnedWorker(workerPath) : undefined;
    if (adopted) watchWorkerOutput(adopted.child, index, logger);
    this.notePath = adopted?.notePath ?? entryNotePath(index);
    const child = adopted?.child ?? spawnWorker(workerPath, index, logger, this.notePath);
    this.child = child;
    this.outbox = createOutbox<ToWorker>(
      (batch) => {
        if (!child.connected) return;
        try {
          child.send(
            batch,
            (err) => err && this.logger?.debug({ worker: index, err }, 'send to sandbox worker failed'),
          );
        } catch (err) {
          this.logger?.debug({ worker: index, err }, 'send to sandbox worker failed');
        }
      },
      { holdMs: IPC_HOLD_MS },
    );
    const receive = (batch: FromWorker[]) => {
      this.lastSeen = Date.now();
      for (const m of batch) {
        if (m.t === 'loaded' || m.t === 'count') {
          const r = this.requests.get(m.rid);
          this.requests.delete(m.rid);
          r?.resolve(m);
        } else if (m.t === 'ready') {
          this.isReady = true;
          handlers.ready(this);
        } else if (m.t !== 'pong') handlers.message(this, m);
      }
    };
    child.on('message', receive);
    // What an adopted worker said before (its `ready`) arrives after the constructor, as a message would.
    if (adopted?.early.length) queueMicrotask(() => adopted.early.forEach(receive));
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.isReady = false;
      this.failRequests(RuntimeErrors.RT_WORKER_CRASHED());
      handlers.exit(this, code, signal);
      /* The exit handler read the note if it wanted it; it does not outlive the worker. */
      fs.rmSync(this.notePath, { force: true });
    });
  }

  /**
   * After the worker exited: the extension whose isolate was running when it died, if any.
   * Undefined after an operator's kill (whatever ran then did not cause it). Removes the note.
   */
  takeEntryNote(): { key: string; kind: EntryKind } | undefined {
    const noted = takeEntryNote(this.notePath);
    return this.killedOnRequest ? undefined : noted;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.outbox.push(message);
  }

  /** A message with a reply (`load`, `count`); rejects with RT_WORKER_CRASHED if the worker dies first. */
  request(message: Extract<ToWorker, { rid: number }>): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      if (!this.isReady || !this.alive) return reject(RuntimeErrors.RT_WORKER_CRASHED());
      const rid = ++this.rid;
      this.requests.set(rid, { resolve, reject });
      this.send({ ...message, rid });
    });
  }

  failRequests(error: Error): void {
    for (const r of this.requests.values()) r.reject(error);
    this.requests.clear();
  }

  /** SIGKILL; resolves once the process exited. `blameRunning`: the isolate running then is why (a hang). */
  kill(options: { blameRunning?: boolean } = {}): Promise<void> {
    if (!this.alive) return Promise.resolve();
    this.killedOnRequest = options.blameRunning !== true;
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  /** Disconnect (the worker exits on its own), SIGKILL after a grace period. */
  close(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => this.child.kill('SIGKILL'), 1000);
      this.child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      if (this.child.connected) this.child.disconnect();
      else this.child.kill('SIGKILL');
    });
  }
}
