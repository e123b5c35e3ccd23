import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryClient } from '../client/client.js';
import type { ExtensionDetails, ExtensionVersion } from '../client/schemas.js';
import { withFolderLock } from './folder-lock.js';
import { MarketplaceErrors as E } from '../errors.js';
import type { TarLimits } from '../internal/tar-policy.js';
import { checkHost, checkTrust, type TrustLevel } from './checks.js';
import { createOperationDir, exists, moveIntoPlace, removeOperationDir } from './fs-ops.js';
import { exportLock, importLock, type ImportResult, type LockFile } from './lock.js';
import { selectUpdate, selectVersion } from './select.js';
import { stageVersion, type InstallProgress } from './stage.js';
import { journalAside, recoverInstalls, type RecoveryReport } from './recover.js';
import { makeCurrent, pruneKept, toResult, type InstallResult } from './versions.js';
import {
  readInstallState,
  REGISTRY_DIR,
  writeInstallState,
  type InstallState,
  type InstalledExtension,
  type InstalledVersion,
} from './state.js';

export interface InstallerOptions {
  /** The host's extensions folder; installs go to `<extensionsDir>/.registry/<versionId>`. */
  extensionsDir: string;
  /** Keep it on the same file system as `extensionsDir` (renames are then atomic). Default `<extensionsDir>/.annex-staging`. */
  stagingDir?: string;
  client: RegistryClient;
  trust: TrustLevel;
  /**
   * The host's Directus compatibility level: a version (`DIRECTUS_COMPAT_VERSION`: the manifest's
   * `host` range must include it) or a range (`DIRECTUS_COMPAT_RANGE`: the ranges must overlap).
   */
  hostVersion: string;
  limits?: Partial<TarLimits> & { maxDownloadBytes?: number };
  /** Versions kept on disk per extension (current included); older ones are removed. Default 5. */
  keepVersions?: number;
  onProgress?: (p: InstallProgress) => void;
}

export interface OperationOptions {
  /** Install despite an incompatible `host` range; reinstall a version already on disk. */
  force?: boolean;
  /** Make the new version current (default true). `false` stages it for a later `activate`. */
  activate?: boolean;
  onProgress?: (p: InstallProgress) => void;
  signal?: AbortSignal;
}

export interface UninstallResult {
  id: string;
  name: string;
  removed: string[];
}

export type { InstallResult };
export type Installer = ReturnType<typeof createInstaller>;

/** Runs a file-system step, turning a raw error into MKT_INSTALL_IO. */
async function io<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw E.MKT_INSTALL_IO({ reason: (error as Error).message }, { cause: error });
  }
}

/** The host-independent install engine: install/update/activate/rollback/uninstall, lock export/import. */
export function createInstaller(options: InstallerOptions) {
  const dir = options.extensionsDir;
  const stagingDir = options.stagingDir ?? join(dir, '.annex-staging');
  const limits = options.limits ?? {};
  const keep = Math.max(1, options.keepVersions ?? 5);
  let queue: Promise<unknown> = Promise.resolve();

  /** One mutating operation at a time (per installer, and across processes by a lock file); each reads fresh state. */
  function exclusive<T>(fn: (state: InstallState) => Promise<T>): Promise<T> {
    const run = queue.then(() => withFolderLock(dir, async () => fn(await readInstallState(dir))));
    queue = run.catch(() => {});
    return run;
  }

  /** A kept version becomes current only if today's trust level still allows it (it may have been tightened since). */
  function checkKeptTrust(ext: InstalledExtension, v: InstalledVersion): void {
    checkTrust(options.trust, {
      name: ext.name,
      execution: v.execution ?? 'unsandboxed',
      publisherVerified: v.publisher?.verified === true,
    });
  }

  function find(state: InstallState, extension: string): InstalledExtension {
    const ext =
      (Object.hasOwn(state.extensions, extension) ? state.extensions[extension] : undefined) ??
      Object.values(state.extensions).find((e) => e.id === extension);
    if (!ext) throw E.MKT_NOT_INSTALLED({ name: extension });
    return ext;
  }

  const result = (ext: InstalledExtension, v: InstalledVersion, changed: boolean, previous?: InstalledVersion) =>
    toResult(dir, ext, v, changed, previous);
  const prune = (ext: InstalledExtension) => pruneKept(ext, keep).map((v) => join(dir, v.folder));

  async function installVersion(
    state: InstallState,
    details: ExtensionDetails,
    version: ExtensionVersion,
    o: OperationOptions,
  ): Promise<InstallResult> {
    const name = details.name;
    const installed = Object.hasOwn(state.extensions, name) ? state.extensions[name] : undefined;
    const previous = installed?.versions[installed.current];
    const activate = o.activate ?? true;
    const progress = (p: InstallProgress) => {
      options.onProgress?.(p);
      o.onProgress?.(p);
    };

    const kept =
      installed && Object.hasOwn(installed.versions, version.id) ? installed.versions[version.id] : undefined;
    if (installed && kept && !o.force && (await exists(join(dir, kept.folder)))) {
      // already on disk and verified when it was installed: switching needs no download, only today's trust
      checkKeptTrust(installed, kept);
      const changed = activate && installed.current !== version.id;
      if (changed) {
        makeCurrent(installed, version.id);
        await writeInstallState(dir, state);
      }
      return result(installed, kept, changed, previous);
    }

    progress({ phase: 'resolve', extension: name });
    // fail fast on what the registry says; the same checks run again on what the tarball says
    const publisherVerified = await options.client.publisherVerified(version);
    // A registry that says nothing about the version's execution (the Directus API) is checked on the tarball below.
    const declared = version.execution ?? (version.sandbox_enabled === true ? 'sandboxed' : undefined);
    if (declared) checkTrust(options.trust, { name, execution: declared, publisherVerified });
    checkHost(options.hostVersion, { name, host: version.host_version }, o.force ?? false);

    // Annex signatures, when the registry offers them: trust on first use, then pinned (a changed key is refused).
    const keyId = version.signature ? (await options.client.getPublicKey()).keyId : undefined;
    const pinnedKey = state.registryKeys?.[options.client.registry];
    // A registry that signed before and now serves an unsigned version is refused (no downgrade to integrity alone).
    if (pinnedKey && !version.signature)
      throw E.MKT_BAD_SIGNATURE({
        reason: `the registry signed earlier installs (key ${pinnedKey}) but this version is unsigned`,
      });
    if (keyId && pinnedKey && pinnedKey !== keyId) {
      throw E.MKT_BAD_SIGNATURE({
        reason: `the registry's signing key changed from ${pinnedKey} to ${keyId} (resetRegistryKey() accepts the new one)`,
      });
    }

    const opDir = await createOperationDir(stagingDir);
    try {
      const { root, facts, integrity, signed } = await stageVersion({
        client: options.client,
        name,
        version,
        opDir,
        trust: options.trust,
        hostVersion: options.hostVersion,
        force: o.force ?? false,
        limits,
        onProgress: progress,
        signal: o.signal,
      });

      progress({ phase: 'move', extension: name });
      const folder = `${REGISTRY_DIR}/${version.id}`;
      const dest = join(dir, folder);
      const aside = join(opDir, 'replaced');
      const replacing = await exists(dest);
      if (replacing) {
        await io(() => journalAside(opDir, dest, aside));
        await io(() => rename(dest, aside));
      }
      try {
        await moveIntoPlace(root, dest);
      } catch (error) {
        if (replacing) await rename(aside, dest);
        throw error;
      }

      const record: InstalledVersion = {
        versionId: version.id,
        version: version.version,
        folder,
        type: facts.type,
        host: facts.host,
        execution: facts.execution,
        sandboxEnabled: facts.sandboxEnabled,
        requestedScopes: facts.requestedScopes,
        integrity,
        signature: signed ? version.signature! : '',
        keyId: signed ? (version.signature_key_id ?? '') : '',
        manifestDigest: facts.manifestDigest,
        publisher: { id: version.publisher.id, username: version.publisher.username, verified: publisherVerified },
        bundled: facts.bundled,
        installedAt: new Date().toISOString(),
      };
      const ext: InstalledExtension = installed ?? {
        id: details.id,
        name,
        registry: options.client.registry,
        current: version.id,
        history: [],
        pinned: false,
        versions: {},
      };
      ext.id = details.id;
      ext.registry = options.client.registry;
      ext.versions[version.id] = record;
      if (activate) makeCurrent(ext, version.id);
      state.extensions[name] = ext;
      if (keyId) state.registryKeys = { ...state.registryKeys, [options.client.registry]: keyId };
      const pruned = prune(ext);
      try {
        await writeInstallState(dir, state);
      } catch (error) {
        await rm(dest, { recursive: true, force: true });
        if (replacing) await rename(aside, dest);
        throw error;
      }
      await Promise.all(pruned.map((p) => rm(p, { recursive: true, force: true })));
      progress({ phase: 'done', extension: name });
      return result(ext, record, true, previous);
    } finally {
      await removeOperationDir(opDir, options.stagingDir === undefined);
    }
  }

  async function uninstallFrom(state: InstallState, ext: InstalledExtension): Promise<UninstallResult> {
    const opDir = await createOperationDir(stagingDir);
    const moved: [string, string][] = [];
    try {
      try {
        // move every folder out first (renames), so a failure can put them all back
        for (const v of Object.values(ext.versions)) {
          const from = join(dir, v.folder);
          if (!(await exists(from))) continue;
          const to = join(opDir, v.versionId);
          await io(() => rename(from, to));
          moved.push([from, to]);
        }
        delete state.extensions[ext.name];
        await writeInstallState(dir, state);
      } catch (error) {
        for (const [from, to] of moved) await rename(to, from);
        state.extensions[ext.name] = ext;
        throw error;
      }
      return { id: ext.id, name: ext.name, removed: Object.keys(ext.versions) };
    } finally {
      await removeOperationDir(opDir, options.stagingDir === undefined);
    }
  }

  return {
    /**
     * Undoes what a process killed mid-operation left (see recoverInstalls); hosts run it at boot,
     * before they read the install state to load extensions.
     */
    recover(): Promise<RecoveryReport> {
      const run = queue.then(() => recoverInstalls(dir, options.stagingDir));
      queue = run.catch(() => {});
      return run;
    },

    /** Installs a version: a version id, an exact version, a range, or (default) the newest compatible one. */
    install(extension: string, versionRef?: string, o: OperationOptions = {}): Promise<InstallResult> {
      return exclusive(async (state) => {
        const details = await options.client.describe(extension);
        return installVersion(
          state,
          details,
          selectVersion(details, versionRef, options.hostVersion, o.force ?? false),
          o,
        );
      });
    },

    /** Moves an installed extension to a newer version (default: the newest compatible); `changed: false` when up to date. */
    update(extension: string, versionRef?: string, o: OperationOptions = {}): Promise<InstallResult> {
      return exclusive(async (state) => {
        const ext = find(state, extension);
        const current = ext.versions[ext.current];
        if (ext.pinned && !o.force) throw E.MKT_PINNED({ name: ext.name, version: current.version });
        const details = await options.client.describe(ext.name);
        const target = versionRef
          ? selectVersion(details, versionRef, options.hostVersion, o.force ?? false)
          : selectUpdate(details, current.version, options.hostVersion);
        if (!target) return result(ext, current, false);
        return installVersion(state, details, target, o);
      });
    },

    /** Makes an installed (kept) version current, e.g. once the admin granted its scopes. */
    activate(extension: string, versionId: string): Promise<InstallResult> {
      return exclusive(async (state) => {
        const ext = find(state, extension);
        const v = Object.hasOwn(ext.versions, versionId) ? ext.versions[versionId] : undefined;
        if (!v) throw E.MKT_VERSION_NOT_FOUND({ id: versionId });
        checkKeptTrust(ext, v);
        const previous = ext.versions[ext.current];
        const changed = ext.current !== versionId;
        makeCurrent(ext, versionId);
        if (changed) await writeInstallState(dir, state);
        return result(ext, v, changed, previous);
      });
    },

    /** Back to the version that was current before (or to a given kept version). No download. */
    rollback(extension: string, versionId?: string): Promise<InstallResult> {
      return exclusive(async (state) => {
        const ext = find(state, extension);
        const target = versionId ?? [...ext.history].reverse().find((id) => ext.versions[id]);
        if (!target || target === ext.current) throw E.MKT_NO_PREVIOUS_VERSION({ name: ext.name });
        const v = Object.hasOwn(ext.versions, target) ? ext.versions[target] : undefined;
        if (!v) throw E.MKT_VERSION_NOT_FOUND({ id: target });
        checkKeptTrust(ext, v);
        if (!(await exists(join(dir, v.folder))))
          throw E.MKT_INSTALL_IO({ reason: `kept folder ${v.folder} is missing` });
        const previous = ext.versions[ext.current];
        ext.history = ext.history.filter((id) => id !== target && id !== ext.current);
        ext.current = target;
        await writeInstallState(dir, state);
        return result(ext, v, true, previous);
      });
    },

    /** Removes every kept version of an extension and its state entry. */
    uninstall(extension: string): Promise<UninstallResult> {
      return exclusive((state) => uninstallFrom(state, find(state, extension)));
    },

    /** Forgets the signing key pinned for this registry (after a deliberate key rotation). */
    resetRegistryKey(): Promise<void> {
      return exclusive(async (state) => {
        if (!state.registryKeys?.[options.client.registry]) return;
        delete state.registryKeys[options.client.registry];
        await writeInstallState(dir, state);
      });
    },

    /** A pinned extension is skipped by `update` unless forced. */
    pin(extension: string, pinned = true): Promise<void> {
      return exclusive(async (state) => {
        find(state, extension).pinned = pinned;
        await writeInstallState(dir, state);
      });
    },

    /** What is installed, with `missing: true` where the current folder is gone from disk. */
    async listInstalled() {
      const state = await readInstallState(dir);
      return Promise.all(
        Object.values(state.extensions).map(async (ext) => {
          const current = ext.versions[ext.current];
          return { ...ext, currentVersion: current, missing: !(await exists(join(dir, current.folder))) };
        }),
      );
    },

    exportLock: async (): Promise<LockFile> => exportLock(await readInstallState(dir), options.client.registry),

    /** Installs exactly the versions a lock names (same bytes: integrity must match); `prune` uninstalls the rest. */
    importLock(lock: unknown, o: { force?: boolean; prune?: boolean } = {}): Promise<ImportResult[]> {
      return exclusive(async (state) =>
        importLock(lock, state, {
          describe: (name) => options.client.describe(name),
          install: async (details, version, pinned) => {
            const r = await installVersion(state, details, version, { force: o.force, activate: true });
            state.extensions[details.name].pinned = pinned;
            await writeInstallState(dir, state);
            return r;
          },
          uninstall: o.prune ? (name) => uninstallFrom(state, find(state, name)) : undefined,
        }),
      );
    },
  };
}
