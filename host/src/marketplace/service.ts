import { createRegistryClient, type RegistryClient } from '@annex/marketplace/client';
import {
  createInstaller,
  getActiveFolders,
  type InstallProgress,
  type InstallResult,
  type LockFile,
} from '@annex/marketplace/install';
import { DIRECTUS_COMPAT_RANGE, diffScopes, isEmptyScopes, mergeScopes, type Scopes } from '@annex/protocol';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import type { ExtensionManager } from '../extensions/manager.js';
import type { Settings } from '../extensions/settings.js';
import type { Logger } from '../logger.js';

export interface MarketplaceOptions {
  registry: string;
  token?: string;
  /** The registry's signing key (PEM) pinned by the operator (MARKETPLACE_PUBLIC_KEY). */
  publicKey?: string;
  trust: 'sandbox' | 'verified' | 'all';
  extensionsPath: string;
}

/** What an install/update/rollback did, for REST, GraphQL and the CLI. */
export interface MarketplaceOutcome {
  extension: string;
  version: string;
  versionId: string;
  /** `active`, or `pending` when new scopes wait for an admin (the previous version keeps serving). */
  status: 'active' | 'pending' | 'unchanged';
  requestedScopes: Scopes;
  /** Scopes asked for beyond what is granted now. */
  scopeDiff: Scopes;
  previous?: { version: string; versionId: string };
  /** The registry signed this version (Annex's extra layer); false: checked against npm's integrity or the registry's digest only. */
  signed: boolean;
}

/**
 * The host side of the marketplace: proxies the registry (Directus shapes), runs the installer
 * (verify, extract, compare, move) and tells the extension manager. An update that asks for new
 * scopes is staged and the current version keeps serving until an admin grants the difference.
 */
export interface MarketplaceCluster {
  /** The installed set every host should run (written after each change here). */
  desiredLock(): Promise<LockFile | undefined>;
  /** Records `lock` as the desired set. */
  record(lock: LockFile): Promise<void>;
  /** Tells the other hosts the desired set changed and waits for them. */
  announce(): Promise<void>;
}

/** Same extensions at the same bytes, pinned alike: nothing to import. */
function sameLock(a: LockFile, b: LockFile): boolean {
  const key = (l: LockFile) => JSON.stringify(l.extensions.map((e) => [e.name, e.integrity, e.pinned]));
  return key(a) === key(b);
}

export function createMarketplaceService(deps: {
  manager: ExtensionManager;
  settings: Settings;
  emitter: Emitter;
  logger: Logger;
  options: MarketplaceOptions;
  cluster?: MarketplaceCluster;
}) {
  const { manager, settings, emitter, options } = deps;
  const log = deps.logger.child({ component: 'marketplace' });
  const client: RegistryClient = createRegistryClient({
    registry: options.registry,
    token: options.token,
    ...(options.publicKey ? { publicKey: options.publicKey } : {}),
  });
  const progress = (p: InstallProgress) => void emitter.emitAction('extensions.install.progress', { progress: p });
  const installer = createInstaller({
    extensionsDir: options.extensionsPath,
    client,
    trust: options.trust,
    hostVersion: DIRECTUS_COMPAT_RANGE,
    onProgress: progress,
  });

  /** Records the installed set as the one every host should run; false (logged) when it could not. */
  async function record(cluster: MarketplaceCluster): Promise<boolean> {
    try {
      await cluster.record(await installer.exportLock());
      return true;
    } catch (err) {
      log.warn({ err }, 'could not record the installed set for the other hosts');
      return false;
    }
  }

  /**
   * After a change to the installed set: record it for the cluster (unless `recorded` already) and
   * wait for the other hosts (never fails the change itself).
   */
  async function tellCluster(recorded = false): Promise<void> {
    const cluster = deps.cluster;
    if (!cluster || (!recorded && !(await record(cluster)))) return;
    await cluster.announce().catch((err: unknown) => log.warn({ err }, 'could not tell the other hosts'));
  }

  async function published<T>(result: T, recorded = false): Promise<T> {
    await tellCluster(recorded);
    return result;
  }

  /**
   * The rescan after extensions were removed. A rescan keeps the rows (grants and roles included) of
   * what the cluster's desired set still names, so the set is recorded first: otherwise an
   * uninstalled extension kept its row, and installing it again found it already granted. Returns
   * whether the set was recorded (then only the announcement is left).
   */
  async function rescanAfterRemoval(): Promise<boolean> {
    const recorded = deps.cluster ? await record(deps.cluster) : false;
    await manager.rescan();
    return recorded;
  }

  /**
   * Once the files are in place: the other hosts fetch, verify and load the new set while this one
   * rescans, instead of after it (issue 17: an install converges in the time of the slowest host,
   * not the sum). The call still returns only when every host confirmed.
   */
  async function rescanWhileTelling<T>(after: () => Promise<T>): Promise<T> {
    const told = tellCluster();
    try {
      await manager.rescan();
      return await after();
    } finally {
      await told;
    }
  }

  /** Switches to a staged version; in a cluster the update may have been staged by another host, so fetch it if it is not here. */
  async function activateStaged(extension: string, versionId: string): Promise<InstallResult> {
    try {
      return await installer.activate(extension, versionId);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'MKT_VERSION_NOT_FOUND') throw err;
      return installer.install(extension, versionId, { activate: true });
    }
  }

  const rowFor = async (name: string) =>
    (await settings.all()).find((r) => !r.bundle && r.source === 'registry' && r.name === name);

  async function outcome(r: InstallResult, status: MarketplaceOutcome['status']): Promise<MarketplaceOutcome> {
    const row = await rowFor(r.name);
    return {
      extension: r.name,
      version: r.version,
      versionId: r.versionId,
      status,
      requestedScopes: r.requestedScopes,
      scopeDiff: diffScopes(r.requestedScopes, (row?.granted_scopes ?? {}) as Scopes),
      signed: r.signed,
      ...(r.previous ? { previous: { version: r.previous.version, versionId: r.previous.versionId } } : {}),
    };
  }

  /** Stages a new version; switches to it only when every requested scope is already granted. */
  async function stageOrActivate(r: InstallResult): Promise<MarketplaceOutcome> {
    const row = await rowFor(r.name);
    const granted = (row?.granted_scopes ?? null) as Scopes | null;
    const needsGrant = granted !== null && !isEmptyScopes(diffScopes(r.requestedScopes, granted));
    if (row && needsGrant && r.previous) {
      await settings.setPending(row.id, r.versionId, r.requestedScopes);
      log.info({ extension: r.name, version: r.version }, 'update staged: new scopes wait for an administrator');
      return outcome(r, 'pending');
    }
    await installer.activate(r.name, r.versionId);
    if (row) await settings.setPending(row.id, null, null);
    return rescanWhileTelling(() => outcome(r, 'active'));
  }

  return {
    client,
    /** Folder names (version ids) the manager should load from `.registry`. */
    async activeFolders(): Promise<Set<string>> {
      return new Set((await getActiveFolders(options.extensionsPath)).map((f) => f.versionId));
    },
    list: (query: Parameters<RegistryClient['list']>[0]) =>
      client.list({ ...query, ...(options.trust === 'sandbox' ? { sandbox: true } : {}) }),
    /** Directus's detail, each version marked `signed` when the registry signed it (Annex's extra layer, checked at download). */
    describe: async (id: string) => {
      const details = await client.describe(id);
      return { ...details, versions: details.versions.map((v) => ({ ...v, signed: !!v.signature })) };
    },
    account: (id: string) => client.account(id),
    /** The installed set, each marked `signed` when its current version carries the registry's signature. */
    installed: async () =>
      (await installer.listInstalled()).map((e) => ({ ...e, signed: !!e.currentVersion?.signature })),

    /** Installs any version (default: newest compatible). A first install of a sandboxed extension is `pending` until granted. */
    async install(extension: string, version?: string, o: { force?: boolean } = {}): Promise<MarketplaceOutcome> {
      const r = await installer.install(extension, version, { force: o.force, activate: false });
      const row = await rowFor(r.name);
      if (row && r.previous) return stageOrActivate(r);
      await installer.activate(r.name, r.versionId);
      return rescanWhileTelling(async () => {
        void emitter.emitAction('extensions.installed', { extensions: [r.name], versionId: r.versionId });
        const after = await rowFor(r.name);
        return outcome(r, after?.state === 'pending' ? 'pending' : 'active');
      });
    },

    /** Moves to a newer version; new scopes stage it (`pending`) until granted. */
    async update(extension: string, version?: string, o: { force?: boolean } = {}): Promise<MarketplaceOutcome> {
      const r = await installer.update(extension, version, { force: o.force, activate: false });
      if (!r.changed && r.current) return outcome(r, 'unchanged');
      return stageOrActivate(r);
    },

    /** Grants the scopes a staged update asked for and switches to it. */
    async approve(extension: string): Promise<MarketplaceOutcome> {
      const row = await rowFor(extension);
      if (!row) throw errors.HOST_EXTENSION_NOT_FOUND({ id: extension });
      if (!row.pending_version) throw errors.HOST_NOTHING_PENDING({ id: extension });
      const granted = mergeScopes((row.granted_scopes ?? {}) as Scopes, (row.pending_scopes ?? {}) as Scopes);
      await settings.setGrants(row.id, granted);
      const r = await activateStaged(extension, row.pending_version);
      await settings.setPending(row.id, null, null);
      // The rows hold the final grant and no pending version: the other hosts switch while this one does.
      return rescanWhileTelling(async () => {
        if (manager.find(row.id)) await manager.grant(row.id, granted);
        return outcome(r, 'active');
      });
    },

    async rollback(extension: string, versionId?: string): Promise<MarketplaceOutcome> {
      const r = await installer.rollback(extension, versionId);
      const row = await rowFor(extension);
      if (row) await settings.setPending(row.id, null, null);
      await manager.rescan();
      return published(await outcome(r, 'active'));
    },

    async uninstall(extension: string): Promise<{ extension: string; removed: string[] }> {
      const r = await installer.uninstall(extension);
      const recorded = await rescanAfterRemoval();
      void emitter.emitAction('extensions.uninstalled', { extensions: [r.name], folder: r.removed });
      return published({ extension: r.name, removed: r.removed }, recorded);
    },

    async pin(extension: string, pinned: boolean): Promise<void> {
      await installer.pin(extension, pinned);
      await published(undefined);
    },

    exportLock: () => installer.exportLock(),
    async importLock(lock: unknown, o: { force?: boolean; prune?: boolean } = {}) {
      const result = await installer.importLock(lock, o);
      if (!o.prune) {
        await manager.rescan();
        return published(result);
      }
      return published(result, await rescanAfterRemoval());
    },

    /**
     * Brings this host's installs to the set another host recorded (downloading what it lacks,
     * removing what was uninstalled). Entries that fail are logged and named in `failed`; this
     * host keeps what it had for them (the caller retries later).
     */
    async converge(): Promise<{ changed: boolean; failed: string[] }> {
      const desired = await deps.cluster?.desiredLock();
      if (!desired || sameLock(desired, await installer.exportLock())) return { changed: false, failed: [] };
      const results = await installer.importLock(desired, { prune: true });
      const failed = results.filter((x) => x.status === 'failed');
      for (const r of failed)
        log.warn(
          { extension: r.name, version: r.version, error: r.error },
          'could not install what another host installed; will retry',
        );
      return {
        changed: results.some((x) => x.status !== 'unchanged' && x.status !== 'failed'),
        failed: failed.map((r) => r.name),
      };
    },

    /** Names in the cluster's desired set: their rows stay while this host catches up. */
    async desiredNames(): Promise<Set<string>> {
      const desired = await deps.cluster?.desiredLock();
      return new Set(desired?.extensions.map((e) => e.name) ?? []);
    },
  };
}

export type MarketplaceService = ReturnType<typeof createMarketplaceService>;
