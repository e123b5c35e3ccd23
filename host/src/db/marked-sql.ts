import type { Knex } from 'knex';

const MARKER = '\u0000annex-marked:';

/** Where one binding of a compiled statement comes from: a named value given at each run, or a constant knex put there. */
export type BindingSlot<K extends string> = { name: K } | { value: unknown };

/**
 * SQL that knex writes once for statements that differ only in their values: `build` gets a
 * marker in place of each named value, and where the markers land among knex's bindings tells the
 * order the values bind in. knex stays the one that writes the SQL; only its per-call machinery
 * is skipped when the text is reused.
 */
export function compileMarked<K extends string>(
  names: readonly K[],
  build: (markers: Record<K, unknown>) => { toSQL(): Knex.Sql | Knex.Sql[] },
): { sql: string; slots: BindingSlot<K>[] } {
  const markers = {} as Record<K, unknown>;
  for (const name of names) markers[name] = MARKER + name;
  const built = build(markers).toSQL();
  const statements = Array.isArray(built) ? built : [built];
  // One statement, or the text is not reusable as one prepared statement.
  if (statements.length !== 1) throw new Error(`compiles to ${statements.length} statements`);
  const { sql, bindings } = statements[0]!;
  const slots = (bindings as unknown[]).map(
    (b): BindingSlot<K> =>
      typeof b === 'string' && b.startsWith(MARKER) ? { name: b.slice(MARKER.length) as K } : { value: b },
  );
  return { sql, slots };
}

/** A value as knex's better-sqlite3 dialect binds it: booleans as 0/1, dates as milliseconds. */
export function sqliteBinding(value: unknown): unknown {
  return typeof value === 'boolean' ? Number(value) : value instanceof Date ? value.valueOf() : value;
}
