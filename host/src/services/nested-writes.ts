import type { Knex } from 'knex';
import { errors } from '../errors.js';
import type { CollectionOverview } from '../schema/types.js';
import type { Item, MutationOptions, PrimaryKey } from './items.js';

/** How deep a payload may nest related items (a many-to-many hop is two). */
export const MAX_NESTED_WRITE_DEPTH = 10;

/** Directus's two forms of a one-to-many value: the whole new list, or the changes to it. */
type OneToManyChange = { set: (PrimaryKey | Item)[] } | { create: Item[]; update: Item[]; delete: PrimaryKey[] };

/** What a payload asks of other collections; `own` is what is left for the item's own row. */
export interface NestedWrites {
  own: Item;
  manyToOne: { field: string; item: Item }[];
  oneToMany: { field: string; change: OneToManyChange }[];
}

/** The related collection's items service, as the same caller and in the same transaction. */
export interface RelatedItems {
  createOne(data: Item, opts?: MutationOptions): Promise<PrimaryKey>;
  updateMany(keys: PrimaryKey[], data: Item, opts?: MutationOptions): Promise<PrimaryKey[]>;
  deleteMany(keys: PrimaryKey[], opts?: MutationOptions): Promise<PrimaryKey[]>;
  readByQuery(query: { fields: string[]; filter: object; limit: number }): Promise<Item[]>;
}

export interface NestedContext {
  db: Knex;
  schema: { collections: Record<string, CollectionOverview> };
  /** Nesting level of the payload being written (0 for the caller's own item). */
  depth: number;
  service(collection: string, depth: number): RelatedItems;
  opts: MutationOptions;
}

const isKey = (v: unknown): v is PrimaryKey => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isItem = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (reason: string) => errors.INVALID_PAYLOAD({ reason });

function oneToManyChange(value: unknown, where: string): OneToManyChange {
  if (Array.isArray(value)) {
    if (!value.every((v) => isKey(v) || isItem(v))) throw invalid(`"${where}" must list keys or items.`);
    return { set: value };
  }
  if (isItem(value)) {
    const extra = Object.keys(value).filter((k) => k !== 'create' && k !== 'update' && k !== 'delete');
    if (extra.length) throw invalid(`"${where}" takes "create", "update" and "delete", not "${extra[0]}".`);
    const {
      create = [],
      update = [],
      delete: remove = [],
    } = value as { create?: unknown; update?: unknown; delete?: unknown };
    if (!Array.isArray(create) || !create.every(isItem)) throw invalid(`"${where}.create" must list items.`);
    if (!Array.isArray(update) || !update.every(isItem)) throw invalid(`"${where}.update" must list items.`);
    if (!Array.isArray(remove) || !remove.every(isKey)) throw invalid(`"${where}.delete" must list keys.`);
    return { create, update, delete: remove };
  }
  throw invalid(`"${where}" must be a list, or an object with "create", "update" and "delete".`);
}

/**
 * Splits the relational part off a payload: a many-to-one field given an object, and every
 * one-to-many field. Returns null when there is none (the common case). Other alias fields
 * carry no data and are dropped, as in Directus.
 */
export function planNestedWrites(col: CollectionOverview, payload: Item, depth: number): NestedWrites | null {
  if (!isItem(payload)) return null;
  const plan: NestedWrites = { own: {}, manyToOne: [], oneToMany: [] };
  for (const [key, value] of Object.entries(payload)) {
    const field = col.fields[key];
    if (field?.o2m) plan.oneToMany.push({ field: key, change: oneToManyChange(value, `${col.collection}.${key}`) });
    else if (field?.relatedCollection && field.type !== 'alias' && isItem(value))
      plan.manyToOne.push({ field: key, item: value });
    else plan.own[key] = value;
  }
  if (plan.manyToOne.length === 0 && plan.oneToMany.length === 0) return null;
  if (depth >= MAX_NESTED_WRITE_DEPTH)
    throw invalid(`Related items may be nested at most ${MAX_NESTED_WRITE_DEPTH} levels deep.`);
  return plan;
}

/** The key of `item` in `target` if it names one that exists (then it is updated, else created). */
async function existingKey(
  ctx: NestedContext,
  target: CollectionOverview,
  item: Item,
): Promise<PrimaryKey | undefined> {
  const key = item[target.primary];
  if (key === undefined || key === null) return undefined;
  if (!isKey(key)) throw invalid(`"${target.primary}" of a "${target.collection}" item must be a key.`);
  const found = await ctx.db(target.collection).where(target.primary, key).first(target.primary);
  return found ? key : undefined;
}

/** Fields of `item` other than its key. */
function withoutKey(target: CollectionOverview, item: Item): Item {
  const { [target.primary]: _key, ...rest } = item;
  return rest;
}

/**
 * Writes the many-to-one items first (the row needs their keys): an object naming an existing
 * key updates that item with its other fields, any other object creates one. Returns the
 * payload for the item's own row, with those fields set to the keys.
 */
export async function writeManyToOne(ctx: NestedContext, col: CollectionOverview, plan: NestedWrites): Promise<Item> {
  const own = { ...plan.own };
  for (const { field, item } of plan.manyToOne) {
    const target = ctx.schema.collections[col.fields[field]!.relatedCollection!];
    if (!target) throw errors.FORBIDDEN();
    const related = ctx.service(target.collection, ctx.depth + 1);
    const key = await existingKey(ctx, target, item);
    if (key === undefined) own[field] = await related.createOne(item, ctx.opts);
    else {
      const rest = withoutKey(target, item);
      if (Object.keys(rest).length > 0) await related.updateMany([key], rest, ctx.opts);
      own[field] = key;
    }
  }
  return own;
}

/**
 * Writes the one-to-many items of `parent`, once its row exists. The list form is the whole new
 * set: listed keys are linked, listed objects updated or created, and the items the caller sees
 * linked today but not listed are unlinked (their foreign key set to null), or deleted when the
 * relation's `one_deselect_action` is `delete`. The changes form creates, updates and unlinks
 * (or deletes) the same way; it only updates and unlinks items that belong to `parent`.
 * Every write goes through the related collection's permissions.
 */
export async function writeOneToMany(
  ctx: NestedContext,
  col: CollectionOverview,
  parent: PrimaryKey,
  plan: NestedWrites,
): Promise<void> {
  for (const { field, change } of plan.oneToMany) {
    const o2m = col.fields[field]!.o2m!;
    const target = ctx.schema.collections[o2m.collection];
    if (!target) throw errors.FORBIDDEN();
    const related = ctx.service(target.collection, ctx.depth + 1);
    const fk = o2m.field;
    // Taken out of the list: deleted (with the related collection's delete permission) or unlinked.
    const deselect = (keys: PrimaryKey[]) =>
      o2m.deselect === 'delete'
        ? related.deleteMany(keys, ctx.opts)
        : related.updateMany(keys, { [fk]: null }, ctx.opts);
    const linked = async () =>
      new Set(
        (await related.readByQuery({ fields: [target.primary], filter: { [fk]: { _eq: parent } }, limit: -1 })).map(
          (r) => String(r[target.primary]),
        ),
      );
    const save = async (item: Item): Promise<PrimaryKey> => {
      const key = await existingKey(ctx, target, item);
      if (key === undefined) return related.createOne({ ...item, [fk]: parent }, ctx.opts);
      await related.updateMany([key], { ...withoutKey(target, item), [fk]: parent }, ctx.opts);
      return key;
    };
    if ('set' in change) {
      const before = await linked();
      const kept = new Set<string>();
      const link: PrimaryKey[] = [];
      for (const entry of change.set) {
        if (isKey(entry)) {
          kept.add(String(entry));
          if (!before.has(String(entry))) link.push(entry);
        } else kept.add(String(await save(entry)));
      }
      if (link.length) await related.updateMany(link, { [fk]: parent }, ctx.opts);
      const unlink = [...before].filter((k) => !kept.has(k));
      if (unlink.length) await deselect(unlink);
      continue;
    }
    const before = change.update.length || change.delete.length ? await linked() : new Set<string>();
    const owned = (key: unknown) => {
      if (!isKey(key) || !before.has(String(key))) throw errors.FORBIDDEN();
      return key;
    };
    // An update naming this item as its parent links it, as the list form does (Directus's
    // list-o2m selects existing items this way); any other update must be of an item linked already.
    // The app names a parent that is being created as "+".
    const linksHere = (item: Item) =>
      item[fk] !== undefined && item[fk] !== null && (String(item[fk]) === String(parent) || item[fk] === '+');
    // Removed first: a created or updated item may take a unique value (a flow operation's key) a removed one held.
    if (change.delete.length) await deselect(change.delete.map(owned));
    for (const item of change.create) await related.createOne({ ...item, [fk]: parent }, ctx.opts);
    for (const item of change.update) {
      const link = linksHere(item) && isKey(item[target.primary]);
      const key = link ? (item[target.primary] as PrimaryKey) : owned(item[target.primary]);
      const rest = link ? { ...withoutKey(target, item), [fk]: parent } : withoutKey(target, item);
      if (Object.keys(rest).length) await related.updateMany([key], rest, ctx.opts);
    }
  }
}
