import deepDiff from 'deep-diff';
import type { Knex } from 'knex';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import { createSchemaStore, type FieldInput, type SchemaStore } from './schema-store.js';
import {
  type Change,
  project,
  type SnapshotDiff,
  type Snapshot,
  snapshotHash,
  snapshotOf,
  isEmptyDiff,
} from './snapshot.js';
import { FIELD_TYPES } from './types.js';

/** What `/schema/apply` takes: a diff from `/schema/diff` and the hash of the schema it was made against. */
export interface ApplyPayload {
  hash: string;
  diff: SnapshotDiff;
}

const KINDS = new Set(['N', 'D', 'E', 'A']);
const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** One deep-diff change, checked as Directus checks it (`lhs`/`rhs` as the kind needs; `index` and `item` for A). */
function checkChange(c: unknown, where: string, nested = false): void {
  const bad = (what: string) => errors.INVALID_PAYLOAD({ reason: `${where}: ${what}` });
  if (!isObject(c) || !KINDS.has(c.kind)) throw bad('"kind" must be one of N, D, E, A.');
  if (
    c.path !== undefined &&
    (!Array.isArray(c.path) || c.path.some((p) => typeof p !== 'string' && typeof p !== 'number'))
  )
    throw bad('"path" must be a list of keys and indexes.');
  // deep-diff walks the path on plain objects: a prototype key would write to Object.prototype.
  if (c.path?.some((p: unknown) => p === '__proto__' || p === 'constructor' || p === 'prototype'))
    throw bad(`"path" may not name ${JSON.stringify(c.path.join('.'))}.`);
  if ((c.kind === 'E' || c.kind === 'D') && !('lhs' in c)) throw bad(`a ${c.kind} change needs "lhs".`);
  if ((c.kind === 'E' || c.kind === 'N') && !('rhs' in c)) throw bad(`a ${c.kind} change needs "rhs".`);
  if (c.kind === 'A') {
    if (nested) throw bad('an array change cannot hold another.');
    if (typeof c.index !== 'number') throw bad('an A change needs a numeric "index".');
    checkChange(c.item, where, true);
  }
}

/** A payload for `/schema/apply`, or INVALID_PAYLOAD naming the first thing wrong with it. */
export function checkApplyPayload(input: unknown): ApplyPayload {
  const bad = (reason: string) => errors.INVALID_PAYLOAD({ reason });
  if (!isObject(input) || typeof input.hash !== 'string' || !isObject(input.diff))
    throw bad('The body must be {"hash": string, "diff": {collections, fields, relations}} as /schema/diff answers.');
  const diff = input.diff;
  for (const part of ['collections', 'fields', 'systemFields', 'relations'] as const) {
    // Diffs of Directus before 11 have no systemFields.
    if (part === 'systemFields' && diff[part] === undefined) diff[part] = [];
    if (!Array.isArray(diff[part])) throw bad(`"diff.${part}" must be an array.`);
    diff[part].forEach((entry: unknown, i: number) => {
      const where = `diff.${part}[${i}]`;
      if (!isObject(entry) || typeof entry.collection !== 'string') throw bad(`${where}.collection must be a string.`);
      if (part !== 'collections' && typeof entry.field !== 'string') throw bad(`${where}.field must be a string.`);
      if (!Array.isArray(entry.diff) || entry.diff.length === 0) throw bad(`${where}.diff must be a list of changes.`);
      entry.diff.forEach((c: unknown, j: number) => checkChange(c, `${where}.diff[${j}]`));
    });
  }
  if (diff.systemFields.length)
    throw bad('"diff.systemFields" changes the indexes of system fields, which this host does not support.');
  return input as ApplyPayload;
}

/** A change to a whole entry (create or delete it), not to a key inside it. */
const whole = (diff: Change[], kind: 'N' | 'D') => diff[0]?.kind === kind && !diff[0].path?.length;

/** `value` with `diff` applied (deep-diff's applyChange on a copy). */
function applied<T>(value: T, diff: Change[]): T {
  const out = structuredClone(value);
  for (const change of diff) deepDiff.applyChange(out, undefined, change);
  return out;
}

const key = (c: string, f?: string) => (f === undefined ? c : `${c}.${f}`);

/**
 * Where the hash does not match: the first change that does not fit the current schema, as
 * Directus names it, else that the schema changed since the diff was made.
 */
function explainMismatch(payload: ApplyPayload, current: ReturnType<typeof project>): never {
  const has = {
    collections: new Set(current.collections.map((c) => c.collection)),
    fields: new Set(current.fields.map((f) => key(f.collection, f.field))),
    relations: new Set(current.relations.map((r) => key(r.collection, r.field))),
  };
  for (const part of ['collections', 'fields', 'relations'] as const) {
    const noun = part.slice(0, -1);
    for (const entry of payload.diff[part] as { collection: string; field?: string; diff: Change[] }[]) {
      const name = key(entry.collection, entry.field);
      if (whole(entry.diff, 'N') && has[part].has(name))
        throw errors.INVALID_PAYLOAD({
          reason: `The diff creates ${noun} "${name}", which already exists. Make a new diff and try again.`,
        });
      if (whole(entry.diff, 'D') && !has[part].has(name))
        throw errors.INVALID_PAYLOAD({
          reason: `The diff deletes ${noun} "${name}", which does not exist. Make a new diff and try again.`,
        });
    }
  }
  throw errors.INVALID_PAYLOAD({
    reason:
      "The diff's hash does not match this schema's: the schema changed after the diff was made. Make a new diff and try again.",
  });
}

type Parts = ReturnType<typeof project>;
type FieldPart = Parts['fields'][number];
type RelationPart = Parts['relations'][number];

/** The plan of an apply: what is created, deleted and edited, and the relations wanted afterwards. */
function plan(diff: SnapshotDiff, current: Parts) {
  const find = <T extends { collection: string; field?: string }>(list: T[], c: string, f?: string) =>
    list.find((x) => x.collection === c && x.field === f);
  const missing = (what: string) =>
    errors.INVALID_PAYLOAD({ reason: `The diff edits ${what}, which does not exist. Make a new diff and try again.` });

  const collections = { create: [] as Parts['collections'], remove: [] as string[], edit: [] as Parts['collections'] };
  for (const e of diff.collections) {
    if (whole(e.diff, 'N')) collections.create.push((e.diff[0] as any).rhs);
    else if (whole(e.diff, 'D')) collections.remove.push(e.collection);
    else {
      const now = find(current.collections, e.collection);
      if (!now) throw missing(`collection "${e.collection}"`);
      collections.edit.push(applied(now, e.diff));
    }
  }
  const fields = { create: [] as FieldPart[], remove: [] as FieldPart[], edit: [] as FieldPart[] };
  for (const e of diff.fields) {
    if (whole(e.diff, 'N')) fields.create.push((e.diff[0] as any).rhs);
    else if (whole(e.diff, 'D')) fields.remove.push((e.diff[0] as any).lhs);
    else {
      const now = find(current.fields, e.collection, e.field);
      if (!now) throw missing(`field "${key(e.collection, e.field)}"`);
      const next = applied(now, e.diff);
      const { foreign_key_table: _a, ...was } = now.schema ?? {};
      const { foreign_key_table: _b, ...will } = next.schema ?? {};
      // The host changes a field's form settings; its column (type, nullability, default) stays.
      if (next.type !== now.type || deepDiff.diff(was, will))
        throw errors.INVALID_PAYLOAD({
          reason: `The diff changes the column of "${key(e.collection, e.field)}" (${
            next.type !== now.type
              ? 'its type'
              : Object.keys(will)
                  .filter((k) => (was as any)[k] !== (will as any)[k])
                  .join(', ')
          }), which this host does not alter. Delete and create the field instead.`,
        });
      fields.edit.push(next);
    }
  }
  for (const f of fields.create)
    if (!(FIELD_TYPES as readonly (string | null)[]).includes(f.type))
      throw errors.INVALID_PAYLOAD({
        reason: `Field "${key(f.collection, f.field)}" is of type ${JSON.stringify(f.type)}, which this host does not create.`,
      });

  const relations = { remove: [] as RelationPart[], set: [] as { relation: RelationPart; created: boolean }[] };
  const wanted = new Map(current.relations.map((r) => [key(r.collection, r.field), r]));
  for (const e of diff.relations) {
    const name = key(e.collection, e.field);
    if (whole(e.diff, 'D')) {
      relations.remove.push((e.diff[0] as any).lhs);
      wanted.delete(name);
      continue;
    }
    let next: RelationPart;
    if (whole(e.diff, 'N')) next = (e.diff[0] as any).rhs;
    else {
      const now = wanted.get(name);
      if (!now) throw missing(`relation "${name}"`);
      next = applied(now, e.diff);
    }
    if (!next.related_collection)
      throw errors.INVALID_PAYLOAD({
        reason: `Relation "${name}" is a many-to-any (no related collection), which this host does not support.`,
      });
    relations.set.push({ relation: next, created: whole(e.diff, 'N') });
    wanted.set(name, next);
  }
  return { collections, fields, relations, wanted: [...wanted.values()] };
}

/** The input the store takes for a field of a snapshot, linked as the wanted relations say. */
function fieldInput(f: FieldPart, wanted: RelationPart[]): FieldInput {
  const { collection: _c, field: _f, ...meta } = f.meta ?? {};
  const { name: _n, table: _t, foreign_key_table: _k, ...schema } = f.schema ?? {};
  // A many-to-one names its target; a one-to-many (or many-to-many) alias names the collection listing it.
  const m2o = f.type !== 'alias' ? wanted.find((r) => r.collection === f.collection && r.field === f.field) : undefined;
  const o2m =
    f.type === 'alias'
      ? wanted.find((r) => r.meta?.one_collection === f.collection && r.meta?.one_field === f.field)
      : undefined;
  if (o2m?.meta?.one_deselect_action === 'delete')
    meta.options = { ...((meta.options as object) ?? {}), one_deselect_action: 'delete' };
  return {
    field: f.field,
    type: f.type as FieldInput['type'],
    meta: meta as FieldInput['meta'],
    schema: f.schema ? (schema as FieldInput['schema']) : null,
    related_collection: m2o?.related_collection ?? o2m?.collection ?? null,
  };
}

/**
 * Applies a diff from `/schema/diff` as Directus's `/schema/apply` does, all of it or nothing (one
 * transaction): deletions first, then new collections with their fields, new fields (a group
 * before the fields in it), relations, and the edits of fields and collections. A diff made
 * against another schema (its hash) is refused unless `force`. Returns false for an empty diff.
 */
export async function applySnapshotDiff(
  host: { knex: Knex; schema: SchemaStore; emitter?: Emitter; vendor: string },
  input: unknown,
  options: { force?: boolean } = {},
): Promise<boolean> {
  const payload = checkApplyPayload(input);
  if (isEmptyDiff(payload.diff)) return false;
  const currentSnapshot: Snapshot = snapshotOf(await host.schema.get({ bypassCache: true }), host.vendor);
  const current = project(currentSnapshot);
  if (payload.hash !== snapshotHash(currentSnapshot) && !options.force) explainMismatch(payload, current);
  const p = plan(structuredClone(payload.diff), current);
  const events: [string, Record<string, unknown>][] = [];

  await host.knex.transaction(async (trx) => {
    const store = createSchemaStore(trx);
    const exists = async (c: string, f?: string) => {
      const col = (await store.get()).collections[c];
      return f === undefined ? !!col : !!col?.fields[f];
    };
    const gone = new Set(p.collections.remove);
    // 1. Relations that end (their own deletion, or a collection at either end going).
    const ending = [
      ...p.relations.remove,
      ...current.relations.filter((r) => gone.has(r.related_collection!) && !gone.has(r.collection)),
    ];
    for (const r of ending) {
      if (!gone.has(r.collection) && (await exists(r.collection, r.field))) {
        await store.setRelation(r.collection, r.field, null);
        events.push(['relations.delete', { keys: [key(r.collection, r.field)], collection: 'directus_relations' }]);
      }
    }
    // 2. Fields, then collections, that go (a field may already have gone with its relation).
    for (const f of p.fields.remove) {
      if (gone.has(f.collection) || !(await exists(f.collection, f.field))) continue;
      await store.deleteField(f.collection, f.field);
      events.push(['fields.delete', { keys: [f.field], collection: 'directus_fields' }]);
    }
    for (const c of p.collections.remove) {
      await store.deleteCollection(c);
      events.push(['collections.delete', { keys: [c], collection: 'directus_collections' }]);
    }
    // 3. New collections, each with its new fields (groups resolve among them).
    const created = new Set<string>();
    for (const c of p.collections.create) {
      const fields = p.fields.create.filter((f) => f.collection === c.collection).map((f) => fieldInput(f, p.wanted));
      const { collection: _c, ...meta } = c.meta ?? {};
      await store.createCollection({ collection: c.collection, meta, fields });
      created.add(c.collection);
      events.push(['collections.create', { key: c.collection, payload: c, collection: 'directus_collections' }]);
    }
    // 4. New fields of existing collections: a group before the fields drawn in it.
    let pending = p.fields.create.filter((f) => !created.has(f.collection));
    while (pending.length) {
      const names = new Set(pending.map((f) => key(f.collection, f.field)));
      const ready = pending.filter((f) => !f.meta?.group || !names.has(key(f.collection, f.meta.group as string)));
      for (const f of ready.length ? ready : pending) {
        await store.createField(f.collection, fieldInput(f, p.wanted));
        events.push(['fields.create', { key: f.field, payload: f, collection: 'directus_fields' }]);
      }
      pending = ready.length ? pending.filter((f) => !ready.includes(f)) : [];
    }
    // 5. Relations made or changed: the many-to-one's target, and what a deselect does.
    for (const { relation: r, created } of p.relations.set) {
      const schema = await store.get();
      const field = schema.collections[r.collection]?.fields[r.field];
      if (!field) throw errors.INVALID_PAYLOAD({ reason: `Relation "${key(r.collection, r.field)}" names no field.` });
      if (field.relatedCollection !== r.related_collection)
        await store.setRelation(r.collection, r.field, r.related_collection);
      const alias = r.meta?.one_field
        ? schema.collections[r.related_collection!]?.fields[r.meta.one_field as string]
        : undefined;
      const deselect = r.meta?.one_deselect_action === 'delete' ? 'delete' : 'nullify';
      if (alias && (alias.o2m?.deselect ?? 'nullify') !== deselect) {
        const { one_deselect_action: _d, ...rest } = alias.options ?? {};
        await store.updateFieldMeta(r.related_collection!, alias.field, {
          options: deselect === 'delete' ? { ...rest, one_deselect_action: 'delete' } : rest,
        });
      }
      // As RelationsService announces them: a new relation by its key, a changed one by its keys.
      events.push(
        created
          ? ['relations.create', { key: key(r.collection, r.field), payload: r, collection: 'directus_relations' }]
          : ['relations.update', { keys: [key(r.collection, r.field)], payload: r, collection: 'directus_relations' }],
      );
    }
    // 6. Edits: the form settings of fields, then of collections.
    for (const f of p.fields.edit) {
      const { collection: _c, field: _f, ...meta } = f.meta ?? {};
      await store.updateFieldMeta(f.collection, f.field, meta as FieldInput['meta'] & object);
      events.push(['fields.update', { keys: [f.field], payload: f, collection: 'directus_fields' }]);
    }
    for (const c of p.collections.edit) {
      const { collection: _c, ...meta } = c.meta ?? {};
      await store.updateCollectionMeta(c.collection, meta);
      events.push(['collections.update', { keys: [c.collection], payload: c, collection: 'directus_collections' }]);
    }
  });
  host.schema.invalidate();
  for (const [event, meta] of events) void host.emitter?.emitAction(event, meta);
  return true;
}
