import type { Knex } from 'knex';
import type { Accountability } from '../auth/accountability.js';
import type { CollectionOverview } from '../schema/types.js';
import { activityRow, insertActivity, type ActivityEntry } from '../audit/activity.js';
import { castRow } from './casting.js';

type Item = Record<string, any>;

/** The logs themselves are not logged. */
const UNRECORDED = new Set(['directus_activity', 'directus_revisions']);
const CONCEALED = '**********';

/**
 * Directus's activity (who, from where) and revisions (the item after the change, and the
 * change) for items created, updated or deleted, written with `db` so they commit with the
 * change. Concealed fields (passwords, tokens) are masked.
 */
export async function recordChange(
  db: Knex,
  accountability: Accountability,
  col: CollectionOverview,
  action: 'create' | 'update' | 'delete',
  keys: (string | number)[],
  delta: Item | null,
  /** The rows as they are now when the caller already has them (a create's RETURNING *). */
  current?: Item[],
): Promise<void> {
  if (!isRecorded(col) || keys.length === 0) return;
  const revisions = hasRevisions(col, action);
  const after = !revisions ? [] : (current ?? (await db(col.collection).whereIn(col.primary, keys).select('*')));
  const together = revisions && db.client.config.client === 'pg';
  for (const { activity: entry, revision } of changeRecords(accountability, col, action, keys, delta, after)) {
    if (together && revision) {
      await insertWithRevision(db, entry, revision);
      continue;
    }
    const activity = await insertActivity(db, entry);
    if (revision) await db('directus_revisions').insert({ activity, ...revision });
  }
}

/** Whether changes to `col`'s items are recorded at all. */
export function isRecorded(col: CollectionOverview): boolean {
  return col.accountability !== null && !UNRECORDED.has(col.collection);
}

/** Whether a change records revisions besides its activity. */
function hasRevisions(col: CollectionOverview, action: 'create' | 'update' | 'delete'): boolean {
  return action !== 'delete' && col.accountability === 'all';
}

/** A revision row without its activity id. */
export interface RevisionRow {
  collection: string;
  item: string;
  data: string;
  delta: string;
}

/**
 * Per key, the activity entry and (when the collection keeps revisions) the revision rows that
 * record a change; `after` holds the rows as they are now (revisions' `data`). Concealed fields
 * are masked.
 */
export function changeRecords(
  accountability: Accountability,
  col: CollectionOverview,
  action: 'create' | 'update' | 'delete',
  keys: (string | number)[],
  delta: Item | null,
  after: Item[],
): { activity: ActivityEntry; revision: RevisionRow | null }[] {
  const mask = (item: Item | null | undefined): Item | null => {
    if (!item) return null;
    const out: Item = {};
    for (const [k, v] of Object.entries(item))
      out[k] = col.fields[k]?.special.includes('conceal') || col.fields[k]?.type === 'hash' ? CONCEALED : v;
    return out;
  };
  const revisions = hasRevisions(col, action);
  const byKey = new Map(after.map((r: Item) => [String(r[col.primary]), castRow(col, r)]));
  return keys.map((key) => ({
    activity: {
      action,
      collection: col.collection,
      item: String(key),
      user: accountability.user,
      ip: accountability.ip ?? null,
      origin: accountability.origin ?? null,
    },
    revision: revisions
      ? {
          collection: col.collection,
          item: String(key),
          data: JSON.stringify(mask(byKey.get(String(key)))),
          delta: JSON.stringify(mask(delta)),
        }
      : null,
  }));
}

/**
 * PostgreSQL: the activity row and the revision that points at it in one statement (a data-modifying
 * CTE), one round trip instead of two. SQLite has no such statement, and its statements cost no
 * round trip (the database is in the process).
 */
async function insertWithRevision(db: Knex, entry: ActivityEntry, revision: RevisionRow): Promise<void> {
  const activity = db('directus_activity').insert(activityRow(entry)).returning('id').toSQL();
  await db.raw(`with a as (${activity.sql}) insert into ?? (??, ??, ??, ??, ??) select a.id, ?, ?, ?, ? from a`, [
    ...activity.bindings,
    'directus_revisions',
    'activity',
    'collection',
    'item',
    'data',
    'delta',
    revision.collection,
    revision.item,
    revision.data,
    revision.delta,
  ]);
}
