import { systemAccountability, type Accountability } from '../auth/accountability.js';
import type { SchemaOverview } from '../schema/types.js';
import { ItemsService, type ItemsKernel, type ItemsServiceOptions } from './items.js';
import { createSchemaServices, type SchemaKernel } from './schema-services.js';
import { createSchemaServiceClass } from './schema-service.js';
import type { Knex } from 'knex';
import { errors } from '../errors.js';
import type { MailMessage, MailReceipt, Mailer } from '../mail/mailer.js';
import { FilesService as BaseFilesService } from '../files/files-service.js';
import type { AssetCache } from '../files/asset-cache.js';
import { createAssetsService, type TransformationParams } from '../files/assets-service.js';
import { readAssetSettings, transformGateFor } from '../files/transform.js';
import type { Item, PrimaryKey } from './items.js';
import type { Readable } from 'node:stream';
import type { Storage } from '../files/storage.js';
import { createSpecificationService, type OpenApiDocument } from './specification.js';
import { sortItems } from './utils.js';
import { listExtensions } from '../extensions/describe.js';
import type { ExtensionManager } from '../extensions/manager.js';
import { defineVersionsService, type VersionsServiceClass } from './versions.js';
// The Directus version this host answers as (`/server/info`, OpenAPI documents, schema snapshots).
import { SNAPSHOT_DIRECTUS_VERSION as DIRECTUS_VERSION } from '../schema/snapshot.js';

/** The settings `/server/info` tells anyone (Directus's `project`: what the sign-in page shows). */
const PROJECT_INFO = [
  'project_name',
  'project_descriptor',
  'project_logo',
  'project_color',
  'default_appearance',
  'default_theme_light',
  'default_theme_dark',
  'default_language',
  'public_foreground',
  'public_background',
  'public_favicon',
  'public_note',
  'custom_css',
] as const;

/** Transformation limits of a services namespace built without a host configuration (unit tests). */
const DEFAULT_FILES = {
  transformMaxDimension: 6000,
  transformMaxConcurrent: 4,
  transformMaxOperations: 5,
  transformTimeoutMs: 7500,
};

export interface ServiceOptions {
  accountability?: Accountability | null;
  schema?: SchemaOverview;
  knex?: Knex;
  /** Items the reads of this service may return in all (GraphQL shares one per request). */
  rowBudget?: { left: number };
}

/**
 * Builds the `services` namespace handed to extensions. `nullAs` decides what a missing
 * accountability means: kernel code passes `reject`; trusted extension contexts map it to an
 * explicit system accountability attributed to the extension (Directus treats null as admin).
 */
export function createServices(
  kernel: ItemsKernel &
    SchemaKernel & {
      mailer?: Mailer;
      storage?: Storage;
      maxUploadBytes?: number;
      assetCache?: AssetCache | undefined;
      config?: { files?: typeof DEFAULT_FILES };
    },
  nullAs: 'reject' | { origin: string },
): Services {
  const resolve = (accountability: Accountability | null | undefined): Accountability => {
    if (accountability) return accountability;
    if (nullAs === 'reject') throw new TypeError('services need an explicit accountability');
    return systemAccountability(nullAs.origin);
  };
  const opts = (o: ServiceOptions = {}): ItemsServiceOptions => ({
    accountability: resolve(o.accountability),
    schema: o.schema,
    knex: o.knex,
    ...(o.rowBudget ? { rowBudget: o.rowBudget } : {}),
  });

  class BoundItemsService extends ItemsService {
    constructor(collection: string, options: ServiceOptions = {}) {
      super(kernel, collection, opts(options));
    }
  }

  const fixed = (collection: string) =>
    class extends BoundItemsService {
      constructor(options: ServiceOptions = {}) {
        super(collection, options);
      }
    };

  const schemaServices = createSchemaServices(kernel);
  class CollectionsService extends schemaServices.CollectionsService {
    constructor(options: ServiceOptions = {}) {
      super({ accountability: resolve(options.accountability), schema: options.schema });
    }
  }
  class FieldsService extends schemaServices.FieldsService {
    constructor(options: ServiceOptions = {}) {
      super({ accountability: resolve(options.accountability), schema: options.schema });
    }
  }
  class RelationsService extends schemaServices.RelationsService {
    constructor(options: ServiceOptions = {}) {
      super({ accountability: resolve(options.accountability), schema: options.schema });
    }
  }

  const BaseSchemaService = createSchemaServiceClass(kernel);
  /** Directus's SchemaService: snapshot, diff and apply the project's schema (administrators only). */
  class SchemaService extends BaseSchemaService {
    constructor(options: ServiceOptions = {}) {
      super({ accountability: resolve(options.accountability) });
    }
  }

  /** Directus's FilesService: rows of directus_files plus their bytes in storage. */
  class FilesService extends BaseFilesService {
    constructor(options: ServiceOptions = {}) {
      if (!kernel.storage)
        throw errors.SERVICE_UNAVAILABLE({ service: 'files', reason: 'This host has no file storage.' });
      super(
        { ...kernel, storage: kernel.storage, maxUploadBytes: kernel.maxUploadBytes ?? 100 * 1024 * 1024 },
        opts(options),
      );
    }
  }

  /** Directus's AssetsService: a file's bytes (transformed as `/assets` would) through FilesService's permissions. */
  const files = kernel.config?.files ?? DEFAULT_FILES;
  const AssetsService = createAssetsService((options) => new FilesService(options as ServiceOptions), {
    maxDimension: files.transformMaxDimension,
    maxOperations: files.transformMaxOperations,
    timeoutMs: files.transformTimeoutMs,
    gate: transformGateFor(files),
    cache: kernel.assetCache,
    settings: () =>
      readAssetSettings(new BoundItemsService('directus_settings', { accountability: systemAccountability('assets') })),
  });

  /** Directus's MailService: `new MailService({ schema, knex }).send({ to, subject, html | text })`. */
  class MailService {
    constructor(_options: ServiceOptions = {}) {}
    async send(message: MailMessage): Promise<MailReceipt> {
      if (!kernel.mailer) throw errors.SERVICE_UNAVAILABLE({ service: 'mail', reason: 'This host has no mailer.' });
      // Directus's `email.send` filter: hooks may rewrite (or, by throwing, stop) the message.
      const filtered = await kernel.emitter.emitFilter('email.send', { ...message }, {});
      return kernel.mailer.send(filtered);
    }
  }

  /** Directus's UtilsService: `.sort(collection, { item, to })` moves an item in the manual order. */
  class UtilsService {
    private readonly accountability: Accountability;
    constructor(options: ServiceOptions = {}) {
      this.accountability = resolve(options.accountability);
    }
    sort(collection: string, body: { item: string | number; to: string | number }): Promise<void> {
      return sortItems(kernel, this.accountability, collection, body);
    }
  }

  // The Directus version /server/info reports; an OpenAPI document's info.version.
  const SpecificationService = createSpecificationService(kernel, resolve, { version: DIRECTUS_VERSION });

  /**
   * Directus's ExtensionsService: `readAll()` / `readOne(id)`, the extensions as `GET /extensions`
   * lists them to the caller (every detail to an administrator).
   */
  class ExtensionsService {
    readonly accountability: Accountability;
    constructor(options: ServiceOptions = {}) {
      this.accountability = resolve(options.accountability);
    }
    async readAll(): Promise<Record<string, unknown>[]> {
      // The manager exists once the host loaded its extensions (this namespace is made before).
      const manager = (kernel as { extensions?: ExtensionManager }).extensions;
      if (!manager)
        throw errors.SERVICE_UNAVAILABLE({ service: 'extensions', reason: 'Extensions are not loaded yet.' });
      if (!this.accountability.user && !this.accountability.admin) throw errors.FORBIDDEN();
      return listExtensions(manager, kernel.knex, this.accountability.admin, this.accountability);
    }
    async readOne(id: string): Promise<Record<string, unknown>> {
      // By its row's id, as Directus, or by its package name.
      const found = (await this.readAll()).find(
        (e) => e.id === id || (e.schema as { name?: string } | null | undefined)?.name === id,
      );
      if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id });
      return found;
    }
  }

  /** Directus's ServerService: `serverInfo()`, what `/server/info` answers the caller. */
  class ServerService {
    readonly accountability: Accountability;
    constructor(options: ServiceOptions = {}) {
      this.accountability = resolve(options.accountability);
    }
    async serverInfo(): Promise<Record<string, unknown>> {
      const settings = new BoundItemsService('directus_settings', { accountability: systemAccountability('server') });
      const row = await settings.readSingleton({ fields: [...PROJECT_INFO] });
      const project: Record<string, unknown> = Object.fromEntries(PROJECT_INFO.map((f) => [f, row[f] ?? null]));
      project.project_name ||= 'Annex';
      project.default_language ||= 'en-US';
      if (!this.accountability.user && !this.accountability.admin) return { project };
      return { project, version: DIRECTUS_VERSION, extensions: { limit: null } };
    }
  }

  return {
    ItemsService: BoundItemsService,
    VersionsService: defineVersionsService(kernel, BoundItemsService),
    SpecificationService,
    MailService,
    UtilsService,
    FilesService,
    AssetsService,
    CollectionsService,
    FieldsService,
    RelationsService,
    SchemaService,
    UsersService: fixed('directus_users'),
    RolesService: fixed('directus_roles'),
    PermissionsService: fixed('directus_permissions'),
    FlowsService: fixed('directus_flows'),
    OperationsService: fixed('directus_operations'),
    DashboardsService: fixed('directus_dashboards'),
    PanelsService: fixed('directus_panels'),
    NotificationsService: fixed('directus_notifications'),
    SettingsService: fixed('directus_settings'),
    FoldersService: fixed('directus_folders'),
    ActivityService: fixed('directus_activity'),
    RevisionsService: fixed('directus_revisions'),
    CommentsService: fixed('directus_comments'),
    PresetsService: fixed('directus_presets'),
    TranslationsService: fixed('directus_translations'),
    SharesService: fixed('directus_shares'),
    ServerService,
    ExtensionsService,
  };
}

type SchemaServiceClasses = ReturnType<typeof createSchemaServices>;
type Fixed = new (options?: ServiceOptions) => ItemsService;

/** The Directus-compatible `services` namespace (classes bound to this host). */
export interface Services {
  ItemsService: new (collection: string, options?: ServiceOptions) => ItemsService;
  /** Directus's VersionsService: content versions (save, compare, promote) of versioned collections' items. */
  VersionsService: VersionsServiceClass;
  CollectionsService: new (options?: ServiceOptions) => InstanceType<SchemaServiceClasses['CollectionsService']>;
  FieldsService: new (options?: ServiceOptions) => InstanceType<SchemaServiceClasses['FieldsService']>;
  RelationsService: new (options?: ServiceOptions) => InstanceType<SchemaServiceClasses['RelationsService']>;
  SchemaService: new (options?: ServiceOptions) => InstanceType<ReturnType<typeof createSchemaServiceClass>>;
  UsersService: Fixed;
  RolesService: Fixed;
  PermissionsService: Fixed;
  FlowsService: Fixed;
  OperationsService: Fixed;
  DashboardsService: Fixed;
  PanelsService: Fixed;
  NotificationsService: Fixed;
  SettingsService: Fixed;
  FoldersService: Fixed;
  ActivityService: Fixed;
  RevisionsService: Fixed;
  CommentsService: Fixed;
  PresetsService: Fixed;
  TranslationsService: Fixed;
  SharesService: Fixed;
  ServerService: new (options?: ServiceOptions) => { serverInfo(): Promise<Record<string, unknown>> };
  ExtensionsService: new (
    options?: ServiceOptions,
  ) => { readAll(): Promise<Record<string, unknown>[]>; readOne(id: string): Promise<Record<string, unknown>> };
  MailService: new (options?: ServiceOptions) => { send(message: MailMessage): Promise<MailReceipt> };
  FilesService: new (options?: ServiceOptions) => BaseFilesService;
  AssetsService: new (
    options?: ServiceOptions,
  ) => {
    getAsset(
      id: PrimaryKey,
      transformation?: { transformationParams?: TransformationParams },
    ): Promise<{ stream: Readable; file: Item; stat: { size: number; modified: Date | null } }>;
  };
  UtilsService: new (
    options?: ServiceOptions,
  ) => { sort(collection: string, body: { item: string | number; to: string | number }): Promise<void> };
  /** Directus's SpecificationService: `.oas.generate()` → the OpenAPI document of the item routes. */
  SpecificationService: new (
    options?: ServiceOptions,
  ) => { readonly oas: { generate(): Promise<OpenApiDocument> } };
}
