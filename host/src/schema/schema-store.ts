import type { Knex } from 'knex';
import { errors } from '../errors.js';
import {
  EXTENSIBLE_SYSTEM_COLLECTIONS,
  isSystemField,
  SYSTEM_COLLECTIONS,
  defineFieldOverview,
} from './system-collections.js';
import {
  FIELD_TYPES,
  type CollectionOverview,
  type FieldOverview,
  type FieldType,
  type RelationOverview,
  type SchemaOverview,
} from './types.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export interface FieldInput {
  field: string;
  type: FieldType;
  schema?: {
    is_primary_key?: boolean;
    has_auto_increment?: boolean;
    is_nullable?: boolean;
    is_unique?: boolean;
    default_value?: unknown;
  } | null;
  meta?: {
    interface?: string | null;
    options?: Record<string, unknown> | null;
    display?: string | null;
    display_options?: Record<string, unknown> | null;
    special?: string[] | string | null;
    readonly?: boolean;
    hidden?: boolean;
    required?: boolean;
    sort?: number | null;
    note?: string | null;
    validation?: Record<string, unknown> | null;
    validation_message?: string | null;
    width?: string | null;
    group?: string | null;
    conditions?: unknown[] | null;
    translations?: unknown[] | null;
  } | null;
  /** Many-to-one target (Annex shorthand for a relation). */
  related_collection?: string | null;
}

export interface CollectionInput {
  collection: string;
  meta?: {
    icon?: string | null;
    note?: string | null;
    hidden?: boolean;
    singleton?: boolean;
    sort_field?: string | null;
    display_template?: string | null;
    versioning?: boolean;
    accountability?: 'all' | 'activity' | null;
    archive_field?: string | null;
    archive_value?: string | null;
    unarchive_value?: string | null;
    archive_app_filter?: boolean;
  } | null;
  fields?: FieldInput[];
}

/** The directus_collections columns a collection's `meta` sets (only the keys present); INVALID_PAYLOAD for values Directus would refuse. */
function collectionMetaRow(meta: NonNullable<CollectionInput['meta']>, fields: Set<string>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const m = meta as Record<string, unknown>;
  for (const k of ['icon', 'note', 'sort_field', 'display_template', 'archive_value', 'unarchive_value'] as const)
    if (k in m) row[k] = m[k] ?? null;
  for (const k of ['hidden', 'singleton', 'versioning'] as const) if (k in m) row[k] = Boolean(m[k]);
  if ('archive_app_filter' in m) row.archive_app_filter = m.archive_app_filter !== false;
  if ('accountability' in m) {
    if (m.accountability !== null && m.accountability !== 'all' && m.accountability !== 'activity')
      throw errors.INVALID_PAYLOAD({ reason: '"meta.accountability" must be "all", "activity" or null.' });
    row.accountability = m.accountability;
  }
  if ('archive_field' in m) {
    if (m.archive_field !== null && (typeof m.archive_field !== 'string' || !fields.has(m.archive_field)))
      throw errors.INVALID_PAYLOAD({ reason: '"meta.archive_field" must be a field of the collection or null.' });
    row.archive_field = m.archive_field;
  }
  return row;
}

function parseJson(value: unknown): any {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function fieldFromRow(row: Record<string, any>): FieldOverview {
  const special = typeof row.special === 'string' && row.special ? row.special.split(',') : [];
  return defineFieldOverview(row.field, row.type, {
    ...(typeof row.id === 'number' ? { id: row.id } : {}),
    defaultValue: parseJson(row.default_value),
    nullable: Boolean(row.is_nullable),
    generated: Boolean(row.has_auto_increment),
    primary: Boolean(row.is_primary_key),
    unique: Boolean(row.is_unique),
    special,
    interface: row.interface ?? null,
    options: parseJson(row.options),
    display: row.display ?? null,
    displayOptions: parseJson(row.display_options),
    note: row.note ?? null,
    width: row.width ?? null,
    hidden: Boolean(row.hidden),
    readonly: Boolean(row.readonly),
    required: Boolean(row.required),
    sort: row.sort ?? null,
    validation: validationRule(parseJson(row.validation)),
    validationMessage:
      typeof row.validation_message === 'string' && row.validation_message ? row.validation_message : null,
    relatedCollection: row.related_collection ?? null,
    group: row.group ?? null,
    conditions: jsonList(parseJson(row.conditions)),
    translations: jsonList(parseJson(row.translations)),
  });
}

const jsonList = (value: unknown): unknown[] | null => (Array.isArray(value) ? value : null);

const WIDTHS = ['half', 'half-left', 'half-right', 'full', 'fill'];

/** `meta.width` as Directus accepts it (null when absent); INVALID_PAYLOAD for any other value. */
function fieldWidth(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !WIDTHS.includes(value))
    throw errors.INVALID_PAYLOAD({ reason: `"meta.width" must be one of ${WIDTHS.join(', ')}.` });
  return value;
}

/** A stored field rule: an object with at least one key, else none. */
function validationRule(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
    ? (value as Record<string, unknown>)
    : null;
}

/** `meta.validation` and `meta.validation_message` as columns; INVALID_PAYLOAD for shapes no rule has. */
function validationColumns(m: NonNullable<FieldInput['meta']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('validation' in m) {
    const v = m.validation;
    if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v)))
      throw errors.INVALID_PAYLOAD({ reason: '"meta.validation" must be a filter object or null.' });
    out.validation = validationRule(v) ? JSON.stringify(v) : null;
  }
  if ('validation_message' in m) {
    const msg = m.validation_message;
    if (msg !== null && msg !== undefined && typeof msg !== 'string')
      throw errors.INVALID_PAYLOAD({ reason: '"meta.validation_message" must be a string or null.' });
    out.validation_message = msg ? msg.slice(0, 2000) : null;
  }
  return out;
}

function addColumn(t: Knex.CreateTableBuilder | Knex.AlterTableBuilder, input: FieldInput): void {
  const s = input.schema ?? {};
  if (input.type === 'alias') return;
  let col: Knex.ColumnBuilder;
  if (s.is_primary_key && s.has_auto_increment) {
    col = input.type === 'bigInteger' ? t.bigIncrements(input.field) : t.increments(input.field);
    return;
  }
  switch (input.type) {
    case 'string':
    case 'hash':
      col = t.string(input.field, 255);
      break;
    case 'text':
    case 'csv':
      col = t.text(input.field);
      break;
    case 'integer':
      col = t.integer(input.field);
      break;
    case 'bigInteger':
      col = t.bigInteger(input.field);
      break;
    case 'float':
      col = t.float(input.field);
      break;
    case 'decimal':
      col = t.decimal(input.field, 10, 5);
      break;
    case 'boolean':
      col = t.boolean(input.field);
      break;
    case 'date':
      col = t.date(input.field);
      break;
    case 'dateTime':
      col = t.dateTime(input.field);
      break;
    case 'time':
      col = t.time(input.field);
      break;
    case 'timestamp':
      col = t.timestamp(input.field, { useTz: true });
      break;
    case 'json':
      col = t.json(input.field);
      break;
    case 'uuid':
      col = t.uuid(input.field);
      break;
  }
  if (s.is_primary_key) col.primary();
  if (s.is_unique) col.unique();
  if (s.is_nullable === false && !s.is_primary_key) col.notNullable();
  if (s.default_value !== undefined && s.default_value !== null) col.defaultTo(s.default_value as any);
}

function validateFieldInput(input: unknown): FieldInput {
  const f = input as FieldInput;
  if (!f || typeof f !== 'object') throw errors.INVALID_PAYLOAD({ reason: 'A field must be an object.' });
  if (typeof f.field !== 'string' || !NAME.test(f.field))
    throw errors.INVALID_PAYLOAD({
      reason: `"field" must be a name of letters, digits and _ (got ${JSON.stringify(f.field)}).`,
    });
  if (!FIELD_TYPES.includes(f.type))
    throw errors.INVALID_PAYLOAD({ reason: `"type" of field "${f.field}" must be one of ${FIELD_TYPES.join(', ')}.` });
  return f;
}

function metaRow(collection: string, f: FieldInput, sort: number): Record<string, unknown> {
  const s = f.schema ?? {};
  const m = f.meta ?? {};
  const special = Array.isArray(m.special) ? m.special.join(',') : (m.special ?? null);
  return {
    collection,
    field: f.field,
    type: f.type,
    special,
    interface: m.interface ?? null,
    options: m.options ? JSON.stringify(m.options) : null,
    display: m.display ?? null,
    display_options: m.display_options ? JSON.stringify(m.display_options) : null,
    readonly: Boolean(m.readonly),
    hidden: Boolean(m.hidden),
    required: Boolean(m.required),
    is_primary_key: Boolean(s.is_primary_key),
    has_auto_increment: Boolean(s.has_auto_increment),
    is_nullable: s.is_primary_key ? false : s.is_nullable !== false,
    is_unique: Boolean(s.is_unique),
    default_value: s.default_value === undefined || s.default_value === null ? null : JSON.stringify(s.default_value),
    sort: m.sort ?? sort,
    note: m.note ?? null,
    width: fieldWidth(m.width),
    related_collection: f.related_collection ?? null,
    ...validationColumns(m),
    ...formColumns(m),
  };
}

/**
 * `meta.group`, `meta.conditions` and `meta.translations` as columns (only the keys present):
 * INVALID_PAYLOAD for a group that is not a field name or lists that are not arrays. Whether the
 * group names a group field of the collection is checked by `checkGroups`.
 */
function formColumns(m: NonNullable<FieldInput['meta']>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('group' in m) {
    if (m.group !== null && m.group !== undefined && (typeof m.group !== 'string' || !m.group))
      throw errors.INVALID_PAYLOAD({ reason: '"meta.group" must be a field name or null.' });
    out.group = m.group ?? null;
  }
  for (const key of ['conditions', 'translations'] as const) {
    if (!(key in m)) continue;
    const value = m[key];
    if (value !== null && value !== undefined && !Array.isArray(value))
      throw errors.INVALID_PAYLOAD({ reason: `"meta.${key}" must be an array or null.` });
    out[key] = Array.isArray(value) && value.length ? JSON.stringify(value) : null;
  }
  return out;
}

const isGroupField = (f: { special?: string[] } | undefined) => !!f?.special?.includes('group');

/** A field a project added to an extensible system collection (the host's own fields stay as they are). */
const isProjectField = (collection: string, field: string) =>
  EXTENSIBLE_SYSTEM_COLLECTIONS.has(collection) && !isSystemField(collection, field);

/**
 * Every field's `group` names a group field (an alias with `special` group) of the same
 * collection, and following the groups upwards ends at the top level (no field in its own group,
 * no cycle). `fields`: the collection's fields after the change, as name → {special, group}.
 */
export function checkGroups(fields: Map<string, { special: string[]; group: string | null }>): void {
  for (const [name, f] of fields) {
    if (f.group === null) continue;
    if (!isGroupField(fields.get(f.group)))
      throw errors.INVALID_PAYLOAD({ reason: `"meta.group" of "${name}" must name a group field of the collection.` });
    const seen = new Set([name]);
    for (let g: string | null = f.group; g !== null; g = fields.get(g)?.group ?? null) {
      if (seen.has(g))
        throw errors.INVALID_PAYLOAD({ reason: `"meta.group" of "${name}" would put a group inside itself.` });
      seen.add(g);
    }
  }
}

/** A collection's fields as `checkGroups` reads them. */
const groupsOf = (fields: Record<string, FieldOverview>) =>
  new Map(Object.values(fields).map((f) => [f.field, { special: f.special, group: f.group ?? null }]));

/** The `special` list of a field input (an array, or Directus's comma-separated string). */
const specialOf = (m: FieldInput['meta']) =>
  Array.isArray(m?.special) ? m.special : typeof m?.special === 'string' && m.special ? m.special.split(',') : [];

/** The one-to-many aliases on `target` that list `collection`'s items through its many-to-one `field`. */
export function aliasesThrough(
  target: CollectionOverview | undefined,
  collection: string,
  field: string,
): FieldOverview[] {
  return Object.values(target?.fields ?? {}).filter((a) => a.o2m?.collection === collection && a.o2m.field === field);
}

/**
 * One-to-many alias fields (`special: o2m`, `related_collection` = the many side) get the many
 * side's foreign key: `options.field` when given, else the one many-to-one field there that
 * points back. An ambiguous or missing one leaves the alias unusable (queries through it are refused).
 */
function resolveOneToMany(schema: SchemaOverview): void {
  for (const col of Object.values(schema.collections)) {
    for (const field of Object.values(col.fields)) {
      // A many-to-many alias (`files` is Directus's many-to-many to directus_files, `translations` its
      // many-to-many to a languages collection) is, in the API, a one-to-many to its junction
      // (`tags.tags_id.name`), as in Directus.
      if (
        field.type !== 'alias' ||
        !['o2m', 'm2m', 'files', 'translations'].some((kind) => field.special.includes(kind)) ||
        !field.relatedCollection
      )
        continue;
      const many = schema.collections[field.relatedCollection];
      if (!many) continue;
      const named = typeof field.options?.field === 'string' ? many.fields[field.options.field] : undefined;
      const back = named
        ? [named]
        : Object.values(many.fields).filter((f) => f.type !== 'alias' && f.relatedCollection === col.collection);
      const deselect = field.options?.one_deselect_action === 'delete' ? 'delete' : 'nullify';
      if (back.length === 1 && back[0]!.relatedCollection === col.collection)
        field.o2m = { collection: many.collection, field: back[0]!.field, deselect };
    }
  }
}

const isM2mAlias = (a: FieldOverview) => ['m2m', 'files', 'translations'].some((kind) => a.special.includes(kind));

/**
 * A junction's other side, as Directus's `meta.junction_field`: for the field a many-to-many alias
 * lists through, the junction's other many-to-one; for that other one, the field listed through.
 */
function junctionFieldOf(schema: SchemaOverview, collection: string, f: FieldOverview): string | null {
  const col = schema.collections[collection];
  const m2os = Object.values(col?.fields ?? {}).filter((g) => g.type !== 'alias' && g.relatedCollection);
  const listedThrough = (g: FieldOverview) =>
    aliasesThrough(schema.collections[g.relatedCollection!], collection, g.field).some(isM2mAlias);
  if (listedThrough(f)) return m2os.find((g) => g.field !== f.field)?.field ?? null;
  return m2os.find((g) => g.field !== f.field && listedThrough(g))?.field ?? null;
}

/** Directus's relation shape for a many-to-one field (and the one-to-many alias that lists it, if any). */
function relationOutput(schema: SchemaOverview, collection: string, f: FieldOverview): RelationOverview {
  const related = f.relatedCollection!;
  const target = schema.collections[related];
  const alias = aliasesThrough(target, collection, f.field)[0];
  const oneField = alias?.field ?? null;
  return {
    collection,
    field: f.field,
    related_collection: related,
    schema: {
      table: collection,
      column: f.field,
      foreign_key_table: related,
      foreign_key_column: target?.primary ?? 'id',
    },
    meta: {
      many_collection: collection,
      many_field: f.field,
      one_collection: related,
      one_field: oneField,
      junction_field: junctionFieldOf(schema, collection, f),
      one_deselect_action: alias?.o2m?.deselect ?? 'nullify',
    },
  };
}

/** Collections and fields over the real database, with the Directus SchemaOverview cached in memory. */
export function createSchemaStore(knex: Knex) {
  let cached: Promise<SchemaOverview> | null = null;
  let version = 0;
  const listeners = new Set<() => void>();

  async function load(): Promise<SchemaOverview> {
    const [collections, fields] = await Promise.all([
      knex('directus_collections').select('*'),
      knex('directus_fields')
        .select('*')
        .orderBy([{ column: 'collection' }, { column: 'sort' }, { column: 'id' }]),
    ]);
    // Keyed by names from requests: no prototype behind them (`fields.constructor` is no field).
    const out: SchemaOverview = { collections: Object.create(null), relations: [] };
    for (const sys of SYSTEM_COLLECTIONS) out.collections[sys.collection] = sys;
    for (const row of collections) {
      out.collections[row.collection] = {
        collection: row.collection,
        primary: 'id',
        singleton: Boolean(row.singleton),
        note: row.note ?? null,
        icon: row.icon ?? null,
        hidden: Boolean(row.hidden),
        system: false,
        sortField: row.sort_field ?? null,
        displayTemplate: row.display_template ?? null,
        versioning: Boolean(row.versioning),
        accountability: row.accountability === undefined ? 'all' : (row.accountability ?? null),
        archiveField: row.archive_field ?? null,
        archiveValue: row.archive_value ?? null,
        unarchiveValue: row.unarchive_value ?? null,
        archiveAppFilter: row.archive_app_filter === undefined ? true : Boolean(row.archive_app_filter),
        fields: Object.create(null),
      };
    }
    for (const row of fields) {
      let col = out.collections[row.collection];
      if (!col) continue;
      if (col.system) {
        // A project's own field on a system collection: added to a copy (the definitions are shared).
        if (!EXTENSIBLE_SYSTEM_COLLECTIONS.has(col.collection) || isSystemField(col.collection, row.field)) continue;
        if (col === SYSTEM_COLLECTIONS.find((c) => c.collection === col!.collection))
          col = out.collections[row.collection] = { ...col, fields: Object.assign(Object.create(null), col.fields) };
      }
      const field = fieldFromRow(row);
      col.fields[field.field] = field;
      if (field.primary) col.primary = field.field;
    }
    resolveOneToMany(out);
    // Directus's relations: every many-to-one, the system collections' own too, with its meta and schema.
    out.relations = Object.values(out.collections).flatMap((c) =>
      Object.values(c.fields)
        .filter((f) => f.type !== 'alias' && f.relatedCollection)
        .map((f) => relationOutput(out, c.collection, f)),
    );
    return out;
  }

  function invalidate(): void {
    cached = null;
    version++;
    for (const l of listeners) l();
  }

  const store = {
    /** The current schema (cached; invalidated by every schema change). */
    get(options: { bypassCache?: boolean } = {}): Promise<SchemaOverview> {
      if (options.bypassCache || !cached) {
        const p = load();
        cached = p;
        p.catch(() => {
          if (cached === p) cached = null;
        });
      }
      return cached!;
    },
    invalidate,
    /** Bumped on every schema change, so dependent caches can key on it. */
    version: () => version,
    /** Called after every schema change (GraphQL schema rebuild, cluster broadcast). Returns its disposer. */
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async createCollection(input: CollectionInput): Promise<CollectionOverview> {
      if (
        !input ||
        typeof input.collection !== 'string' ||
        !NAME.test(input.collection) ||
        input.collection.startsWith('directus_')
      ) {
        throw errors.INVALID_PAYLOAD({
          reason: '"collection" must be a name of letters, digits and _ that does not start with directus_.',
        });
      }
      const schema = await store.get();
      if (schema.collections[input.collection] || (await knex.schema.hasTable(input.collection))) {
        throw errors.INVALID_PAYLOAD({ reason: `Collection "${input.collection}" already exists.` });
      }
      const fields = (input.fields ?? []).map(validateFieldInput);
      if (!fields.some((f) => f.schema?.is_primary_key)) {
        fields.unshift({
          field: 'id',
          type: 'integer',
          schema: { is_primary_key: true, has_auto_increment: true },
          meta: { hidden: true, readonly: true, interface: 'input' },
        });
      }
      const names = new Set<string>();
      for (const f of fields) {
        if (names.has(f.field)) throw errors.INVALID_PAYLOAD({ reason: `Field "${f.field}" is listed twice.` });
        names.add(f.field);
      }
      const rows = fields.map((f, i) => metaRow(input.collection, f, i + 1));
      checkGroups(
        new Map(
          fields.map((f, i) => [
            f.field,
            { special: specialOf(f.meta), group: (rows[i]!.group as string | null) ?? null },
          ]),
        ),
      );
      await knex.transaction(async (trx) => {
        await trx.schema.createTable(input.collection, (t) => fields.forEach((f) => addColumn(t, f)));
        await trx('directus_collections').insert({
          collection: input.collection,
          icon: null,
          note: null,
          hidden: false,
          singleton: false,
          sort_field: null,
          display_template: null,
          versioning: false,
          accountability: 'all',
          archive_field: null,
          archive_value: null,
          unarchive_value: null,
          archive_app_filter: true,
          ...collectionMetaRow(input.meta ?? {}, names),
        });
        await trx('directus_fields').insert(rows);
      });
      invalidate();
      return (await store.get()).collections[input.collection]!;
    },

    async deleteCollection(collection: string): Promise<void> {
      const schema = await store.get();
      const col = schema.collections[collection];
      if (!col || col.system) throw errors.FORBIDDEN();
      await knex.transaction(async (trx) => {
        await trx.schema.dropTableIfExists(collection);
        await trx('directus_fields').where({ collection }).delete();
        await trx('directus_collections').where({ collection }).delete();
        await trx('directus_permissions').where({ collection }).delete();
      });
      invalidate();
    },

    async updateCollectionMeta(collection: string, meta: NonNullable<CollectionInput['meta']>): Promise<void> {
      const schema = await store.get();
      if (!schema.collections[collection] || schema.collections[collection]!.system) throw errors.FORBIDDEN();
      const patch = collectionMetaRow(meta, new Set(Object.keys(schema.collections[collection]!.fields)));
      if (Object.keys(patch).length) await knex('directus_collections').where({ collection }).update(patch);
      invalidate();
    },

    async createField(collection: string, input: FieldInput): Promise<FieldOverview> {
      const schema = await store.get();
      const col = schema.collections[collection];
      if (!col || (col.system && !EXTENSIBLE_SYSTEM_COLLECTIONS.has(collection))) throw errors.FORBIDDEN();
      const f = validateFieldInput(input);
      if (col.fields[f.field])
        throw errors.INVALID_PAYLOAD({ reason: `Field "${f.field}" already exists in "${collection}".` });
      if (f.schema?.is_primary_key)
        throw errors.INVALID_PAYLOAD({
          reason: 'A collection has exactly one primary key, created with the collection.',
        });
      if (f.schema?.is_nullable === false && (f.schema.default_value ?? null) === null) {
        throw errors.INVALID_PAYLOAD({
          reason: `Field "${f.field}" is required on existing rows, so it needs a default_value.`,
        });
      }
      const row = metaRow(collection, f, Object.keys(col.fields).length + 1);
      checkGroups(
        groupsOf(col.fields).set(f.field, { special: specialOf(f.meta), group: (row.group as string | null) ?? null }),
      );
      await knex.transaction(async (trx) => {
        if (f.type !== 'alias') await trx.schema.alterTable(collection, (t) => addColumn(t, f));
        await trx('directus_fields').insert(row);
      });
      invalidate();
      return (await store.get()).collections[collection]!.fields[f.field]!;
    },

    async updateFieldMeta(
      collection: string,
      field: string,
      meta: NonNullable<FieldInput['meta']>,
    ): Promise<FieldOverview> {
      const schema = await store.get();
      const col = schema.collections[collection];
      if (!col || !col.fields[field] || (col.system && !isProjectField(collection, field))) throw errors.FORBIDDEN();
      const patch: Record<string, unknown> = {};
      if ('interface' in meta) patch.interface = meta.interface ?? null;
      if ('options' in meta) patch.options = meta.options ? JSON.stringify(meta.options) : null;
      if ('display' in meta) patch.display = meta.display ?? null;
      if ('display_options' in meta)
        patch.display_options = meta.display_options ? JSON.stringify(meta.display_options) : null;
      if ('special' in meta)
        patch.special = Array.isArray(meta.special) ? meta.special.join(',') : (meta.special ?? null);
      for (const k of ['readonly', 'hidden', 'required', 'sort', 'note'] as const)
        if (k in meta) patch[k] = (meta as any)[k];
      if ('width' in meta) patch.width = fieldWidth(meta.width);
      Object.assign(patch, validationColumns(meta), formColumns(meta));
      if ('group' in patch || 'special' in patch) {
        const current = col.fields[field]!;
        checkGroups(
          groupsOf(col.fields).set(field, {
            special: 'special' in patch ? specialOf(meta) : current.special,
            group: 'group' in patch ? (patch.group as string | null) : (current.group ?? null),
          }),
        );
      }
      if (Object.keys(patch).length) await knex('directus_fields').where({ collection, field }).update(patch);
      invalidate();
      return (await store.get()).collections[collection]!.fields[field]!;
    },

    async deleteField(collection: string, field: string): Promise<void> {
      const schema = await store.get();
      const col = schema.collections[collection];
      if (!col || !col.fields[field] || (col.system && !isProjectField(collection, field))) throw errors.FORBIDDEN();
      if (col.primary === field) throw errors.INVALID_PAYLOAD({ reason: 'The primary key cannot be deleted.' });
      await knex.transaction(async (trx) => {
        if (col.fields[field]!.type !== 'alias') await trx.schema.alterTable(collection, (t) => t.dropColumn(field));
        await trx('directus_fields').where({ collection, field }).delete();
        // As in Directus, the fields of a deleted group move up to the group it was in.
        await trx('directus_fields')
          .where({ collection, group: field })
          .update({ group: col.fields[field]!.group ?? null });
      });
      invalidate();
    },

    /**
     * Makes `collection.field` a many-to-one to `related` (or plain again with null), and with
     * `oneField` adds the one-to-many alias on `related` that lists these items (Directus's
     * `POST /relations` with `meta.one_field`). Clearing removes aliases that pointed back here.
     * `junctionField` (`meta.junction_field`, another field of this junction) makes that alias a
     * many-to-many one; it is not stored: `/relations` derives it from the alias.
     */
    async setRelation(
      collection: string,
      field: string,
      related: string | null,
      oneField?: string | null,
      deselect: 'nullify' | 'delete' = 'nullify',
      junctionField: string | null = null,
    ): Promise<void> {
      const schema = await store.get();
      const col = schema.collections[collection];
      const f = col?.fields[field];
      if (!col || col.system || !f) throw errors.FORBIDDEN();
      if (f.type === 'alias' || f.primary)
        throw errors.INVALID_PAYLOAD({
          reason: `"${field}" cannot hold a relation: it is ${f.primary ? 'the primary key' : 'an alias'}.`,
        });
      const target = related ? schema.collections[related] : undefined;
      // A many-to-one may point at users, files, roles or folders (a cover image, an owner), as in Directus.
      if (related && (!target || (target.system && !EXTENSIBLE_SYSTEM_COLLECTIONS.has(related))))
        throw errors.INVALID_PAYLOAD({ reason: `"${related}" is not a collection a relation can point to.` });
      if (oneField && target?.system)
        throw errors.INVALID_PAYLOAD({
          reason: `"meta.one_field" cannot add a list to the system collection "${related}".`,
        });
      if (oneField && (!target || !NAME.test(oneField) || target.fields[oneField]))
        throw errors.INVALID_PAYLOAD({ reason: `"meta.one_field" must be a new field name in "${related}".` });
      if (
        junctionField &&
        (!related ||
          junctionField === field ||
          !col.fields[junctionField] ||
          col.fields[junctionField]!.type === 'alias')
      )
        throw errors.INVALID_PAYLOAD({ reason: `"meta.junction_field" must be another field of "${collection}".` });
      await knex.transaction(async (trx) => {
        await trx('directus_fields').where({ collection, field }).update({ related_collection: related });
        if (f.relatedCollection) {
          // Aliases on the old target that listed these items through this field go with it.
          for (const alias of aliasesThrough(schema.collections[f.relatedCollection], collection, field)) {
            await trx('directus_fields').where({ collection: f.relatedCollection, field: alias.field }).delete();
          }
        }
        if (oneField && target) {
          // Through a junction (junction_field set) the alias is Directus's many-to-many one.
          const kind = junctionField
            ? { special: ['m2m'], interface: 'list-m2m' }
            : { special: ['o2m'], interface: 'list-o2m' };
          const input: FieldInput = {
            field: oneField,
            type: 'alias',
            meta: { ...kind, options: { field, ...(deselect === 'delete' ? { one_deselect_action: 'delete' } : {}) } },
            related_collection: collection,
          };
          await trx('directus_fields').insert(metaRow(target.collection, input, Object.keys(target.fields).length + 1));
        }
      });
      invalidate();
    },
  };
  return store;
}

export type SchemaStore = ReturnType<typeof createSchemaStore>;
