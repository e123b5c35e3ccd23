import type { Knex } from 'knex';
import { compileMarked, sqliteBinding, type BindingSlot } from './marked-sql.js';
import { isBetterSqlite, sqliteQuery } from './sqlite-transaction.js';

/** A row as the database returns it. */
type Row = Record<string, any>;

/**
 * A read every request makes with other values (the authenticated user's row): on SQLite its SQL
 * is compiled by knex once (`build` with a marker per parameter, which tells the binding order)
 * and run as a prepared statement on the pooled connection, without knex's per-query machinery
 * (builder, compiler, runner: 40-70 µs of a 30 µs read). On other databases `build` runs through
 * knex as it is, with the values. Returns the rows; `build` must not use `first()` (its result
 * is one row, not a list): `.limit(1)` compiles to the same SQL, and `.limit(1, { skipBinding: true })`
 * keeps SQLite from re-preparing the statement at every run (it does for a bound LIMIT). Parameters
 * are scalars (a list goes through knex: its length changes the SQL).
 */
export function defineCompiledRead<P extends string>(
  knex: Knex,
  build: (params: Record<P, unknown>) => Knex.QueryBuilder,
): (params: Record<P, unknown>) => Promise<Row[]> {
  let compiled: { sql: string; slots: BindingSlot<P>[] } | undefined;
  return async (params) => {
    // A list would change the SQL with its length: only scalar parameters take the compiled statement.
    if (!isBetterSqlite(knex) || Object.values(params).some((v) => v !== null && typeof v === 'object'))
      return (await build(params)) as Row[];
    compiled ??= compileMarked(Object.keys(params) as P[], build);
    const bindings = compiled.slots.map((s) => sqliteBinding('name' in s ? params[s.name] : s.value));
    return sqliteQuery(knex, compiled.sql, bindings);
  };
}
