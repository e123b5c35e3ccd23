import type { CollectionOverview, SchemaOverview } from '../schema/types.js';
import type { PermissionFilter } from './permissions.js';

/** How many relations a share's visitor may follow from the shared item (the filters stay within MAX_RELATION_DEPTH). */
export const SHARE_DEPTH = 3;
/** At most this many paths: a densely related schema must not make a filter of thousands of branches (further paths are left out). */
export const SHARE_PATHS = 100;

/**
 * What a share's visitor may read (Directus's shares): the shared item, and the items related to
 * it, directly or through further relations, per collection as a filter that holds for exactly the
 * items reachable from the shared one. From a collection it follows:
 * - each many-to-one field to the item it points at (`$FOLLOW(collection, field)` in the target's
 *   terms), and on from there only through a relation the target has a one-to-many field for, as
 *   Directus does (an article's author, not every item its author created);
 * - each many-to-one of another collection that points at it, to the items pointing at the
 *   reachable ones (an article's comments, a junction's rows and on to their other side).
 * A collection already on the path is not entered again. A collection reached by several paths
 * gets their filters in an `_or`. `include` decides which collections may be entered at all.
 */
export function shareReach(
  schema: SchemaOverview,
  collection: string,
  item: string,
  include: (collection: CollectionOverview) => boolean = () => true,
): Record<string, PermissionFilter> | undefined {
  const root = schema.collections[collection];
  if (!root) return undefined;
  const itself: PermissionFilter = { [root.primary]: { _eq: item } };
  const found = new Map<string, PermissionFilter[]>([[collection, [itself]]]);
  let paths = 0;
  const add = (target: string, filter: PermissionFilter): boolean => {
    if (++paths > SHARE_PATHS) return false;
    const list = found.get(target) ?? [];
    list.push(filter);
    found.set(target, list);
    return true;
  };
  const manyToOnes = (c: CollectionOverview) =>
    Object.values(c.fields).filter((f) => f.relatedCollection && !f.o2m && f.type !== 'alias');

  const walk = (from: CollectionOverview, reachable: PermissionFilter, path: string[], onward: boolean) => {
    if (path.length >= SHARE_DEPTH || !onward) return;
    const onPath = [...path, from.collection];
    // Forwards: what this collection's many-to-one fields point at.
    for (const f of manyToOnes(from)) {
      const target = schema.collections[f.relatedCollection!];
      if (!target || onPath.includes(target.collection) || !include(target)) continue;
      const filter = { [`$FOLLOW(${from.collection},${f.field})`]: reachable } as PermissionFilter;
      if (!add(target.collection, filter)) return;
      const aliased = Object.values(target.fields).some(
        (t) => t.o2m?.collection === from.collection && t.o2m.field === f.field,
      );
      walk(target, filter, onPath, aliased);
    }
    // Backwards: the items of other collections whose many-to-one points at a reachable item here.
    for (const other of Object.values(schema.collections)) {
      if (onPath.includes(other.collection) || !include(other)) continue;
      for (const f of manyToOnes(other)) {
        if (f.relatedCollection !== from.collection) continue;
        const filter = { [f.field]: reachable } as PermissionFilter;
        if (!add(other.collection, filter)) return;
        walk(other, filter, onPath, true);
      }
    }
  };
  walk(root, itself, [], true);
  return Object.fromEntries(
    [...found].map(([c, filters]) => [c, filters.length === 1 ? filters[0]! : ({ _or: filters } as PermissionFilter)]),
  );
}

/**
 * `reachOf` for the auth service: each share's reach, computed once per schema (a schema change
 * makes a new overview object). A share without a role reads every field of what it reaches, so
 * it reaches user collections and files only, not the users, roles or settings behind them; a
 * role's read permissions decide for a share with one.
 */
export function shareReachOf(getSchema: () => Promise<SchemaOverview>) {
  const cache = new WeakMap<SchemaOverview, Map<string, Record<string, PermissionFilter> | undefined>>();
  const roleless = (c: CollectionOverview) =>
    !c.collection.startsWith('directus_') || c.collection === 'directus_files';
  return async (collection: string, item: string, role: string | null) => {
    const schema = await getSchema();
    let known = cache.get(schema);
    if (!known) cache.set(schema, (known = new Map()));
    const key = `${collection}\0${item}\0${role === null ? '' : 'role'}`;
    if (!known.has(key)) known.set(key, shareReach(schema, collection, item, role === null ? roleless : undefined));
    return known.get(key);
  };
}
