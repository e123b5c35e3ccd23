import { createHash } from 'node:crypto';
import deepDiff from 'deep-diff';
import yaml from 'js-yaml';
import { errors } from '../errors.js';
import { collectionOutput, fieldOutput } from '../services/schema-services.js';
import { FIELD_TYPES, type SchemaOverview } from './types.js';

/**
 * Directus's schema snapshot (`GET /schema/snapshot`): the project's collections, fields and
 * relations, without the system collections' own fields. Annex writes the keys it stores; a
 * snapshot from Directus is read through the same keys (see `project`), so what Annex does not
 * keep (a collection's color, its archive settings, a relation's ON DELETE) is not compared.
 */
export interface Snapshot {
  version: 1;
  directus: string;
  vendor?: string;
  collections: SnapshotCollection[];
  fields: SnapshotField[];
  systemFields?: SnapshotField[];
  relations: SnapshotRelation[];
}
export interface SnapshotCollection {
  collection: string;
  meta: Record<string, unknown> | null;
  schema: { name: string } | null;
}
export interface SnapshotField {
  collection: string;
  field: string;
  type: string | null;
  meta: Record<string, unknown> | null;
  schema: Record<string, unknown> | null;
}
export interface SnapshotRelation {
  collection: string;
  field: string;
  related_collection: string | null;
  meta: Record<string, unknown> | null;
  schema: Record<string, unknown> | null;
}

/** One change in deep-diff's format (what Directus's `/schema/diff` answers). */
export type Change = deepDiff.Diff<any, any>;
export interface SnapshotDiff {
  collections: { collection: string; diff: Change[] }[];
  fields: { collection: string; field: string; diff: Change[] }[];
  systemFields: { collection: string; field: string; diff: Change[] }[];
  relations: { collection: string; field: string; related_collection: string | null; diff: Change[] }[];
}

/** The Directus version this host answers as (`/server/info`); a snapshot names the version it came from. */
export const SNAPSHOT_DIRECTUS_VERSION = '11.5.0-annex';

// The keys Annex keeps, per part. Both sides of a diff are read through them.
const COLLECTION_META = [
  'collection',
  'icon',
  'note',
  'hidden',
  'singleton',
  'sort_field',
  'display_template',
  'versioning',
  'accountability',
  'archive_field',
  'archive_value',
  'unarchive_value',
  'archive_app_filter',
];
const FIELD_META = [
  'collection',
  'field',
  'special',
  'interface',
  'options',
  'display',
  'display_options',
  'readonly',
  'hidden',
  'required',
  'sort',
  'note',
  'width',
  'validation',
  'validation_message',
  'group',
  'conditions',
  'translations',
];
const FIELD_SCHEMA = [
  'name',
  'table',
  'is_primary_key',
  'has_auto_increment',
  'is_nullable',
  'is_unique',
  'default_value',
  'foreign_key_table',
];
const RELATION_META = [
  'many_collection',
  'many_field',
  'one_collection',
  'one_field',
  'junction_field',
  'one_deselect_action',
];
const RELATION_SCHEMA = ['table', 'column', 'foreign_key_table', 'foreign_key_column'];

/** `value` with only `keys` (null stays null), keys in sorted order so equal parts print alike. */
function pick(value: unknown, keys: string[]): Record<string, unknown> | null {
  if (!value || typeof value !== 'object') return null;
  const out: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (k in value) out[k] = (value as Record<string, unknown>)[k] ?? null;
  return out;
}

/**
 * An auto-increment primary key's column is the database's own (its type, default and nullability
 * differ by vendor): Directus does not compare it, and here only its two flags are kept.
 */
const isAutoIncrementKey = (f: SnapshotField) => !!f.schema?.is_primary_key && !!f.schema?.has_auto_increment;

/** The parts of a snapshot as Annex compares them (Directus's extra keys left out). */
export function project(snapshot: Pick<Snapshot, 'collections' | 'fields' | 'relations'>) {
  return {
    collections: snapshot.collections.map((c) => ({
      collection: c.collection,
      meta: pick(c.meta, COLLECTION_META),
      schema: c.schema ? { name: c.schema.name } : null,
    })),
    fields: snapshot.fields.map((f) => ({
      collection: f.collection,
      field: f.field,
      type: f.type ?? null,
      meta: pick(f.meta, FIELD_META),
      schema: isAutoIncrementKey(f) ? { has_auto_increment: true, is_primary_key: true } : pick(f.schema, FIELD_SCHEMA),
    })),
    relations: snapshot.relations.map((r) => ({
      collection: r.collection,
      field: r.field,
      related_collection: r.related_collection ?? null,
      meta: pick(r.meta, RELATION_META),
      schema: pick(r.schema, RELATION_SCHEMA),
    })),
  };
}

/** The project's schema as Directus's snapshot: no system collection, no built-in field of one. */
export function snapshotOf(schema: SchemaOverview, vendor: string): Snapshot {
  const collections = Object.values(schema.collections);
  const byName = <T extends { collection: string }>(a: T, b: T) => a.collection.localeCompare(b.collection);
  const fields = collections
    .flatMap((c) => Object.values(c.fields).map((f) => fieldOutput(c.collection, f)))
    .filter((f) => f.meta.system !== true);
  const relations = schema.relations.filter((r) => !schema.collections[r.collection]?.system);
  const parts = project({
    collections: collections.filter((c) => !c.system).map(collectionOutput),
    fields,
    relations,
  });
  return {
    version: 1,
    directus: SNAPSHOT_DIRECTUS_VERSION,
    vendor,
    collections: parts.collections.sort(byName),
    // Fields stay in each collection's form order (Directus: by collection, then by meta id).
    fields: parts.fields.sort(byName),
    systemFields: [],
    relations: parts.relations.sort((a, b) => byName(a, b) || a.field.localeCompare(b.field)),
  };
}

/** The hash `/schema/diff` hands out and `/schema/apply` checks: of the snapshot the diff was made against. */
export function snapshotHash(snapshot: Snapshot): string {
  const { collections, fields, relations } = snapshot;
  return createHash('sha1')
    .update(JSON.stringify({ version: SNAPSHOT_DIRECTUS_VERSION, collections, fields, relations }))
    .digest('hex');
}

/** Directus's database vendor name for the host's knex client. */
export const vendorOf = (client: string) => (client === 'pg' ? 'postgres' : 'sqlite');

const ALIAS_TYPES = ['alias'];
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A snapshot a caller sent, checked as Directus checks one: INVALID_PAYLOAD naming what is wrong;
 * one from another Directus version or database vendor only with `force`.
 */
export function checkSnapshot(input: unknown, vendor: string, force: boolean): Snapshot {
  const bad = (reason: string) => errors.INVALID_PAYLOAD({ reason });
  if (!isObject(input)) throw bad('A snapshot must be an object.');
  if (input.version !== 1) throw bad('"version" must be 1.');
  if (typeof input.directus !== 'string') throw bad('"directus" must be a version string.');
  for (const part of ['collections', 'fields', 'relations'] as const) {
    const list = input[part] ?? [];
    if (!Array.isArray(list)) throw bad(`"${part}" must be an array.`);
    list.forEach((item, i) => {
      if (!isObject(item) || typeof item.collection !== 'string')
        throw bad(`"${part}[${i}].collection" must be a string.`);
      if (part !== 'collections' && typeof item.field !== 'string')
        throw bad(`"${part}[${i}].field" must be a string.`);
      if (part === 'fields' && item.type !== null && !((item.type as string) in KNOWN_TYPES))
        throw bad(`"fields[${i}].type" (${JSON.stringify(item.type)}) is not a Directus field type.`);
    });
  }
  if (!force) {
    if (input.directus !== SNAPSHOT_DIRECTUS_VERSION)
      throw bad(
        `The snapshot is of version ${input.directus}; this host is ${SNAPSHOT_DIRECTUS_VERSION}. Pass the "force" query parameter (--force on the command line) to compare it anyway.`,
      );
    if (input.vendor !== vendor)
      throw bad(
        `The snapshot is of a ${input.vendor ?? 'unnamed'} database; this host runs ${vendor}. Pass the "force" query parameter (--force on the command line) to compare it anyway.`,
      );
  }
  return {
    version: 1,
    directus: input.directus,
    vendor: typeof input.vendor === 'string' ? input.vendor : undefined,
    collections: (input.collections ?? []) as SnapshotCollection[],
    fields: (input.fields ?? []) as SnapshotField[],
    relations: (input.relations ?? []) as SnapshotRelation[],
  };
}

/**
 * `value` as a tree: INVALID_PAYLOAD when one object is reached twice (YAML anchors and aliases,
 * which can make a small file stand for an exponentially large one once written out).
 */
export function assertTree(value: unknown): void {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (seen.has(v))
      throw errors.INVALID_PAYLOAD({ reason: 'The file repeats a part by reference (a YAML alias); write it out.' });
    seen.add(v);
    for (const child of Object.values(v)) walk(child);
  };
  walk(value);
}

/**
 * A snapshot or diff file's text: JSON, else YAML (what an export writes), or only JSON for a
 * `.json` file. INVALID_PAYLOAD naming `source` when it is neither, or repeats a part by reference.
 */
export function parseSchemaText(text: string, options: { source?: string; json?: boolean } = {}): unknown {
  const source = options.source ?? 'The file';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (jsonError) {
    try {
      if (options.json) throw jsonError;
      value = yaml.load(text, { schema: yaml.JSON_SCHEMA });
    } catch (err) {
      throw errors.INVALID_PAYLOAD({
        reason: `${source} is ${options.json ? 'not valid JSON' : 'neither JSON nor YAML'}: ${err instanceof Error ? err.message.split('\n')[0] : err}`,
      });
    }
  }
  assertTree(value);
  return value;
}

/** A snapshot as the file `annex schema snapshot` and `/schema/snapshot?export=` write. */
export function formatSnapshot(snapshot: Snapshot, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(snapshot, null, 2)}\n` : yaml.dump(snapshot, { noRefs: true });
}

/** Every Directus field type a snapshot may name (Annex creates `FIELD_TYPES`; the rest are refused at apply). */
const KNOWN_TYPES: Record<string, true> = Object.fromEntries(
  [
    ...FIELD_TYPES,
    ...ALIAS_TYPES,
    'geometry',
    'geometry.Point',
    'geometry.LineString',
    'geometry.Polygon',
    'geometry.MultiPoint',
    'geometry.MultiLineString',
    'geometry.MultiPolygon',
    'unknown',
  ].map((t) => [t, true]),
);

const sameKey =
  <T extends { collection: string; field?: string }>(a: T) =>
  (b: T) =>
    a.collection === b.collection && a.field === b.field;

/**
 * What turns `current` into `after`, as Directus's `getSnapshotDiff`: per collection, field and
 * relation, deep-diff's changes from the current one to the wanted one (N: to create, D: to
 * delete, E/A: to edit). A field that becomes or stops being an alias is deleted and created. A
 * deleted collection takes its fields and relations along, so they are not listed.
 */
export function diffSnapshots(currentSnapshot: Snapshot, afterSnapshot: Snapshot): SnapshotDiff {
  const current = project(currentSnapshot);
  const after = project(afterSnapshot);
  const changes = <T>(from: T | undefined, to: T | undefined): Change[] | undefined => deepDiff.diff(from, to);
  const typeFlip = (a: { type: string | null }, b: { type: string | null } | undefined) =>
    !!b && a.type !== b.type && (a.type === 'alias' || b.type === 'alias');

  const collections = [
    ...current.collections.map((c) => ({
      collection: c.collection,
      diff: changes(c, after.collections.find(sameKey(c))),
    })),
    ...after.collections
      .filter((c) => !current.collections.some(sameKey(c)))
      .map((c) => ({ collection: c.collection, diff: changes(undefined, c) })),
  ].filter((e): e is SnapshotDiff['collections'][number] => Array.isArray(e.diff));

  const fields = [
    ...current.fields.map((f) => {
      const wanted = after.fields.find(sameKey(f));
      return { collection: f.collection, field: f.field, diff: changes(f, typeFlip(f, wanted) ? undefined : wanted) };
    }),
    ...after.fields
      .filter((f) => {
        const existing = current.fields.find(sameKey(f));
        return !existing || typeFlip(existing, f);
      })
      .map((f) => ({ collection: f.collection, field: f.field, diff: changes(undefined, f) })),
  ].filter((e): e is SnapshotDiff['fields'][number] => Array.isArray(e.diff));

  const relations = [
    ...current.relations.map((r) => ({
      collection: r.collection,
      field: r.field,
      related_collection: r.related_collection,
      diff: changes(r, after.relations.find(sameKey(r))),
    })),
    ...after.relations
      .filter((r) => !current.relations.some(sameKey(r)))
      .map((r) => ({
        collection: r.collection,
        field: r.field,
        related_collection: r.related_collection,
        diff: changes(undefined, r),
      })),
  ].filter((e): e is SnapshotDiff['relations'][number] => Array.isArray(e.diff));

  const deleted = new Set(collections.filter((c) => c.diff[0]?.kind === 'D').map((c) => c.collection));
  return {
    collections,
    fields: fields.filter((f) => !deleted.has(f.collection)),
    systemFields: [],
    relations: relations.filter((r) => !deleted.has(r.collection)),
  };
}

export const isEmptyDiff = (d: SnapshotDiff) =>
  d.collections.length + d.fields.length + d.systemFields.length + d.relations.length === 0;
