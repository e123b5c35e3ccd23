import type { Accountability, Item, PrimaryKey } from '../types/accountability.js';
import type { Query } from '../types/query.js';
import type { ExtensionServices, ItemsService, MutationOptions, ServiceOptions } from '../types/services.js';
import type { ItemsStore } from './items-store.js';

/** Hook dispatch the in-memory services use to emit Directus item events. */
export interface ServiceEvents {
  filter(
    events: string[],
    payload: unknown,
    meta: Record<string, unknown>,
    accountability: Accountability | null,
  ): Promise<unknown>;
  action(events: string[], meta: Record<string, unknown>, accountability: Accountability | null): Promise<void>;
}

function unsupported(name: string): never {
  throw Object.assign(new Error(`${name} is not available in the test harness`), {
    code: 'SDK_HARNESS_UNSUPPORTED',
    status: 501,
  });
}

function eventNames(collection: string, op: string): string[] {
  return collection.startsWith('directus_')
    ? [`${collection.slice(9)}.${op}`]
    : [`items.${op}`, `${collection}.items.${op}`];
}

/** Creates `services` whose ItemsService works on the harness's in-memory store and emits events. */
export function createMemoryServices(store: ItemsStore, events: ServiceEvents): ExtensionServices {
  class MemoryItemsService<T extends Item = Item> implements ItemsService<T> {
    readonly collection: string;
    private readonly accountability: Accountability | null;
    constructor(collection: string, options: ServiceOptions) {
      this.collection = collection;
      this.accountability = options?.accountability ?? null;
    }
    private async mutate(
      op: 'create' | 'update' | 'delete',
      payload: unknown,
      meta: Record<string, unknown>,
      opts: MutationOptions | undefined,
      apply: (payload: unknown) => PrimaryKey[],
    ): Promise<PrimaryKey[]> {
      const emit = opts?.emitEvents !== false;
      const names = eventNames(this.collection, op);
      const final = emit
        ? await events.filter(names, payload, { ...meta, collection: this.collection }, this.accountability)
        : payload;
      const keys = apply(final);
      if (emit)
        await events.action(
          names,
          {
            ...meta,
            collection: this.collection,
            payload: final,
            keys,
            ...(keys.length === 1 ? { key: keys[0] } : {}),
          },
          this.accountability,
        );
      return keys;
    }
    async readByQuery(query: Query): Promise<T[]> {
      return store.query(this.collection, query) as T[];
    }
    async readOne(key: PrimaryKey, query: Query = {}): Promise<T> {
      const pk = store.primary(this.collection);
      const [row] = store.query(this.collection, {
        ...query,
        filter: { _and: [{ [pk]: { _eq: key } }, ...(query.filter ? [query.filter] : [])] },
        limit: 1,
      });
      if (!row)
        throw Object.assign(new Error(`You don't have permission to access this.`), { code: 'FORBIDDEN', status: 403 });
      return row as T;
    }
    async readMany(keys: PrimaryKey[], query: Query = {}): Promise<T[]> {
      const pk = store.primary(this.collection);
      return store.query(this.collection, {
        ...query,
        filter: { _and: [{ [pk]: { _in: keys } }, ...(query.filter ? [query.filter] : [])] },
      }) as T[];
    }
    async readSingleton(query: Query): Promise<Partial<T>> {
      return (store.query(this.collection, { ...query, limit: 1 })[0] ?? {}) as Partial<T>;
    }
    async createOne(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey> {
      const [key] = await this.mutate('create', data, {}, opts, (p) => [store.create(this.collection, p as Item)]);
      return key!;
    }
    async createMany(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]> {
      const keys: PrimaryKey[] = [];
      for (const item of data) keys.push(await this.createOne(item, opts));
      return keys;
    }
    async updateOne(key: PrimaryKey, data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey> {
      await this.mutate('update', data, { keys: [key] }, opts, (p) => [store.update(this.collection, key, p as Item)]);
      return key;
    }
    async updateMany(keys: PrimaryKey[], data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey[]> {
      return this.mutate('update', data, { keys }, opts, (p) =>
        keys.map((k) => store.update(this.collection, k, p as Item)),
      );
    }
    async updateByQuery(query: Query, data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey[]> {
      const pk = store.primary(this.collection);
      const keys = store.query(this.collection, { ...query, limit: -1 }).map((r) => r[pk] as PrimaryKey);
      return this.updateMany(keys, data, opts);
    }
    async updateBatch(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]> {
      const pk = store.primary(this.collection);
      const keys: PrimaryKey[] = [];
      for (const item of data) keys.push(await this.updateOne(item[pk] as PrimaryKey, item, opts));
      return keys;
    }
    async upsertOne(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey> {
      const key = data[store.primary(this.collection)] as PrimaryKey | undefined;
      return key !== undefined && store.get(this.collection, key)
        ? this.updateOne(key, data, opts)
        : this.createOne(data, opts);
    }
    async upsertMany(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]> {
      const keys: PrimaryKey[] = [];
      for (const item of data) keys.push(await this.upsertOne(item, opts));
      return keys;
    }
    async upsertSingleton(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey> {
      const existing = store.query(this.collection, { limit: 1 })[0];
      return existing
        ? this.updateOne(existing[store.primary(this.collection)] as PrimaryKey, data, opts)
        : this.createOne(data, opts);
    }
    async deleteOne(key: PrimaryKey, opts?: MutationOptions): Promise<PrimaryKey> {
      await this.mutate('delete', [key], { keys: [key] }, opts, () => [store.delete(this.collection, key)]);
      return key;
    }
    async deleteMany(keys: PrimaryKey[], opts?: MutationOptions): Promise<PrimaryKey[]> {
      return this.mutate('delete', keys, { keys }, opts, () => keys.map((k) => store.delete(this.collection, k)));
    }
    async deleteByQuery(query: Query, opts?: MutationOptions): Promise<PrimaryKey[]> {
      const pk = store.primary(this.collection);
      return this.deleteMany(
        store.query(this.collection, { ...query, limit: -1 }).map((r) => r[pk] as PrimaryKey),
        opts,
      );
    }
  }

  const system = (collection: string) =>
    class extends MemoryItemsService {
      constructor(options: ServiceOptions) {
        super(collection, options);
      }
    };

  return {
    ItemsService: MemoryItemsService,
    FieldsService: class {
      async readAll() {
        return unsupported('FieldsService');
      }
      async readOne() {
        return unsupported('FieldsService');
      }
      async createField() {
        return unsupported('FieldsService');
      }
      async updateField() {
        return unsupported('FieldsService');
      }
      async deleteField() {
        return unsupported('FieldsService');
      }
    },
    CollectionsService: class {
      async readByQuery() {
        return store.collections().map((collection) => ({ collection, meta: null, schema: { name: collection } }));
      }
      async readOne(collection: string) {
        return { collection, meta: null, schema: { name: collection } };
      }
      async readMany(collections: string[]) {
        return collections.map((collection) => ({ collection, meta: null, schema: { name: collection } }));
      }
      async createOne() {
        return unsupported('CollectionsService.createOne');
      }
      async updateOne() {
        return unsupported('CollectionsService.updateOne');
      }
      async deleteOne() {
        return unsupported('CollectionsService.deleteOne');
      }
    },
    UsersService: system('directus_users') as unknown as ExtensionServices['UsersService'],
    RolesService: system('directus_roles') as unknown as ExtensionServices['RolesService'],
    FilesService: class extends system('directus_files') {
      async uploadOne() {
        return unsupported('FilesService.uploadOne');
      }
      async importOne() {
        return unsupported('FilesService.importOne');
      }
    } as unknown as ExtensionServices['FilesService'],
    PermissionsService: system('directus_permissions') as unknown as ExtensionServices['PermissionsService'],
    ActivityService: system('directus_activity'),
    RevisionsService: system('directus_revisions'),
    NotificationsService: system('directus_notifications'),
    SettingsService: system('directus_settings'),
    RelationsService: system('directus_relations'),
    FlowsService: system('directus_flows'),
    OperationsService: system('directus_operations'),
    MailService: class {
      async send() {
        return unsupported('MailService.send');
      }
    },
  };
}
