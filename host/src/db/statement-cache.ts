/** The part of a better-sqlite3 connection knex prepares statements with. */
interface PreparingConnection {
  prepare(sql: string): unknown;
}

/** Distinct SQL texts kept prepared per connection (a request's queries repeat; a few vary by list length). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * knex's better-sqlite3 dialect prepares every query afresh (`connection.prepare(sql)` each time),
 * which for the short statements of an item write cost as much as running them. Statements are
 * reusable once a run ended (knex only uses `all` and `run`, which finish synchronously), and
 * SQLite re-prepares one by itself when the schema changed under it (a column added, a table
 * re-created), so the connection keeps them by SQL text, the oldest leaving first (one lookup per query).
 */
export function cacheStatements(conn: PreparingConnection, max = STATEMENT_CACHE_SIZE): void {
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (statements.size >= max) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
}
