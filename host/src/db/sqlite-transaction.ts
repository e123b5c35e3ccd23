import type { Knex } from 'knex';

interface Statement {
  reader: boolean;
  all(...bindings: unknown[]): Record<string, unknown>[];
  run(...bindings: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

/** The part of a better-sqlite3 connection used here. */
interface SqliteConnection {
  prepare(sql: string): Statement;
  readonly inTransaction: boolean;
}

/** Statements of one light transaction, run on its connection. */
export interface SqliteTransaction {
  /** Runs `sql`; a statement that returns rows (`RETURNING`) returns them, others an empty list. */
  run(sql: string, bindings: unknown[]): Record<string, unknown>[];
}

/** Whether `knex` runs on better-sqlite3 (one connection, statements run synchronously in this thread). */
export function isBetterSqlite(knex: Knex): boolean {
  return knex.client.config.client === 'better-sqlite3';
}

/**
 * A transaction on SQLite without knex's transaction machinery (a transaction client, a knex
 * instance and a query runner per statement: about half of a small write's CPU). The connection is
 * taken from knex's pool, so no other query (a knex transaction included) runs on it meanwhile;
 * `work` runs synchronously between BEGIN IMMEDIATE and COMMIT (better-sqlite3 does not yield), and
 * any error it throws rolls everything back. Each statement is announced as knex's `query` event,
 * as knex's own would be, so whoever counts or logs queries still sees them.
 */
export async function sqliteTransaction<T>(knex: Knex, work: (tx: SqliteTransaction) => T): Promise<T> {
  return onConnection(knex, (exec, conn) => {
    exec('BEGIN IMMEDIATE', []);
    try {
      const result = work({ run: exec });
      exec('COMMIT', []);
      return result;
    } catch (error) {
      // A failed COMMIT may have ended the transaction already (SQLite rolls back on some errors).
      if (conn.inTransaction) exec('ROLLBACK', []);
      throw error;
    }
  });
}

/** One statement (a read) on the pooled connection, outside any transaction another caller holds. */
export function sqliteQuery(knex: Knex, sql: string, bindings: unknown[]): Promise<Record<string, unknown>[]> {
  return onConnection(knex, (exec) => exec(sql, bindings));
}

type Exec = (sql: string, bindings: unknown[]) => Record<string, unknown>[];

/** The part of tarn's pool (knex's) the lease below uses. */
interface Pool {
  on(event: string, listener: () => void): unknown;
  numPendingAcquires(): number;
  destroyed?: boolean;
}

interface PoolingClient {
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(conn: SqliteConnection): Promise<void>;
  emit(event: string, data: unknown): void;
  pool?: Pool;
}

/**
 * The pooled connection kept between light statement groups while nobody else asks for it.
 * Taking it from knex's pool and giving it back costs two tarn operations (a pending acquire with
 * its timeout timer, promise turns) per group, twice a request; so after its work the connection
 * stays leased (`free`) unless the pool has requests waiting or is being destroyed, and a later
 * request to the pool (knex's own queries and transactions, its destruction) gets it back at once:
 * tarn tells its listeners before it queues the request and looks for a free connection.
 */
interface Lease {
  free: SqliteConnection | undefined;
}

const leases = new WeakMap<Pool, Lease>();

/** The lease of `client`'s current pool, listening to the pool's requests from the first use. */
function leaseOf(client: PoolingClient): Lease | undefined {
  const pool = client.pool;
  if (!pool) return undefined;
  let lease = leases.get(pool);
  if (!lease) {
    const created: Lease = { free: undefined };
    const giveBack = () => {
      const conn = created.free;
      if (conn === undefined) return;
      created.free = undefined;
      void client.releaseConnection(conn);
    };
    pool.on('acquireRequest', giveBack);
    pool.on('poolDestroyRequest', giveBack);
    leases.set(pool, (lease = created));
  }
  return lease;
}

/** Runs `work` synchronously with the pool's connection (leased, or taken from the pool), then keeps or gives it back. */
async function onConnection<T>(knex: Knex, work: (exec: Exec, conn: SqliteConnection) => T): Promise<T> {
  const client = knex.client as Knex.Client & PoolingClient;
  const lease = leaseOf(client);
  const leased = lease?.free;
  if (lease) lease.free = undefined;
  const held = leased ?? (await client.acquireConnection());
  const exec: Exec = (sql, bindings) => {
    client.emit('query', { method: 'raw', sql, bindings });
    const statement = held.prepare(sql);
    if (statement.reader) return statement.all(...bindings);
    statement.run(...bindings);
    return [];
  };
  try {
    return work(exec, held);
  } finally {
    const pool = client.pool;
    // Kept only while nobody waits for it (requests made while it was out are queued in the pool).
    if (lease && pool === knex.client.pool && pool && pool.numPendingAcquires() === 0 && !pool.destroyed)
      lease.free = held;
    else await client.releaseConnection(held);
  }
}
