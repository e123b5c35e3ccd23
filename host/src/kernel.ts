import type { Knex } from 'knex';
import type { SandboxEngine } from '@annex/runtime';
import type { HostConfig } from './config.js';
import type { Logger } from './logger.js';
import type { SchemaStore } from './schema/schema-store.js';
import type { Emitter } from './events/emitter.js';
import type { Scheduler } from './events/scheduler.js';
import type { Embeds } from './events/embeds.js';
import type { Permissions } from './auth/permissions.js';
import type { Passwords } from './auth/passwords.js';
import type { AuthService } from './auth/auth-service.js';
import type { AccountLinks } from './auth/account-links.js';
import type { Mounts } from './http/mounts.js';
import type { Upgrades } from './http/upgrades.js';
import type { HostExpress } from './http/express-bridge.js';
import type { AppRegistry, OperationRegistry } from './extensions/registries.js';
import type { Services } from './services/namespace.js';
import type { Cluster } from './cluster/cluster.js';
import type { Mailer } from './mail/mailer.js';
import type { AssetCache } from './files/asset-cache.js';
import type { Storage } from './files/storage.js';

/**
 * The kernel's services, created once at boot and frozen. Extensions never receive this
 * object; they get a context built from it (see extensions/context.ts).
 */
export interface Kernel {
  readonly config: HostConfig;
  readonly logger: Logger;
  readonly knex: Knex;
  readonly schema: SchemaStore;
  readonly emitter: Emitter;
  /** Extension-to-extension events (Directus's `emitter` in extension contexts). */
  readonly localEmitter: Emitter;
  readonly scheduler: Scheduler;
  readonly embeds: Embeds;
  readonly permissions: Permissions;
  /** Hashes and checks passwords at the configured cost (HASH_MEMORY_COST). */
  readonly passwords: Passwords;
  readonly auth: AuthService;
  /** Password-reset and invitation links mailed to users (Directus's /auth/password/* and /users/invite*). */
  readonly accountLinks: AccountLinks;
  readonly mounts: Mounts;
  /** The HTTP server's upgrade requests (WebSocket handshakes) by path, registered by extensions. */
  readonly upgrades: Upgrades;
  /** The Express app init hooks receive (Directus's `app`), run in front of the mounts. */
  readonly express: HostExpress;
  readonly operations: OperationRegistry;
  readonly apps: AppRegistry;
  /** Services that require an explicit accountability (kernel and built-in use). */
  readonly services: Services;
  /** Sends mail (SMTP) and records it in annex_outbox. */
  readonly mailer: Mailer;
  /** Where uploaded files live, and how large one may be. */
  readonly storage: Storage;
  readonly maxUploadBytes: number;
  /** Where `/assets` keeps the images its presets made (none without a SECRET to sign them). */
  readonly assetCache: AssetCache | undefined;
  /** Hosts sharing this database: notifications, schedule claims, who runs what. */
  readonly cluster: Cluster;
  /** The sandbox engine, started on first use. */
  sandbox(): Promise<SandboxEngine>;
  /** Runs a flow `exec` script (`module.exports = async (data) => …`) in a fresh sandbox. */
  runScript(code: string, data: unknown): Promise<unknown>;
}
