import { errors } from '../errors.js';
import { grantsField, type Grant } from '../auth/permissions.js';
import type { CollectionOverview, SchemaOverview } from '../schema/types.js';
import type { Query } from './query.js';

type Item = Record<string, any>;

/** Many-to-one hops a query may follow, in fields (`a.b.c`) and in filters. */
export const MAX_RELATION_DEPTH = 5;

/** Reads items of another collection as the same caller (its permissions apply). */
export type RelatedReader = (collection: string, query: Query) => Promise<Item[]>;

/**
 * The relational part of `fields`: `author.name` → author: [name]; `*.name` → every readable
 * relation: [name]; a one-to-many field alone (or `*`, or no `fields`) → field: [] (its keys).
 */
export function nestedFields(
  col: CollectionOverview,
  requested: string[] | undefined,
  grant: Grant,
  readable: string[],
): Map<string, string[]> {
  const nested = new Map<string, string[]>();
  const add = (field: string, rest: string) => nested.set(field, [...(nested.get(field) ?? []), rest]);
  const oneToMany = Object.values(col.fields).filter((f) => f.o2m && grantsField(grant.fields, f.field));
  for (const name of requested?.length ? requested : ['*']) {
    const dot = name.indexOf('.');
    if (name === '*') for (const f of oneToMany) if (!nested.has(f.field)) nested.set(f.field, []);
    if (dot === -1) {
      if (col.fields[name]?.o2m && !nested.has(name)) nested.set(name, []);
      continue;
    }
    if (name.split('.').length - 1 > MAX_RELATION_DEPTH)
      throw errors.INVALID_QUERY({ reason: `"${name}" follows more than ${MAX_RELATION_DEPTH} relations.` });
    const root = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    if (root === '*') {
      for (const f of readable) if (col.fields[f]!.relatedCollection) add(f, rest);
      for (const f of oneToMany) add(f.field, rest);
      continue;
    }
    const rootField = col.fields[root];
    if (!rootField?.relatedCollection || (rootField.type === 'alias' && !rootField.o2m))
      throw errors.INVALID_QUERY({
        reason: `"${root}" in "${col.collection}" is not a relation, so "${name}" cannot be read.`,
      });
    add(root, rest);
  }
  return nested;
}

/**
 * Puts the related items in place: a many-to-one key becomes the item (null when the caller may
 * not see it), a one-to-many field becomes the list of items, or of their keys.
 */
export async function attachRelated(
  read: RelatedReader,
  schema: SchemaOverview,
  col: CollectionOverview,
  rows: Item[],
  nested: Map<string, string[]>,
): Promise<void> {
  for (const [field, fields] of nested) {
    const o2m = col.fields[field]!.o2m;
    if (o2m) await attachMany(read, schema, col, rows, field, o2m, fields);
    else await attachOne(read, schema, col, rows, field, fields);
  }
}

async function attachOne(
  read: RelatedReader,
  schema: SchemaOverview,
  col: CollectionOverview,
  rows: Item[],
  field: string,
  fields: string[],
): Promise<void> {
  const target = schema.collections[col.fields[field]!.relatedCollection!];
  if (!target) throw errors.FORBIDDEN();
  const keys = [...new Set(rows.map((r) => r[field]).filter((v) => v !== null && v !== undefined))];
  const pk = target.primary;
  const withKey = fields.includes('*') || fields.includes(pk) ? fields : [...fields, pk];
  const related = keys.length
    ? await read(target.collection, { fields: withKey, filter: { [pk]: { _in: keys } }, limit: -1 })
    : [];
  const byKey = new Map(related.map((item) => [String(item[pk]), item]));
  for (const row of rows) {
    const item = row[field] === null || row[field] === undefined ? undefined : byKey.get(String(row[field]));
    if (!item) row[field] = null;
    else if (withKey === fields) row[field] = { ...item };
    else {
      const { [pk]: _key, ...rest } = item;
      row[field] = rest;
    }
  }
}

async function attachMany(
  read: RelatedReader,
  schema: SchemaOverview,
  col: CollectionOverview,
  rows: Item[],
  field: string,
  o2m: { collection: string; field: string },
  fields: string[],
): Promise<void> {
  const target = schema.collections[o2m.collection];
  if (!target) throw errors.FORBIDDEN();
  const keys = [...new Set(rows.map((r) => r[col.primary]).filter((v) => v !== null && v !== undefined))];
  const keysOnly = fields.length === 0;
  const wanted = keysOnly ? [target.primary] : fields;
  // The key back to the owner must come along: raw, or inside the back-object when that is read nested.
  const backNested = wanted.some((f) => f.startsWith(`${o2m.field}.`));
  const backKey = `${o2m.field}.${col.primary}`;
  const addedBackKey = backNested && !wanted.includes(backKey) && !wanted.includes(`${o2m.field}.*`);
  const withBack =
    wanted.includes('*') || wanted.includes(o2m.field) || (backNested && !addedBackKey)
      ? wanted
      : [...wanted, backNested ? backKey : o2m.field];
  const related = keys.length
    ? await read(target.collection, {
        fields: withBack,
        filter: { [o2m.field]: { _in: keys } },
        sort: [target.primary],
        limit: -1,
      })
    : [];
  const byOwner = new Map<string, Item[]>();
  for (const item of related) {
    const back = item[o2m.field];
    const owner = String(back !== null && typeof back === 'object' ? back[col.primary] : back);
    if (addedBackKey && back && typeof back === 'object') {
      const { [col.primary]: _key, ...rest } = back;
      item[o2m.field] = rest;
    }
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), item]);
  }
  for (const row of rows) {
    const list = byOwner.get(String(row[col.primary])) ?? [];
    row[field] = keysOnly
      ? list.map((item) => item[target.primary])
      : list.map((item) => {
          if (withBack === wanted || backNested) return { ...item };
          const { [o2m.field]: _back, ...rest } = item;
          return rest;
        });
  }
}
