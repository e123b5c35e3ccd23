import { createHash } from 'node:crypto';
import { systemAccountability } from '../auth/accountability.js';
import { grantsField } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { Item, ItemsKernel, ItemsService, MutationOptions, PrimaryKey } from './items.js';
import type { Query } from './query.js';
import type { ServiceOptions } from './namespace.js';

type ItemsServiceClass = new (collection: string, options?: ServiceOptions) => ItemsService;

/** Keys a version is never given: the app's name for the item itself, and Directus's reserved one. */
const RESERVED_KEYS = new Set(['main', 'published']);
const KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** A value as stable JSON: object keys sorted, so equal items hash equally. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw errors.INVALID_PAYLOAD({ reason: `${what} must be an object.` });
  return value as Record<string, unknown>;
}

/** What a version is compared with: whether the item changed since the version was made, and both sides. */
export interface VersionComparison {
  outdated: boolean;
  mainHash: string;
  current: Record<string, unknown>;
  main: Item;
}

/**
 * Directus's VersionsService: content versions of items in collections with `meta.versioning`.
 * A version holds a `delta` (the fields changed, saved with `save`) under a `key` per item;
 * `promote` writes the delta (or some of its fields) onto the item, with the caller's rights,
 * if the item did not change since (`mainHash`). Every step runs with the caller's permissions:
 * on directus_versions for the version, on the collection for the item.
 */
export interface VersionsService extends ItemsService {
  mainHash(collection: string, item: PrimaryKey): Promise<string>;
  save(id: PrimaryKey, delta: unknown): Promise<Item>;
  compare(id: PrimaryKey): Promise<VersionComparison>;
  promote(id: PrimaryKey, mainHash: unknown, fields?: unknown): Promise<PrimaryKey>;
  readItem(collection: string, item: PrimaryKey, key: string, query?: Query): Promise<Item>;
}
export type VersionsServiceClass = new (options?: ServiceOptions) => VersionsService;

export function defineVersionsService(kernel: ItemsKernel, Items: ItemsServiceClass): VersionsServiceClass {
  /** The item service of `collection` acting as `service` does (same caller, schema and transaction). */
  const itemsLike = (service: ItemsService, collection: string): ItemsService =>
    new Items(collection, { accountability: service.accountability, schema: service.schema, knex: service.knex });

  return class extends Items implements VersionsService {
    constructor(options: ServiceOptions = {}) {
      super('directus_versions', options);
    }

    /** The item as the host reads it, hashed: what a version's `hash` and a promotion's `mainHash` are. */
    async mainHash(collection: string, item: PrimaryKey): Promise<string> {
      const system = new Items(collection, {
        accountability: systemAccountability('versions'),
        schema: this.schema,
        knex: this.knex,
      });
      const row = await system.readOne(item);
      return createHash('sha256').update(stable(row)).digest('hex');
    }

    override async createOne(data: Item, opts: MutationOptions = {}): Promise<PrimaryKey> {
      const input = plainObject(data, 'A version');
      const unknown = Object.keys(input).filter((k) => !['key', 'name', 'collection', 'item'].includes(k));
      if (unknown.length)
        throw errors.INVALID_PAYLOAD({
          reason: `A version is made of key, name, collection and item (not ${unknown.join(', ')}).`,
        });
      const { key, name = null, collection, item } = input;
      if (typeof key !== 'string' || !KEY.test(key))
        throw errors.INVALID_PAYLOAD({ reason: '"key" must be 1 to 64 letters, digits, "_" or "-".' });
      if (RESERVED_KEYS.has(key)) throw errors.INVALID_PAYLOAD({ reason: `"${key}" is a reserved version key.` });
      if (name !== null && typeof name !== 'string')
        throw errors.INVALID_PAYLOAD({ reason: '"name" must be a string.' });
      if (typeof collection !== 'string' || (typeof item !== 'string' && typeof item !== 'number'))
        throw errors.INVALID_PAYLOAD({ reason: '"collection" and "item" are required.' });
      this.schema ??= await kernel.schema.get();
      const col = this.schema.collections[collection];
      if (!col || col.system) throw errors.FORBIDDEN();
      if (!col.versioning)
        throw errors.UNPROCESSABLE_CONTENT({
          reason: `Content Versioning is not enabled for collection "${collection}".`,
        });
      // The caller must be able to read the item a version is made of.
      await itemsLike(this, collection).readOne(item, { fields: [col.primary] });
      const existing = await this.readByQuery({
        filter: { collection: { _eq: collection }, item: { _eq: String(item) }, key: { _eq: key } },
        fields: ['id'],
        limit: 1,
      }).catch(() => []);
      if (existing.length)
        throw errors.UNPROCESSABLE_CONTENT({
          reason: `Version "${key}" already exists for item "${item}" in collection "${collection}".`,
        });
      const hash = await this.mainHash(collection, item);
      return super.createOne({ key, name, collection, item: String(item), hash }, opts);
    }

    override async createMany(data: Item[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
      if (!Array.isArray(data)) throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of versions.' });
      const keys: PrimaryKey[] = [];
      for (const one of data) keys.push(await this.createOne(one, opts));
      return keys;
    }

    /** A version's key and name may change; its item, collection, hash and delta are the host's to keep. */
    override async updateMany(keys: PrimaryKey[], data: Item, opts: MutationOptions = {}): Promise<PrimaryKey[]> {
      const input = plainObject(data, 'A version update');
      const unknown = Object.keys(input).filter((k) => k !== 'key' && k !== 'name');
      if (unknown.length)
        throw errors.INVALID_PAYLOAD({ reason: `Only a version's key and name change (not ${unknown.join(', ')}).` });
      if ('key' in input) {
        if (typeof input.key !== 'string' || !KEY.test(input.key))
          throw errors.INVALID_PAYLOAD({ reason: '"key" must be 1 to 64 letters, digits, "_" or "-".' });
        if (RESERVED_KEYS.has(input.key))
          throw errors.INVALID_PAYLOAD({ reason: `"${input.key}" is a reserved version key.` });
      }
      return super.updateMany(keys, input, opts);
    }

    /**
     * Adds `delta` to the version's saved changes (later saves win per field) and returns the item
     * as the version has it. The caller must be allowed to update those fields of the item.
     */
    async save(id: PrimaryKey, delta: unknown): Promise<Item> {
      const changes = plainObject(delta, 'The changes');
      const version = await super.readOne(id);
      const collection = String(version.collection);
      this.schema ??= await kernel.schema.get();
      const col = this.schema.collections[collection];
      if (!col) throw errors.FORBIDDEN();
      const grant = await kernel.permissions.require(this.accountability, collection, 'update', this.knex);
      for (const field of Object.keys(changes)) {
        if (!col.fields[field] || field === col.primary)
          throw errors.INVALID_PAYLOAD({
            reason: `"${field}" is not a field of "${collection}" a version can change.`,
          });
        if (!grantsField(grant.fields, field)) throw errors.FORBIDDEN();
      }
      const merged = { ...((version.delta as Record<string, unknown> | null) ?? {}), ...changes };
      await super.updateMany([id], { delta: merged });
      return { ...(await itemsLike(this, collection).readOne(String(version.item))), ...merged };
    }

    async compare(id: PrimaryKey): Promise<VersionComparison> {
      const version = await super.readOne(id);
      const collection = String(version.collection);
      const item = String(version.item);
      const main = await itemsLike(this, collection).readOne(item);
      const mainHash = await this.mainHash(collection, item);
      return {
        outdated: version.hash !== mainHash,
        mainHash,
        current: (version.delta as Record<string, unknown> | null) ?? {},
        main,
      };
    }

    /**
     * Writes the version's changes (only `fields`, when given) onto its item, with Directus's
     * `items.promote` filter and action around the update. Refused when the item changed since
     * `mainHash` was read (compare first).
     */
    async promote(id: PrimaryKey, mainHash: unknown, fields?: unknown): Promise<PrimaryKey> {
      if (typeof mainHash !== 'string') throw errors.INVALID_PAYLOAD({ reason: '"mainHash" field is required.' });
      if (fields !== undefined && (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')))
        throw errors.INVALID_PAYLOAD({ reason: '"fields" must be a list of field names.' });
      const version = await super.readOne(id);
      const collection = String(version.collection);
      const item = String(version.item);
      const delta = (version.delta as Record<string, unknown> | null) ?? {};
      const chosen = fields ? Object.fromEntries(Object.entries(delta).filter(([k]) => fields.includes(k))) : delta;
      if (Object.keys(chosen).length === 0) throw errors.UNPROCESSABLE_CONTENT({ reason: 'No changes to promote.' });
      const current = await this.mainHash(collection, item);
      if (current !== mainHash)
        throw errors.UNPROCESSABLE_CONTENT(
          { reason: 'The item changed since this version was compared with it.' },
          { details: { mainHash: current } },
        );
      const schema = (this.schema ??= await kernel.schema.get());
      const context = { database: this.knex, schema, accountability: this.accountability };
      const events = ['items.promote', `${collection}.items.promote`];
      const payload = await kernel.emitter.emitFilter(events, chosen, { collection, item, version: id }, context);
      const key = await itemsLike(this, collection).updateOne(item, payload as Item);
      void kernel.emitter.emitAction(events, { payload, collection, item: key, version: id }, context);
      return key;
    }

    /** The item with the changes of its version `key`: what `?version=key` reads. Only fields the read answered are replaced. */
    async readItem(collection: string, item: PrimaryKey, key: string, query: Query = {}): Promise<Item> {
      const main = await itemsLike(this, collection).readOne(item, query);
      if (key === 'main') return main;
      const [version] = await this.readByQuery({
        filter: { collection: { _eq: collection }, item: { _eq: String(item) }, key: { _eq: key } },
        fields: ['delta'],
        limit: 1,
      });
      if (!version) throw errors.FORBIDDEN();
      const delta = (version.delta as Record<string, unknown> | null) ?? {};
      const out: Item = { ...main };
      for (const [field, value] of Object.entries(delta)) if (Object.hasOwn(main, field)) out[field] = value;
      return out;
    }
  };
}
