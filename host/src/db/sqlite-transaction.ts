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

/** Runs `work` synchronously with the connection taken from knex's pool, then gives it back. */
async function onConnection<T>(knex: Knex, work: (exec: Exec, conn: SqliteConnection) => T): Promise<T> {
  const client = knex.client as Knex.Client & {
    acquireConnection(): Promise<SqliteConnection>;
    releaseConnection(conn: SqliteConnection): Promise<void>;
    emit(event: string, data: unknown): void;
  };
  const conn = await client.acquireConnection();
  const exec: Exec = (sql, bindings) => {
    client.emit('query', { method: 'raw', sql, bindings });
    const statement = conn.prepare(sql);
    if (statement.reader) return statement.all(...bindings);
    statement.run(...bindings);
    return [];
  };
  try {
    return work(exec, conn);
  } finally {
    await client.releaseConnection(conn);
  }
}
