import type { Grant } from '../auth/permissions.js';
import type { CollectionOverview } from '../schema/types.js';
import type { Query } from './query.js';

type Item = Record<string, any>;

/** The row an insert returned (`RETURNING *`), kept for the read-back of the item just created. */
export interface CreatedRow {
  key: string | number;
  row: Item;
}

/**
 * A create's response reads the new item back (Directus does, so the caller sees it as read with
 * its read permission). The insert returned the whole row already; when the read-back's query,
 * after its `items.query` filter, is still only "this key", and the read permission has no item
 * filter, that read would return exactly that row, so it is used instead of a second query. The
 * rest of the read (fields the caller may read, per-item masks, relations, the read events) runs
 * as it would. Undefined: read from the database.
 */
export function createdRowFor(
  col: CollectionOverview,
  q: Query,
  grant: Grant,
  created: CreatedRow | undefined,
  columns: string[],
): Item | undefined {
  if (!created || grant.filter) return undefined;
  if (q.search || q.sort?.length || q.offset || q.page || q.aggregate || q.groupBy) return undefined;
  if (q.limit !== undefined && q.limit !== 1 && q.limit !== -1) return undefined;
  if (!onlyKey(q.filter, col.primary, created.key)) return undefined;
  const out: Item = {};
  for (const c of columns) {
    if (!Object.hasOwn(created.row, c)) return undefined;
    out[c] = created.row[c];
  }
  return out;
}

/** Whether `filter` is exactly readOne's `{ _and: [{ <pk>: { _eq: key } }] }`. */
function onlyKey(filter: unknown, primary: string, key: string | number): boolean {
  const and = (filter as { _and?: unknown } | undefined)?._and;
  if (!filter || Object.keys(filter).length !== 1 || !Array.isArray(and) || and.length !== 1) return false;
  const cond = and[0] as Record<string, unknown> | undefined;
  if (!cond || Object.keys(cond).length !== 1) return false;
  const eq = cond[primary] as Record<string, unknown> | undefined;
  return !!eq && Object.keys(eq).length === 1 && eq._eq === key;
}
