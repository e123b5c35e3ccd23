import type { Knex } from 'knex';

/** The SQL `knex` ran while `work` ran (its `query` events, in order), and what `work` returned. */
export async function recordSql<T>(knex: Knex, work: () => Promise<T>): Promise<{ sql: string[]; result: T }> {
  const sql: string[] = [];
  const onQuery = (q: { sql: string }) => sql.push(q.sql);
  knex.on('query', onQuery);
  try {
    return { sql, result: await work() };
  } finally {
    knex.off('query', onQuery);
  }
}
