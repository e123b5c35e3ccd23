import type { Knex } from 'knex';
import type { Accountability } from '../auth/accountability.js';
import { activityRow } from '../audit/activity.js';
import { createInsertCompiler, hasPlainValues, insertBindings, type InsertCompiler } from '../db/compiled-insert.js';
import { isBetterSqlite, sqliteTransaction } from '../db/sqlite-transaction.js';
import type { CollectionOverview } from '../schema/types.js';
import { changeRecords, isRecorded } from './history.js';

type Item = Record<string, any>;

const compilers = new WeakMap<Knex, InsertCompiler>();
/** The owner of the history tables' compiled inserts: their columns are the host's, not the schema's. */
const HISTORY = {};

/** The insert compiler of `knex` (one per database). */
export function getInsertCompiler(knex: Knex): InsertCompiler {
  let compiler = compilers.get(knex);
  if (!compiler) compilers.set(knex, (compiler = createInsertCompiler(knex)));
  return compiler;
}

/**
 * Whether a create can take the light path: SQLite, not inside a caller's transaction, a user
 * collection (system collections have effects after the insert), and a row of plain values. The
 * caller also leaves out creates with nested writes or a create permission with an item filter
 * (both need more statements in the transaction).
 */
export function canCreateOnSqlite(knex: Knex, collection: string, row: Item): boolean {
  return isBetterSqlite(knex) && !knex.isTransaction && !collection.startsWith('directus_') && hasPlainValues(row);
}

/** Thrown out of the light transaction when the item's own insert failed (the caller maps it to a coded error). */
export class InsertFailed {
  constructor(readonly cause: unknown) {}
}

/**
 * A create as createOne's transaction writes it (the row `RETURNING *`, its activity and its
 * revision, atomically), run as compiled statements in a light SQLite transaction: the same
 * statements and rows, without knex's per-transaction and per-query machinery.
 */
export function createOnSqlite(
  knex: Knex,
  accountability: Accountability,
  col: CollectionOverview,
  row: Item,
): Promise<{ key: string | number; inserted: Item }> {
  const compiler = getInsertCompiler(knex);
  return sqliteTransaction(knex, (tx) => {
    const insert = compiler.get(col, col.collection, row, ['*']);
    let inserted: Item;
    try {
      inserted = tx.run(insert.sql, insertBindings(insert, row))[0]!;
    } catch (error) {
      throw new InsertFailed(error);
    }
    const key = (row[col.primary] as string | number | undefined) ?? inserted[col.primary];
    if (isRecorded(col))
      for (const { activity, revision } of changeRecords(accountability, col, 'create', [key], row, [inserted])) {
        const entry = activityRow(activity);
        const a = compiler.get(HISTORY, 'directus_activity', entry, ['id']);
        const id = tx.run(a.sql, insertBindings(a, entry))[0]!.id;
        if (!revision) continue;
        const rev = { activity: id, ...revision };
        const r = compiler.get(HISTORY, 'directus_revisions', rev, []);
        tx.run(r.sql, insertBindings(r, rev));
      }
    return { key, inserted };
  });
}
