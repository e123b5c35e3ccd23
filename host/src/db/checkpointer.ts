import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** Commits between two background checkpoints (4 to 6 pages each: about SQLite's own 1000-page interval). */
export const COMMITS_PER_CHECKPOINT = 200;
/**
 * The write connection's own checkpoint interval (pages) once the background one runs: a backstop
 * for writes it does not count (knex's transactions) or a checkpointer that fell behind.
 */
export const BACKSTOP_PAGES = 10_000;

/** The thread's code: its own connection to the file; a PASSIVE checkpoint per message (never blocks writers). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { const [r] = db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage({ ok: true, pages: r.checkpointed }); }
  catch (e) { parentPort.postMessage({ ok: false, code: e.code, message: String(e.message) }); }
});
`;

interface WriteConnection {
  pragma(s: string): unknown;
}

/** A thread with no checkpoint to do for this long stops (its ~16 MB of RSS back); the next need starts one again. */
export const IDLE_STOP_MS = 30_000;

/**
 * SQLite checkpoints (copying the WAL back into the database file, with two fsyncs under
 * synchronous=NORMAL) run on the connection that commits, in this thread: every ~250 writes one
 * commit stalled the event loop for 5-100 ms on this VM's disk. A thread with its own connection
 * does them instead, started on the first write that needs one and stopped after IDLE_STOP_MS
 * without one (an idle host runs no thread). Same durability: the checkpoint syncs exactly as it
 * would have; SQLite coordinates it with the writer (a PASSIVE checkpoint copies only what no
 * reader needs and never blocks a commit). While no thread runs, the connection checkpoints by
 * itself, as SQLite does by default.
 */
export function createCheckpointer(
  filename: string,
  synchronous: 'FULL' | 'NORMAL',
  options: { idleStopMs?: number } = {},
) {
  const idleStopMs = options.idleStopMs ?? IDLE_STOP_MS;
  let worker: Worker | undefined;
  let closed = false;
  let commits = 0;
  let runs = 0;
  let pages = 0;
  let busy = false;
  let failures = 0;
  let idle: NodeJS.Timeout | undefined;
  let connection: WriteConnection | undefined;
  const selfCheckpoint = (every: number) => {
    try {
      connection?.pragma(`wal_autocheckpoint = ${every}`);
    } catch {
      // The connection was closed: nothing left to checkpoint from it.
    }
  };
  const stop = () => {
    const w = worker;
    worker = undefined;
    busy = false;
    clearTimeout(idle);
    selfCheckpoint(1000);
    if (!w) return Promise.resolve();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    return Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]).then(() =>
      w.terminate().then(() => undefined),
    );
  };
  const start = (): Worker | undefined => {
    if (worker || closed) return worker;
    let w: Worker;
    try {
      w = new Worker(THREAD, {
        eval: true,
        workerData: { filename, synchronous, driver: require.resolve('better-sqlite3') },
      });
    } catch {
      return undefined;
    }
    worker = w;
    w.unref();
    w.on('message', (m: { ok: boolean; pages?: number }) => {
      if (worker !== w) return;
      busy = false;
      if (m.ok) {
        runs++;
        pages += m.pages ?? 0;
      }
      clearTimeout(idle);
      idle = setTimeout(() => void stop(), idleStopMs).unref();
    });
    // A thread that fails (three times: for good) leaves the checkpoints to the connection again.
    w.on('error', () => {
      if (++failures >= 3) closed = true;
      if (worker === w) void stop();
    });
    selfCheckpoint(BACKSTOP_PAGES);
    return w;
  };
  return {
    /** Counts a commit on `conn`; every COMMITS_PER_CHECKPOINT, asks the thread for a checkpoint. */
    committed(conn: WriteConnection): void {
      if (closed || ++commits < COMMITS_PER_CHECKPOINT) return;
      commits = 0;
      if (connection !== conn) {
        // A new connection from the pool checkpoints by itself until the thread is (re)started for it.
        connection = conn;
        if (worker) selfCheckpoint(BACKSTOP_PAGES);
      }
      const w = start();
      if (!w || busy) return;
      busy = true;
      clearTimeout(idle);
      w.postMessage('checkpoint');
    },
    /** Checkpoints the thread completed and the WAL pages they copied back (tests). */
    stats: () => ({ runs, pages }),
    /** Whether a thread runs now. */
    started: () => worker !== undefined,
    /** Stops the thread (its connection closed); no thread starts after. */
    close(): Promise<void> {
      closed = true;
      return stop();
    },
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;

const byDatabase = new WeakMap<object, Checkpointer>();

/** Ties `checkpointer` to a database handle (connection.ts does, for each SQLite knex). */
export function attachCheckpointer(database: object, checkpointer: Checkpointer): void {
  byDatabase.set(database, checkpointer);
}

/** The checkpointer of a database handle, if it has one. */
export function getCheckpointer(database: object): Checkpointer | undefined {
  return byDatabase.get(database);
}
