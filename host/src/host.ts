import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import type { Knex } from 'knex';
import type Koa from 'koa';
import { createSandboxEngine, type SandboxEngine } from '@annex/runtime';
import { readConfig, type HostConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createDatabase } from './db/connection.js';
import { migrate } from './db/migrations.js';
import { createSchemaStore } from './schema/schema-store.js';
import { createEmitter, type Emitter } from './events/emitter.js';
import { recoverMarketplaceAtBoot } from './marketplace/recover-at-boot.js';
import { createScheduler } from './events/scheduler.js';
import { createEmbeds } from './events/embeds.js';
import { createPermissions } from './auth/permissions.js';
import { createAuthService } from './auth/auth-service.js';
import { createAccountLinks } from './auth/account-links.js';
import { bootstrapAdmin, type BootstrapResult } from './auth/bootstrap.js';
import { createPasswords } from './auth/passwords.js';
import { createMounts } from './http/mounts.js';
import { createUpgrades } from './http/upgrades.js';
import { createHostExpress } from './http/express-bridge.js';
import { emitAppInit } from './http/express-init.js';
import { linkExtensionEvents } from './events/extension-events.js';
import { createHttpApp } from './http/app.js';
import { createAppRegistry, createOperationRegistry } from './extensions/registries.js';
import { createServices } from './services/namespace.js';
import { createSettings } from './extensions/settings.js';
import { createExtensionManager, type ExtensionManager } from './extensions/manager.js';
import { createCallTokens } from './sandbox/call-tokens.js';
import { createCapabilityHost } from './sandbox/capability-host.js';
import { createFlowEngine, type FlowEngine } from './flows/engine.js';
import { setTransformCache } from './extensions/loader.js';
import { releaseTransformService } from './extensions/esbuild-service.js';
import type { ExtensionWatcher } from './extensions/watcher.js';
import type { MarketplaceService } from './marketplace/service.js';
import type { LockFile } from '@annex/marketplace/install';
import { createCluster, type Cluster } from './cluster/cluster.js';
import { recordActivity } from './audit/activity.js';
import { createMailer } from './mail/mailer.js';
import { createAssetCache } from './files/asset-cache.js';
import { extensionEnvOf } from './extensions/directus-env.js';
import { createLocalStorage } from './files/storage.js';
import { errors } from './errors.js';
import type { Kernel } from './kernel.js';
import type { Accountability } from './auth/accountability.js';
import { shareReachOf } from './auth/share-reach.js';

import { BUILTINS_PATH } from './paths.js';
export { BUILTINS_PATH };

export interface HostOptions {
  config?: Partial<HostConfig>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger?: Logger;
  /** Extra builtins folder (tests); defaults to host/builtins. */
  builtinsPath?: string;
  /** The host project's package.json for `module` extensions (default: `<cwd>/package.json` when present). */
  packageFile?: string | null;
  /** Runs once the extensions are loaded, before the app is built: the CLI emits `cli.before/after` here, as Directus's CLI does before `start` builds its app. */
  beforeApp?: (emitter: Emitter) => Promise<void>;
}

/** A running (or ready-to-listen) Annex host. */
export interface Host {
  readonly config: HostConfig;
  readonly kernel: Kernel & {
    extensions: ExtensionManager;
    flows: FlowEngine;
    marketplace: MarketplaceService | undefined;
    cluster: Cluster;
  };
  readonly app: Koa;
  readonly bootstrap: BootstrapResult;
  readonly knex: Knex;
  /** The hot-reload watcher when EXTENSIONS_AUTO_RELOAD is on. */
  readonly watcher: ExtensionWatcher | undefined;
  /** Starts listening; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  url(): string;
  /** Deactivates every extension, stops schedules and the sandbox, closes HTTP and the database. */
  close(): Promise<void>;
}

const MARKETPLACE_LOCK_KEY = 'marketplace.lock';
/** `REGISTRY_DIR` of @annex/marketplace, named here so a host without registry installs need not load that package. */
const REGISTRY_DIR = '.registry';

/**
 * Relays this host's changes to the other hosts of a cluster and applies theirs: extension
 * states and installs, the schema, permissions and flows are re-read from the database.
 * Returns the disposer.
 */
function linkCluster(
  cluster: Cluster,
  kernel: Kernel & { extensions: ExtensionManager; flows: FlowEngine; marketplace: MarketplaceService | undefined },
  url: () => string,
  syncPending: boolean,
): () => void {
  let applyingSchema = false;
  let retry: NodeJS.Timeout | undefined;
  /* A marketplace version this host could not fetch (registry down) is tried again later, not only at the next change. */
  const retryLater = () => {
    clearTimeout(retry);
    retry = setTimeout(() => cluster.resync('extensions'), kernel.config.clusterSyncRetryMs);
    retry.unref();
  };
  const offs = [
    cluster.on('extensions', async () => {
      clearTimeout(retry);
      const outcome = await kernel.marketplace?.converge().catch((err) => {
        kernel.logger.warn({ err }, 'could not bring the marketplace installs in line with the cluster; will retry');
        return { changed: false, failed: ['*'] };
      });
      /*
       * Folders change here only when the marketplace import changed them: a full rescan (every
       * builtin read and reconciled, most of a second) is skipped otherwise, so an enable or a
       * disable is applied, and confirmed to the host that made it, within milliseconds.
       */
      if (outcome?.changed) await kernel.extensions.rescan();
      await kernel.extensions.refresh();
      if (outcome?.failed.length) retryLater();
    }),
    cluster.on('permissions', () => kernel.permissions.invalidate()),
    cluster.on('schema', () => {
      applyingSchema = true;
      try {
        kernel.schema.invalidate();
      } finally {
        applyingSchema = false;
      }
    }),
    cluster.on('flows', () => kernel.flows.reload()),
    kernel.schema.onChange(() => {
      if (!applyingSchema) void cluster.publish('schema');
    }),
    ...['permissions.*', 'roles.*'].map((event) =>
      kernel.emitter.onAction(event, () => void cluster.publish('permissions')),
    ),
    ...['flows.*', 'operations.*'].map((event) => kernel.emitter.onAction(event, () => void cluster.publish('flows'))),
  ];
  cluster.startHeartbeat(() => ({
    url: url(),
    extensions: kernel.extensions
      .records()
      .flatMap((r) => (r.desc ? [{ id: r.desc.id, version: r.desc.version, state: r.state }] : [])),
  }));
  if (syncPending) retryLater();
  return () => {
    clearTimeout(retry);
    for (const off of offs) off();
  };
}

/** Creates a host: database migrated, admin bootstrapped, every extension loaded. */
export async function createHost(options: HostOptions = {}): Promise<Host> {
  const cwd = options.cwd ?? process.cwd();
  const config: HostConfig = { ...readConfig(options.env ?? process.env, cwd), ...options.config };
  const logger = options.logger ?? createLogger(config.logLevel);
  // Trusted ES-module entries (the built-ins too) are transformed once, then read from here,
  // signed with SECRET (a generated SECRET changes every boot: no cache then).
  setTransformCache(config.secretGenerated ? undefined : path.join(config.cacheDir, 'transforms'), config.secret);
  const knex = createDatabase(config.db);
  await migrate(knex);
  const passwords = createPasswords(config.hashCost);
  const bootstrap = await bootstrapAdmin(knex, passwords, config.adminEmail, config.adminPassword);
  const cluster = createCluster(knex, config.db, logger, { ackTimeoutMs: config.clusterAckTimeoutMs });
  const mailer = createMailer(config.mail, knex, logger);
  const storage = createLocalStorage(config.files.root);
  const maxUploadBytes = config.files.maxUploadBytes;
  const assetCache = config.secretGenerated
    ? undefined
    : createAssetCache(path.join(config.cacheDir, 'assets'), config.secret);

  const permissions = createPermissions(knex);
  const emitter = createEmitter(logger);
  // Any permission or role change invalidates the permission cache of every role.
  emitter.onAction('permissions.*', () => permissions.invalidate());
  emitter.onAction('roles.*', () => permissions.invalidate());
  const schema = createSchemaStore(knex);
  const tokens = createCallTokens();
  let engine: Promise<SandboxEngine> | undefined;
  let extensions: ExtensionManager;

  const services = createServices(
    { knex, schema, emitter, permissions, passwords, mailer, storage, maxUploadBytes, assetCache, config },
    'reject',
  );
  const base = {
    config,
    logger,
    knex,
    schema,
    emitter,
    localEmitter: createEmitter(logger),
    scheduler: createScheduler(logger, cluster.scheduleLock),
    embeds: createEmbeds(),
    permissions,
    passwords,
    auth: createAuthService(
      knex,
      emitter,
      passwords,
      config,
      (user, ip) =>
        recordActivity(knex, logger, { action: 'login', collection: 'directus_users', item: user, user, ip }),
      shareReachOf(() => schema.get()),
    ),
    mounts: createMounts(),
    upgrades: createUpgrades(),
    express: createHostExpress({ trustProxy: config.trustProxy }),
    operations: createOperationRegistry(),
    apps: createAppRegistry(),
    mailer,
    storage,
    maxUploadBytes,
    assetCache,
    services,
    accountLinks: createAccountLinks({
      knex,
      services,
      permissions,
      mailer,
      logger,
      secret: config.secret,
      publicUrl: config.publicUrl,
      resetUrlAllowList: config.resetUrlAllowList,
      inviteUrlAllowList: config.inviteUrlAllowList,
    }),
    sandbox(): Promise<SandboxEngine> {
      /*
       * Imported statically: the built-ins load @annex/runtime at boot anyway (it no longer loads
       * isolated-vm in this process), and a dynamic import here racing their require() of shared
       * ES modules fails on Node 20 ("request for … is not in cache") once the worker is warmed early.
       */
      engine ??= (async () => {
        return createSandboxEngine({
          kind: config.sandbox.engine,
          workers: config.sandbox.workers,
          instancesPerWorker: config.sandbox.instancesPerWorker,
          logger: logger.child({ component: 'sandbox' }),
          defaults: {
            ...config.sandbox.limits,
            memoryMb: config.sandbox.memoryMb,
            cpuTimeoutMs: config.sandbox.timeoutMs,
            wallTimeoutMs: config.sandbox.wallTimeoutMs,
          },
          capabilityHost: createCapabilityHost({ knex, services: base.services, emitter, logger, tokens }),
          onEvent(event) {
            if (event.type === 'quarantined')
              void extensions.quarantine(
                event.id,
                event.error ?? { code: 'RT_QUARANTINED', message: 'quarantined after repeated faults' },
              );
            else if (event.type === 'fault')
              logger.warn({ extension: event.id, error: event.error }, `sandbox fault in ${event.id}`);
          },
        });
      })();
      return engine;
    },
    async runScript(code: string, data: unknown): Promise<unknown> {
      const sandbox = await base.sandbox();
      // Directus exec scripts are CommonJS-style; wrap them as a one-off sandboxed operation.
      const source = `const module = { exports: {} };\nconst exports = module.exports;\n${code}\nconst fn = typeof module.exports === 'function' ? module.exports : module.exports.default;\nexport default { id: 'exec', handler: (_options, context) => { if (typeof fn !== 'function') throw Object.assign(new Error('The script must assign a function to module.exports'), { code: 'INVALID_PAYLOAD', status: 400 }); return fn(context.data); } };\n`;
      const instance = await sandbox.load({
        id: `exec:${randomUUID()}`,
        version: '0',
        type: 'operation',
        code: source,
        filename: 'exec-operation.js',
        grantedScopes: {},
        env: {},
        limits: {
          memoryMb: Number(config.env.FLOWS_RUN_SCRIPT_MAX_MEMORY ?? 32),
          cpuTimeoutMs: Number(config.env.FLOWS_RUN_SCRIPT_TIMEOUT ?? 10000),
        },
      });
      try {
        return await instance.call(
          instance.registrations.operation!.handler,
          [{}, { data, accountability: null }],
          null,
        );
      } finally {
        await instance.dispose();
      }
    },
  };
  const flows = createFlowEngine({
    knex,
    emitter,
    scheduler: base.scheduler,
    operations: base.operations,
    logger,
    env: extensionEnvOf(config),
    operationContext: () => ({
      services: createServices(base, { origin: 'flows' }),
      database: knex,
      env: extensionEnvOf(config),
      logger,
      getSchema: () => schema.get(),
    }),
  });
  const packageFile =
    options.packageFile === null
      ? undefined
      : (options.packageFile ??
        (fs.existsSync(path.join(cwd, 'package.json')) ? path.join(cwd, 'package.json') : undefined));
  const kernel = Object.assign(base, { flows, cluster }) as Kernel & {
    flows: FlowEngine;
    extensions: ExtensionManager;
    marketplace: MarketplaceService | undefined;
    cluster: Cluster;
  };
  const settings = createSettings(knex, config.sandbox.grant);
  extensions = createExtensionManager(
    kernel,
    settings,
    tokens,
    { builtinsPath: options.builtinsPath ?? BUILTINS_PATH, extensionsPath: config.extensionsPath, packageFile },
    {
      // Only the current version of each marketplace install loads; kept versions wait for rollback.
      // No registry folder means no registry installs to filter: the marketplace package (tar, its client) is not loaded.
      activeRegistryFolders: async () => {
        if (!fs.existsSync(path.join(config.extensionsPath, REGISTRY_DIR))) return new Set<string>();
        const { getActiveFolders } = await import('@annex/marketplace/install');
        return new Set((await getActiveFolders(config.extensionsPath)).map((f) => f.versionId));
      },
      retainedNames: cluster.shared
        ? async () =>
            new Set([...((await kernel.marketplace?.desiredNames()) ?? []), ...(await cluster.namesRunElsewhere())])
        : undefined,
      onAdminChange: async () => void (await cluster.publish('extensions')),
    },
  );
  kernel.extensions = extensions;
  kernel.mounts.setGuard((owner, ctx) => extensions.mayUse(owner, ctx.state.accountability as Accountability | null));
  kernel.marketplace = config.marketplace.registry
    ? (await import('./marketplace/service.js')).createMarketplaceService({
        manager: extensions,
        settings,
        emitter,
        logger,
        options: {
          registry: config.marketplace.registry,
          token: config.marketplace.token,
          publicKey: config.marketplace.publicKey,
          trust: config.marketplace.trust,
          extensionsPath: config.extensionsPath,
        },
        // A single host has nobody to converge with: no lock to record after each change.
        cluster: cluster.shared
          ? {
              desiredLock: () => cluster.getState<LockFile>(MARKETPLACE_LOCK_KEY),
              record: (lock) => cluster.setState(MARKETPLACE_LOCK_KEY, lock),
              async announce() {
                await cluster.publish('extensions');
              },
            }
          : undefined,
      })
    : undefined;
  Object.freeze(kernel);

  await recoverMarketplaceAtBoot(config.extensionsPath, settings, logger);
  /* A host joining a cluster first installs what the others run. */
  const joined =
    cluster.shared && kernel.marketplace
      ? await kernel.marketplace.converge().catch((err) => {
          logger.warn({ err }, 'could not install the marketplace extensions the cluster runs; will retry');
          return { changed: false, failed: ['*'] };
        })
      : undefined;
  const extensionEvents = linkExtensionEvents(emitter, extensions);
  await extensions.loadAll();
  extensionEvents.loaded();
  // Without auto-reload nothing transforms again soon: do not keep esbuild's process around.
  if (!config.extensionsAutoReload) await releaseTransformService();
  let baseUrl = config.publicUrl;
  const unlinkCluster = linkCluster(cluster, kernel, () => baseUrl, (joined?.failed.length ?? 0) > 0);
  /** Ends what boot started, up to the extensions: close()'s last steps, and a failed strict boot's. */
  const release = async (deadline?: number): Promise<void> => {
    await extensions.close(deadline);
    base.scheduler.stopAll();
    await cluster.close();
    await mailer.close();
    if (engine) await (await engine.catch(() => null))?.close();
    await knex.destroy();
  };
  const failedRequired = extensions.failedRequired();
  if (config.extensionsMustLoad) {
    const failed = extensions.records().filter((r) => r.state === 'failed');
    if (failed.length) {
      // A failed boot leaves nothing running (sandbox workers included).
      unlinkCluster();
      await release();
      throw errors.HOST_REGISTER_FAILED({
        id: failed.map((f) => f.desc?.id ?? f.found.folder).join(', '),
        reason: 'EXTENSIONS_MUST_LOAD is set and these extensions failed',
      });
    }
  }
  if (failedRequired.length)
    logger.error({ extensions: failedRequired }, 'required extensions are not active; health is degraded');
  const watcher: ExtensionWatcher | undefined = config.extensionsAutoReload
    ? await (await import('./extensions/watcher.js')).createExtensionWatcher(extensions, {
        extensionsPath: config.extensionsPath,
        debounceMs: config.extensionsAutoReloadDebounceMs,
        polling: config.extensionsAutoReloadPolling,
        logger,
      })
    : undefined;
  await flows.reload();
  const unwatchFlows = flows.watch();
  await options.beforeApp?.(emitter);
  const app = createHttpApp(kernel);
  await emitAppInit(emitter, kernel.express);
  mailer.start();

  let server: http.Server | undefined;
  let closed = false;
  return {
    config,
    kernel,
    app,
    bootstrap,
    knex,
    watcher,
    url: () => baseUrl,
    async listen(port = config.port, hostname = config.host) {
      server = http.createServer(kernel.express.serverOptions(), app.callback());
      server.keepAliveTimeout = 5000;
      server.on('upgrade', kernel.upgrades.handle);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, hostname, () => resolve());
      });
      const addr = server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      baseUrl = `http://${hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname}:${actualPort}`;
      void emitter.emitAction('server.start', { server });
      return baseUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      const deadline = Date.now() + config.shutdownTimeoutMs;
      /* Long-lived responses (the app's event stream) end on server.stop, so they do not hold the drain; slow handlers do not hold the stop. */
      await Promise.race([
        emitter.emitAction('server.stop', { server }),
        sleep(config.shutdownTimeoutMs, undefined, { ref: false }),
      ]);
      unwatchFlows();
      await watcher?.close();
      flows.stop();
      // Upgraded connections (WebSockets) are no requests the server drains: their owners end them.
      await kernel.upgrades.close();
      if (server) {
        /*
         * Stop accepting and let requests in flight finish. Node closes the sockets that are idle
         * when close() is called, not those that become idle later, so keep closing those; cut
         * whatever is left at the deadline.
         */
        const idle = setInterval(() => server!.closeIdleConnections(), 25);
        const force = setTimeout(() => server!.closeAllConnections(), Math.max(0, deadline - Date.now()));
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        clearInterval(idle);
        clearTimeout(force);
      }
      unlinkCluster();
      await Promise.race([
        extensionEvents.unloading(),
        sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false }),
      ]);
      extensionEvents.dispose();
      await release(deadline);
    },
  };
}
