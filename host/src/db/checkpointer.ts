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

/**
 * SQLite checkpoints (copying the WAL back into the database file, with two fsyncs under
 * synchronous=NORMAL) run on the connection that commits, in this thread: every ~250 writes one
 * commit stalled the event loop for 5-100 ms on this VM's disk. A thread with its own connection
 * does them instead, started on the first write that needs one (an idle host starts no thread).
 * Same durability: the checkpoint syncs exactly as it would have; SQLite coordinates it with the
 * writer (a PASSIVE checkpoint copies only what no reader needs and never blocks a commit).
 */
export function createCheckpointer(filename: string, synchronous: 'FULL' | 'NORMAL') {
  let worker: Worker | undefined;
  let failed = false;
  let commits = 0;
  let runs = 0;
  let pages = 0;
  let busy = false;
  const start = (conn: WriteConnection): Worker | undefined => {
    if (worker || failed) return worker;
    try {
      worker = new Worker(THREAD, {
        eval: true,
        workerData: { filename, synchronous, driver: require.resolve('better-sqlite3') },
      });
    } catch {
      failed = true;
      return undefined;
    }
    worker.unref();
    worker.on('message', (m: { ok: boolean; pages?: number }) => {
      busy = false;
      if (!m.ok) return;
      runs++;
      pages += m.pages ?? 0;
    });
    // Without the thread the connection checkpoints by itself again, as SQLite does by default.
    worker.on('error', () => {
      failed = true;
      worker = undefined;
      try {
        conn.pragma('wal_autocheckpoint = 1000');
      } catch {
        // The connection is closed already: nothing left to checkpoint from it.
      }
    });
    conn.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    return worker;
  };
  return {
    /** Counts a commit on `conn`; every COMMITS_PER_CHECKPOINT, asks the thread for a checkpoint. */
    committed(conn: WriteConnection): void {
      if (failed || ++commits < COMMITS_PER_CHECKPOINT) return;
      commits = 0;
      const w = start(conn);
      if (!w) {
        conn.pragma('wal_autocheckpoint = 1000');
        return;
      }
      if (busy) return;
      busy = true;
      w.postMessage('checkpoint');
    },
    /** Checkpoints the thread completed and the WAL pages they copied back (tests). */
    stats: () => ({ runs, pages }),
    /** Whether the thread was started. */
    started: () => worker !== undefined,
    /** Stops the thread (its connection closed); idempotent. */
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      failed = true;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await w.terminate();
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
