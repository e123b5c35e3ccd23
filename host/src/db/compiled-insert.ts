import type { Knex } from 'knex';
import { compileMarked, sqliteBinding, type BindingSlot } from './marked-sql.js';

/** SQL knex compiled for a one-row insert, and the order the row's values bind in. */
export interface CompiledInsert {
  sql: string;
  /** The row's keys in binding order. */
  keys: string[];
}

/** Values a compiled insert binds as they are; anything else (objects, raw SQL, undefined) goes through knex. */
export function isPlainValue(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean'
  );
}

/** Whether every value of `row` binds as it is (see isPlainValue). */
export function hasPlainValues(row: Record<string, unknown>): boolean {
  for (const key in row) if (!isPlainValue(row[key])) return false;
  return true;
}

/**
 * Compiled inserts kept per owner: clients choose which fields a create sends (and in which order),
 * so the column sets are theirs to vary; the oldest leaves first, as in the statement cache.
 */
export const COMPILED_INSERTS_PER_OWNER = 256;

/**
 * Inserts compiled once per (owner, table, column set, returning) instead of at every write:
 * knex builds the same SQL text for every create of a collection with the same columns, and its
 * builder costs about as much as running the statement. knex still writes the SQL (compiled with
 * a marker per value, which tells the binding order). `owner` is what the SQL depends on beyond
 * the column names, such as a collection's schema overview: a new overview (a field added, a
 * collection changed) starts with nothing compiled.
 */
export function createInsertCompiler(knex: Knex) {
  const byOwner = new WeakMap<object, Map<string, CompiledInsert>>();
  let compiles = 0;
  return {
    /** The insert of `row` into `table` (with `returning` columns), compiled or taken from the cache. */
    get(owner: object, table: string, row: Record<string, unknown>, returning: string[]): CompiledInsert {
      let cache = byOwner.get(owner);
      if (!cache) byOwner.set(owner, (cache = new Map()));
      const columns = Object.keys(row);
      const id = `${table}\u0000${returning.join('\u0001')}\u0000${columns.join('\u0001')}`;
      let compiled = cache.get(id);
      if (compiled === undefined) {
        let marked: { sql: string; slots: BindingSlot<string>[] };
        try {
          marked = compileMarked(columns, (markers) => knex(table).insert(markers, returning));
        } catch (e) {
          throw new Error(`compileInsert: ${table} ${(e as Error).message}`);
        }
        // Each value bound once, as its marker: otherwise the text is not reusable.
        const keys = marked.slots.map((slot) => {
          if (!('name' in slot)) throw new Error(`compileInsert: unexpected binding in ${table}`);
          return slot.name;
        });
        if (keys.length !== columns.length)
          throw new Error(`compileInsert: ${table} binds ${keys.length} of ${columns.length} values`);
        compiled = { sql: marked.sql, keys };
        if (cache.size >= COMPILED_INSERTS_PER_OWNER) cache.delete(cache.keys().next().value!);
        cache.set(id, compiled);
        compiles++;
      }
      return compiled;
    },
    /** How many inserts were compiled so far (tests). */
    compiles: () => compiles,
  };
}

export type InsertCompiler = ReturnType<typeof createInsertCompiler>;

/** `row`'s values in `compiled`'s binding order, as knex binds them on better-sqlite3. */
export function insertBindings(compiled: CompiledInsert, row: Record<string, unknown>): unknown[] {
  return compiled.keys.map((k) => sqliteBinding(row[k]));
}
