import type { Knex } from 'knex';
import type { Accountability } from '../auth/accountability.js';
import type { Permissions } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import type { CollectionInput, FieldInput, SchemaStore } from '../schema/schema-store.js';
import type { CollectionOverview, FieldOverview, SchemaOverview } from '../schema/types.js';
import { isSystemField } from '../schema/system-collections.js';

export interface SchemaKernel {
  schema: SchemaStore;
  permissions: Permissions;
  emitter: Emitter;
  /** The database hooks get in their context (optional: a kernel without one passes null). */
  knex?: Knex;
}

/** Directus's `{collection, meta, schema}` output shape. */
export function collectionOutput(c: CollectionOverview) {
  return {
    collection: c.collection,
    meta: {
      collection: c.collection,
      icon: c.icon,
      note: c.note,
      hidden: c.hidden,
      singleton: c.singleton,
      sort_field: c.sortField,
      display_template: c.displayTemplate,
      versioning: c.versioning,
      accountability: c.accountability,
      archive_field: c.archiveField,
      archive_value: c.archiveValue,
      unarchive_value: c.unarchiveValue,
      archive_app_filter: c.archiveAppFilter,
      system: c.system,
    },
    schema: { name: c.collection },
  };
}

export function fieldOutput(collection: string, f: FieldOverview) {
  return {
    collection,
    field: f.field,
    type: f.type,
    meta: {
      id: f.id ?? null,
      collection,
      field: f.field,
      interface: f.interface,
      options: f.options,
      display: f.display,
      display_options: f.displayOptions,
      special: f.special.length ? f.special : null,
      readonly: f.readonly,
      hidden: f.hidden,
      required: f.required,
      sort: f.sort,
      note: f.note,
      width: f.width ?? null,
      validation: f.validation,
      validation_message: f.validationMessage,
      group: f.group ?? null,
      conditions: f.conditions ?? null,
      translations: f.translations ?? null,
      // Directus's mark of a system collection's own field (a project's field on it has false).
      system: isSystemField(collection, f.field),
    },
    schema:
      f.type === 'alias'
        ? null
        : {
            name: f.field,
            table: collection,
            is_primary_key: f.primary,
            has_auto_increment: f.generated,
            is_nullable: f.nullable,
            is_unique: f.unique,
            default_value: f.defaultValue,
            foreign_key_table: f.relatedCollection,
          },
  };
}

async function visible(
  kernel: SchemaKernel,
  accountability: Accountability,
  schema: SchemaOverview,
): Promise<CollectionOverview[]> {
  const all = Object.values(schema.collections);
  if (accountability.admin) return all;
  const allowed = new Set((await kernel.permissions.list(accountability)).map((p) => p.collection));
  return all.filter((c) => allowed.has(c.collection));
}

function deselectAction(value: unknown): 'nullify' | 'delete' {
  if (value === undefined || value === null || value === 'nullify') return 'nullify';
  if (value === 'delete') return 'delete';
  throw errors.INVALID_PAYLOAD({ reason: '"meta.one_deselect_action" must be "nullify" or "delete".' });
}

function requireAdmin(accountability: Accountability): void {
  if (!accountability.admin) throw errors.FORBIDDEN();
}

export function createSchemaServices(kernel: SchemaKernel) {
  /**
   * The schema services' events as Directus emits them: a filter before the change (its result is
   * what is written), an action after it, both with the database, the schema and who acts.
   */
  const events = (accountability: Accountability) => {
    const context = async () => ({ database: kernel.knex ?? null, schema: await kernel.schema.get(), accountability });
    return {
      filter: async <T>(event: string, payload: T, meta: Record<string, unknown>): Promise<T> =>
        kernel.emitter.emitFilter(event, payload, meta, await context()),
      action: async (event: string, meta: Record<string, unknown>): Promise<void> => {
        void kernel.emitter.emitAction(event, meta, await context());
      },
    };
  };

  class CollectionsService {
    constructor(readonly options: { accountability: Accountability; schema?: SchemaOverview }) {}
    /** The collections the caller may see, through Directus's `collections.read` filter (a hook may hide some). */
    async readByQuery() {
      const list = (await visible(kernel, this.options.accountability, await kernel.schema.get())).map(
        collectionOutput,
      );
      return events(this.options.accountability).filter('collections.read', list, {
        query: {},
        collection: 'directus_collections',
      });
    }
    async readOne(collection: string) {
      const found = (await this.readByQuery()).find((c) => c.collection === collection);
      if (!found) throw errors.FORBIDDEN();
      return found;
    }
    async createOne(input: CollectionInput): Promise<string> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const payload = await on.filter('collections.create', input, { collection: 'directus_collections' });
      const created = await kernel.schema.createCollection(payload);
      await on.action('collections.create', { key: created.collection, payload, collection: 'directus_collections' });
      return created.collection;
    }
    async updateOne(collection: string, input: { meta?: CollectionInput['meta'] }): Promise<string> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const meta = { keys: [collection], collection: 'directus_collections' };
      const payload = await on.filter('collections.update', input ?? {}, meta);
      await kernel.schema.updateCollectionMeta(collection, payload?.meta ?? {});
      await on.action('collections.update', { ...meta, payload });
      return collection;
    }
    async deleteOne(collection: string): Promise<string> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const meta = { collection: 'directus_collections' };
      await on.filter('collections.delete', [collection], meta);
      await kernel.schema.deleteCollection(collection);
      await on.action('collections.delete', { ...meta, keys: [collection], payload: [collection] });
      return collection;
    }
  }

  class FieldsService {
    constructor(readonly options: { accountability: Accountability; schema?: SchemaOverview }) {}
    /** The fields the caller may see, through Directus's `fields.read` filter. */
    async readAll(collection?: string) {
      const cols = await visible(kernel, this.options.accountability, await kernel.schema.get());
      const list = cols
        .filter((c) => !collection || c.collection === collection)
        .flatMap((c) => Object.values(c.fields).map((f) => fieldOutput(c.collection, f)));
      return events(this.options.accountability).filter('fields.read', list, {
        query: {},
        collection: 'directus_fields',
      });
    }
    async readOne(collection: string, field: string) {
      const found = (await this.readAll(collection)).find((f) => f.field === field);
      if (!found) throw errors.FORBIDDEN();
      return found;
    }
    // The field's own collection is the events' `collection`, as in Directus.
    async createField(collection: string, input: FieldInput): Promise<void> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const payload = await on.filter('fields.create', input, { collection });
      await kernel.schema.createField(collection, payload);
      await on.action('fields.create', { key: payload.field, payload, collection });
    }
    async updateField(collection: string, input: { field: string; meta?: FieldInput['meta'] }): Promise<string> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const meta = { keys: [input.field], collection };
      const payload = await on.filter('fields.update', input, meta);
      await kernel.schema.updateFieldMeta(collection, input.field, payload?.meta ?? {});
      await on.action('fields.update', { ...meta, payload });
      return input.field;
    }
    async deleteField(collection: string, field: string): Promise<void> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      await on.filter('fields.delete', [field], { collection });
      await kernel.schema.deleteField(collection, field);
      await on.action('fields.delete', { keys: [field], payload: [field], collection });
    }
  }

  /** Directus's `/relations`: the many-to-one fields (read), made or cleared by an administrator. */
  class RelationsService {
    constructor(readonly options: { accountability: Accountability; schema?: SchemaOverview }) {}
    /** The project's relations the caller may see (the schema lists them; copies, the schema is shared). */
    async readAll(collection?: string) {
      const schema = await kernel.schema.get();
      const seen = new Set(
        (await visible(kernel, this.options.accountability, schema)).filter((c) => !c.system).map((c) => c.collection),
      );
      return structuredClone(
        schema.relations.filter((r) => seen.has(r.collection) && (!collection || r.collection === collection)),
      );
    }
    async readOne(collection: string, field: string) {
      const found = (await this.readAll(collection)).find((r) => r.field === field);
      if (!found) throw errors.FORBIDDEN();
      return found;
    }
    async createOne(input: {
      collection?: unknown;
      field?: unknown;
      related_collection?: unknown;
      meta?: { one_field?: unknown; one_deselect_action?: unknown; junction_field?: unknown } | null;
    }) {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      input = await on.filter('relations.create', input, { collection: 'directus_relations' });
      const { collection, field, related_collection: related } = input ?? {};
      if (typeof collection !== 'string' || typeof field !== 'string' || typeof related !== 'string')
        throw errors.INVALID_PAYLOAD({
          reason: '"collection", "field" and "related_collection" are required strings.',
        });
      const oneField = input.meta?.one_field;
      if (oneField !== undefined && oneField !== null && typeof oneField !== 'string')
        throw errors.INVALID_PAYLOAD({ reason: '"meta.one_field" must be a string.' });
      const junction = input.meta?.junction_field;
      if (junction !== undefined && junction !== null && typeof junction !== 'string')
        throw errors.INVALID_PAYLOAD({ reason: '"meta.junction_field" must be a string.' });
      await kernel.schema.setRelation(
        collection,
        field,
        related,
        oneField ?? null,
        deselectAction(input.meta?.one_deselect_action),
        junction ?? null,
      );
      await on.action('relations.create', {
        key: `${collection}.${field}`,
        payload: input,
        collection: 'directus_relations',
      });
      return this.readOne(collection, field);
    }
    /** Directus's `PATCH /relations/:collection/:field`: `meta.one_deselect_action` of the one-to-many alias. */
    async updateOne(collection: string, field: string, input: { meta?: { one_deselect_action?: unknown } | null }) {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const meta = { keys: [`${collection}.${field}`], collection: 'directus_relations' };
      input = await on.filter('relations.update', input, meta);
      const relation = await this.readOne(collection, field);
      const action = input?.meta?.one_deselect_action;
      if (action !== undefined) {
        const deselect = deselectAction(action);
        if (!relation.meta.one_field)
          throw errors.INVALID_PAYLOAD({
            reason:
              '"meta.one_deselect_action" needs a one-to-many field ("meta.one_field") on the related collection.',
          });
        const alias = (await kernel.schema.get()).collections[relation.related_collection!]!.fields[
          relation.meta.one_field
        ]!;
        await kernel.schema.updateFieldMeta(relation.related_collection!, alias.field, {
          options: { ...(alias.options ?? {}), one_deselect_action: deselect },
        });
      }
      await on.action('relations.update', { ...meta, payload: input });
      return this.readOne(collection, field);
    }
    async deleteOne(collection: string, field: string): Promise<void> {
      requireAdmin(this.options.accountability);
      const on = events(this.options.accountability);
      const keys = [`${collection}.${field}`];
      await this.readOne(collection, field);
      await on.filter('relations.delete', keys, { collection: 'directus_relations' });
      await kernel.schema.setRelation(collection, field, null);
      await on.action('relations.delete', { keys, payload: keys, collection: 'directus_relations' });
    }
  }

  return { CollectionsService, FieldsService, RelationsService };
}
