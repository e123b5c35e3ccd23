import type { Accountability, Item, PrimaryKey } from './accountability.js';
import type { Database } from './database.js';
import type { Query } from './query.js';
import type { FieldOverview, FieldType, SchemaOverview } from './schema.js';

/** Options every Directus service constructor takes. */
export interface ServiceOptions {
  schema: SchemaOverview;
  accountability?: Accountability | null;
  knex?: Database;
}

/** Per-call options of mutations (`emitEvents: false` skips hooks, as in Directus). */
export interface MutationOptions {
  emitEvents?: boolean;
  autoPurgeCache?: boolean;
  bypassLimits?: boolean;
}

/** Directus `ItemsService`: CRUD on one collection with the caller's permissions. */
export interface ItemsService<T extends Item = Item> {
  readonly collection: string;
  readByQuery(query: Query, opts?: { emitEvents?: boolean }): Promise<T[]>;
  readOne(key: PrimaryKey, query?: Query, opts?: { emitEvents?: boolean }): Promise<T>;
  readMany(keys: PrimaryKey[], query?: Query, opts?: { emitEvents?: boolean }): Promise<T[]>;
  readSingleton(query: Query, opts?: { emitEvents?: boolean }): Promise<Partial<T>>;
  createOne(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey>;
  createMany(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]>;
  updateOne(key: PrimaryKey, data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey>;
  updateMany(keys: PrimaryKey[], data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey[]>;
  updateByQuery(query: Query, data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey[]>;
  updateBatch(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]>;
  upsertOne(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey>;
  upsertMany(data: Partial<T>[], opts?: MutationOptions): Promise<PrimaryKey[]>;
  upsertSingleton(data: Partial<T>, opts?: MutationOptions): Promise<PrimaryKey>;
  deleteOne(key: PrimaryKey, opts?: MutationOptions): Promise<PrimaryKey>;
  deleteMany(keys: PrimaryKey[], opts?: MutationOptions): Promise<PrimaryKey[]>;
  deleteByQuery(query: Query, opts?: MutationOptions): Promise<PrimaryKey[]>;
}

export interface ItemsServiceConstructor {
  new <T extends Item = Item>(collection: string, options: ServiceOptions): ItemsService<T>;
}

/** A field definition as FieldsService reads and writes it. */
export interface Field {
  collection: string;
  field: string;
  type: FieldType | null;
  schema:
    | (Partial<FieldOverview> & { is_primary_key?: boolean; is_nullable?: boolean; default_value?: unknown })
    | null;
  meta: {
    interface?: string | null;
    display?: string | null;
    options?: Record<string, unknown> | null;
    hidden?: boolean;
    readonly?: boolean;
    required?: boolean;
    note?: string | null;
    special?: string[] | null;
    sort?: number | null;
    width?: 'half' | 'half-left' | 'half-right' | 'full' | 'fill' | null;
  } | null;
}

export interface FieldsService {
  readAll(collection?: string): Promise<Field[]>;
  readOne(collection: string, field: string): Promise<Field>;
  createField(collection: string, field: Partial<Field> & { field: string }, opts?: MutationOptions): Promise<void>;
  updateField(collection: string, field: Partial<Field> & { field: string }, opts?: MutationOptions): Promise<string>;
  deleteField(collection: string, field: string, opts?: MutationOptions): Promise<void>;
}
export interface FieldsServiceConstructor {
  new (options: ServiceOptions): FieldsService;
}

export interface Collection {
  collection: string;
  meta: {
    icon?: string | null;
    note?: string | null;
    hidden?: boolean;
    singleton?: boolean;
    sort_field?: string | null;
    [key: string]: unknown;
  } | null;
  schema: { name: string; comment?: string | null } | null;
  fields?: Partial<Field>[];
}

export interface CollectionsService {
  readByQuery(): Promise<Collection[]>;
  readOne(collection: string): Promise<Collection>;
  readMany(collections: string[]): Promise<Collection[]>;
  createOne(payload: Partial<Collection> & { collection: string }, opts?: MutationOptions): Promise<string>;
  updateOne(collection: string, data: Partial<Collection>, opts?: MutationOptions): Promise<string>;
  deleteOne(collection: string, opts?: MutationOptions): Promise<string>;
}
export interface CollectionsServiceConstructor {
  new (options: ServiceOptions): CollectionsService;
}

export interface User extends Item {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  role: string | null;
  status: 'active' | 'invited' | 'draft' | 'suspended' | 'archived';
}
export interface Role extends Item {
  id: string;
  name: string;
  icon: string;
  description: string | null;
  admin_access?: boolean;
  app_access?: boolean;
}
export interface FileRecord extends Item {
  id: string;
  storage: string;
  filename_disk: string | null;
  filename_download: string;
  title: string | null;
  type: string | null;
  filesize: number;
}
export interface Permission extends Item {
  id: number;
  collection: string;
  action: 'create' | 'read' | 'update' | 'delete' | 'share';
  permissions: Record<string, unknown> | null;
  fields: string[] | null;
}

export interface FilesService extends ItemsService<FileRecord> {
  uploadOne(stream: AsyncIterable<Uint8Array>, data: Partial<FileRecord>, primaryKey?: PrimaryKey): Promise<PrimaryKey>;
  importOne(url: string, body: Partial<FileRecord>): Promise<PrimaryKey>;
}

export interface MailService {
  send(options: {
    to: string | string[];
    subject: string;
    html?: string;
    text?: string;
    from?: string;
    template?: { name: string; data: Record<string, unknown> };
  }): Promise<void>;
}

/** A system service whose constructor takes only options (Directus convention). */
export interface SystemServiceConstructor<S> {
  new (options: ServiceOptions): S;
}

/** The `services` namespace of the API context: the common Directus services, typed. */
export interface ExtensionServices {
  ItemsService: ItemsServiceConstructor;
  FieldsService: FieldsServiceConstructor;
  CollectionsService: CollectionsServiceConstructor;
  UsersService: SystemServiceConstructor<ItemsService<User>>;
  RolesService: SystemServiceConstructor<ItemsService<Role>>;
  FilesService: SystemServiceConstructor<FilesService>;
  PermissionsService: SystemServiceConstructor<ItemsService<Permission>>;
  ActivityService: SystemServiceConstructor<ItemsService>;
  RevisionsService: SystemServiceConstructor<ItemsService>;
  NotificationsService: SystemServiceConstructor<ItemsService>;
  SettingsService: SystemServiceConstructor<ItemsService>;
  RelationsService: SystemServiceConstructor<ItemsService>;
  FlowsService: SystemServiceConstructor<ItemsService>;
  OperationsService: SystemServiceConstructor<ItemsService>;
  MailService: SystemServiceConstructor<MailService>;
}
