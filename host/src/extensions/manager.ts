import os from 'node:os';
import type { SandboxInstance } from '@annex/runtime';
import { getModuleDefault, toErrorRecord, type ErrorRecord } from '@annex/protocol';
import { errors } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { CallTokens } from '../sandbox/call-tokens.js';
import { createRoleAccess } from './access.js';
import { activateSandboxedUnit } from './activate-sandboxed.js';
import { activateTrustedUnit } from './activate-trusted.js';
import { createAdminCommands } from './admin-commands.js';
import { createClusterRefresh } from './cluster-refresh.js';
import { discover, type DiscoveryOptions } from './discovery.js';
import { drain } from './generation.js';
import { loadTrustedModule } from './loader.js';
import { registerExtensionRequirePath } from './require-path.js';
import type { ManagerCore } from './manager-core.js';
import { applyMigrations } from './migrations.js';
import { retire, type PackageRecord, type StateChange } from './record.js';
import { createExtensionScope } from './scope.js';
import { isPendingGrant, type Settings } from './settings.js';
import type { DiscoveredPackage, ExtensionDescriptor, ExtensionState, ExtensionUnit } from './types.js';
import { registerAppUnit } from './units/app.js';
import { validatePackage } from './validation.js';

export type { PackageRecord, StateChange };

const BUNDLE_EXPORTS = { hook: 'hooks', endpoint: 'endpoints', operation: 'operations' } as const;

export interface ManagerOptions {
  /** Folders (version ids) of `.registry` installs to load; the others are kept versions. */
  activeRegistryFolders?: () => Promise<Set<string>>;
  /** Extensions whose rows stay even while this host lacks their files (other hosts of a cluster run them). */
  retainedNames?: () => Promise<Set<string>>;
  /** Called after an administrator enabled, disabled, granted or revoked something here. */
  onAdminChange?: () => Promise<void> | void;
}

/** Who quarantined an extension, for the record every host reads. */
const HOST_LABEL = `${os.hostname()}:${process.pid}`;

/** Two parsed package.json documents with the same content (key order included, as read from disk). */
function sameManifest(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The config a trusted API unit registers: a bundle's named entry, or the module's default. */
function unitConfig(desc: ExtensionDescriptor, unit: ExtensionUnit, mod: unknown): unknown {
  if (desc.type !== 'bundle') return getModuleDefault(mod);
  const list = (mod as Record<string, { name: string; config: unknown }[] | undefined>)[
    BUNDLE_EXPORTS[unit.type as keyof typeof BUNDLE_EXPORTS]
  ];
  const config = list?.find((e) => e.name === unit.name)?.config;
  if (config === undefined)
    throw errors.HOST_INVALID_EXPORT({
      id: unit.id,
      reason: `the bundle's api entry does not export ${unit.type} "${unit.name}"`,
    });
  return config;
}

/**
 * The extension state machine: discovery → validation → settings → activation, per package.
 * One package's failure is recorded on that package only; reload swaps activations (scopes) so
 * traffic never sees a gap. Admin commands, role access and cluster refresh are built around it.
 */
export function createExtensionManager(
  kernel: Kernel,
  settings: Settings,
  tokens: CallTokens,
  discovery: DiscoveryOptions,
  options: ManagerOptions = {},
) {
  const { activeRegistryFolders, retainedNames } = options;
  const records = new Map<string, PackageRecord>();
  const listeners = new Set<(change: StateChange) => void>();
  const queues = new Map<string, Promise<unknown>>();
  const log = kernel.logger.child({ component: 'extensions' });
  const access = createRoleAccess(kernel.knex);

  /** Serialises work per package key (and `*` for whole-set operations). */
  function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  // While the host shuts down, extensions are deactivated but their recorded state (what
  // `annex extensions list` shows offline) stays the last one they had while running.
  let closing = false;

  function notify(change: StateChange): void {
    for (const l of listeners) l(change);
  }

  /*
   * During the boot load nothing reads the table yet (the HTTP server is not listening): states are
   * kept here and written at its end in one transaction, only those that differ from the row (most
   * are what the previous run left), instead of two autocommits per extension (issue 20: boot).
   */
  let deferredStates:
    | Map<string, { rec: PackageRecord; state: ExtensionState; lastError: ErrorRecord | null }>
    | undefined;

  async function flushDeferredStates(): Promise<void> {
    const batch = deferredStates;
    deferredStates = undefined;
    if (!batch) return;
    const changed = [...batch.entries()]
      .filter(
        ([, e]) =>
          e.state !== e.rec.row.state ||
          JSON.stringify(e.lastError ?? null) !== JSON.stringify(e.rec.row.last_error ?? null),
      )
      .map(([id, e]) => ({ id, state: e.state, lastError: e.lastError }));
    await settings.setStates(changed).catch((e) => log.warn({ err: e }, 'could not persist extension states'));
  }

  async function setState(
    rec: PackageRecord,
    state: ExtensionState,
    lastError: ErrorRecord | null = rec.lastError,
  ): Promise<void> {
    rec.state = state;
    rec.lastError = lastError;
    if (!closing && deferredStates) deferredStates.set(rec.row.id, { rec, state, lastError });
    else if (!closing)
      await settings
        .setState(rec.row.id, state, lastError)
        .catch((e) => log.warn({ err: e }, 'could not persist extension state'));
    const change = { id: rec.desc?.id ?? rec.found.folder, key: rec.key, state, lastError };
    notify(change);
    if (state === 'failed')
      log.error({ extension: change.id, error: lastError }, `extension ${change.id} failed: ${lastError?.message}`);
  }

  /** The last good version keeps serving: the error is recorded on it, its state stays. */
  async function keepServing(rec: PackageRecord, record: ErrorRecord, message: string): Promise<void> {
    rec.lastError = record;
    await settings.setState(rec.row.id, rec.state, record).catch(() => undefined);
    notify({ id: rec.desc?.id ?? rec.found.folder, key: rec.key, state: rec.state, lastError: record });
    log.error({ extension: rec.desc?.id ?? rec.found.folder, error: record }, message);
  }

  async function enabledUnits(rec: PackageRecord): Promise<ExtensionUnit[]> {
    const desc = rec.desc!;
    if (desc.type !== 'bundle') return desc.units;
    const children = await settings.children(rec.row.id);
    rec.childrenSeen = children;
    return desc.units.filter((u) => children.find((c) => c.name === u.id)?.enabled !== false);
  }

  /** Activates a new scope; on success it replaces the current one (drained, disposed). */
  async function activate(rec: PackageRecord): Promise<void> {
    const desc = rec.desc;
    if (!desc) return;
    if (!rec.row.enabled) return deactivate(rec, 'inactive');
    if (desc.units.some((u) => u.sandboxed) && isPendingGrant(rec.row)) {
      await deactivate(rec, 'pending');
      return;
    }
    const previous = rec.scope;
    if (!previous) await setState(rec, 'activating', null);
    const scope = createExtensionScope();
    const instances: SandboxInstance[] = [];
    try {
      const units = await enabledUnits(rec);
      await applyMigrations(kernel.knex, log, desc);
      const trusted = units.filter((u) => u.entry.api && !u.sandboxed);
      let mod: unknown;
      // `require('express')` and other host packages resolve from the extension's folder, as in a Directus install.
      if (trusted.length) scope.defer(registerExtensionRequirePath(desc.dir));
      if (trusted.length)
        mod = await loadTrustedModule(trusted[0]!.entry.api!, (rec.found.pkg as { type?: string }).type, desc.id);
      // Quarantined here before a restart, or on another host: its sandboxed code stays unloaded until a reset.
      const quarantined = (unit: ExtensionUnit) =>
        !!rec.row.quarantine && (rec.row.quarantine.unit === undefined || rec.row.quarantine.unit === unit.id);
      for (const unit of units) {
        if (unit.entry.api && unit.sandboxed) {
          if (quarantined(unit)) continue;
          instances.push(
            await activateSandboxedUnit(
              kernel,
              tokens,
              scope,
              desc,
              unit,
              rec.row.granted_scopes ?? {},
              async (events) => {
                const now = await settings.requestEvents(rec.row.id, events);
                rec.row = (await settings.byId(rec.row.id)) ?? rec.row;
                return now;
              },
            ),
          );
        } else if (unit.entry.api) {
          await activateTrustedUnit(
            kernel,
            scope,
            desc,
            unit,
            unitConfig(desc, unit, mod),
            kernel.config.extensionsRegisterTimeoutMs,
          );
        }
        registerAppUnit(kernel, scope, desc, unit);
      }
    } catch (e) {
      await scope.dispose((err) => log.warn({ err }, 'disposer failed after a failed activation'));
      const record = toErrorRecord(e, 'HOST_REGISTER_FAILED');
      // A sandboxed hook registered for events no administrator granted yet: it waits, it did not fail.
      if (record.code === 'HOST_SCOPES_PENDING' && !previous) {
        rec.row = (await settings.byId(rec.row.id)) ?? rec.row;
        await setState(rec, 'pending', null);
        return;
      }
      if (previous) return keepServing(rec, record, `reload of ${desc.id} failed; the previous version keeps serving`);
      await setState(rec, 'failed', record);
      return;
    }
    // Switch traffic in one synchronous step, then drain and dispose the old activation.
    scope.gen.live = true;
    if (previous) previous.gen.live = false;
    rec.scope = scope;
    rec.instances = instances;
    rec.activatedAt = new Date().toISOString();
    if (rec.row.quarantine) await setState(rec, 'quarantined', rec.row.quarantine.error);
    else await setState(rec, 'active', null);
    if (previous) {
      await drain(previous.gen);
      retire(rec, previous.gen);
      await previous.dispose((err) => log.warn({ err }, 'disposer failed'));
    }
  }

  async function deactivate(rec: PackageRecord, next: ExtensionState, drainMs?: number): Promise<void> {
    const scope = rec.scope;
    if (scope) {
      await setState(rec, 'deactivating');
      scope.gen.live = false;
      await drain(scope.gen, drainMs);
      retire(rec, scope.gen);
      await scope.dispose((err) => log.warn({ err }, 'disposer failed'));
      rec.scope = undefined;
      rec.instances = [];
    }
    await setState(rec, next, next === 'failed' ? rec.lastError : null);
  }

  /**
   * Validates found packages, rejecting duplicate ids (the first one wins). A sync limited to some
   * packages (a reload, a rescan) keeps the descriptor of every other package whose manifest did not
   * change: it is not activated again either, and validating ≈ 25 packages (their entries' real paths
   * included) was a third of a one-extension reload.
   */
  function validateAll(
    found: DiscoveredPackage[],
    onlyKeys?: Set<string>,
  ): { pkg: DiscoveredPackage; desc?: ExtensionDescriptor; error?: ErrorRecord }[] {
    // Active packages that are still on disk keep their id; a newcomer with the same id loses.
    const foundKeys = new Set(found.map((f) => `${f.source}:${f.folder}`));
    const owners = new Map<string, string>();
    for (const rec of records.values())
      if (rec.desc && rec.scope && foundKeys.has(rec.key)) owners.set(rec.desc.id, rec.key);
    return found.map((pkg) => {
      try {
        const key = `${pkg.source}:${pkg.folder}`;
        const known = onlyKeys && !onlyKeys.has(key) ? records.get(key) : undefined;
        const desc =
          known?.desc && known.found.dir === pkg.dir && sameManifest(known.found.pkg, pkg.pkg)
            ? known.desc
            : validatePackage(pkg);
        const other = owners.get(desc.id);
        if (other && other !== key) throw errors.HOST_DUPLICATE_ID({ id: desc.id, other });
        owners.set(desc.id, key);
        return { pkg, desc };
      } catch (e) {
        return { pkg, error: toErrorRecord(e, 'HOST_MANIFEST_INVALID') };
      }
    });
  }

  /** Discovers everything, reconciles settings, and activates what changed or is new. */
  async function sync(onlyKeys?: Set<string>): Promise<void> {
    const found = discover(discovery, activeRegistryFolders ? await activeRegistryFolders() : undefined);
    const validated = validateAll(found, onlyKeys);
    const rows = await settings.reconcile(validated, retainedNames ? await retainedNames() : undefined);
    warmSandbox(validated, rows);
    const seen = new Set<string>();
    for (const v of validated) {
      const key = `${v.pkg.source}:${v.pkg.folder}`;
      seen.add(key);
      if (onlyKeys && !onlyKeys.has(key) && records.has(key)) continue;
      let rec = records.get(key);
      const row = rows.get(key)!;
      if (!rec) {
        rec = {
          key,
          found: v.pkg,
          row,
          state: 'discovered',
          lastError: null,
          instances: [],
          totals: { calls: 0, errors: 0, wallTimeMs: 0 },
        };
        records.set(key, rec);
      }
      rec.found = v.pkg;
      rec.row = row;
      if (v.error) {
        if (rec.scope) await keepServing(rec, v.error, 'extension is invalid; the previous version keeps serving');
        else {
          rec.desc = undefined;
          await setState(rec, 'failed', v.error);
        }
        continue;
      }
      rec.desc = v.desc;
      await serial(key, () => activate(rec!));
    }
    for (const [key, rec] of records) {
      if (seen.has(key)) continue;
      await serial(key, () => deactivate(rec, 'inactive'));
      records.delete(key);
    }
    access.rebuild(records.values());
  }

  /**
   * A load or rescan that finds an enabled sandboxed unit starts the first sandbox worker now, so the
   * worker's start (a process, isolated-vm) overlaps the activation of the trusted extensions before
   * it instead of being waited for by the first sandboxed one (issue 20: boot). One waiting for its
   * grant counts too: the grant then loads an isolate into a running worker instead of starting a
   * process on every host of the cluster (issue 17: a grant converges like an enable). A host with
   * no enabled sandboxed extension still starts no worker.
   */
  function warmSandbox(
    validated: ReturnType<typeof validateAll>,
    rows: Awaited<ReturnType<Settings['reconcile']>>,
  ): void {
    const wanted = validated.some((v) => {
      const row = rows.get(`${v.pkg.source}:${v.pkg.folder}`);
      return !v.error && row?.enabled && !row.quarantine && v.desc?.units.some((u) => u.sandboxed && u.entry.api);
    });
    if (wanted)
      void kernel.sandbox().then(
        (engine) => engine.warm?.(),
        () => undefined,
      );
  }

  async function liftQuarantine(rec: PackageRecord): Promise<void> {
    await settings.setQuarantine(rec.row.id, null);
    rec.row = { ...rec.row, quarantine: null };
    await options.onAdminChange?.();
  }

  function find(idOrRowId: string): PackageRecord | undefined {
    for (const rec of records.values())
      if (rec.row.id === idOrRowId || rec.desc?.id === idOrRowId || rec.found.folder === idOrRowId) return rec;
    return undefined;
  }

  const core: ManagerCore = {
    settings,
    access,
    log,
    records: () => records.values(),
    find,
    serial,
    activate,
    deactivate,
    liftQuarantine,
    adminChanged: async () => options.onAdminChange?.(),
  };

  return {
    records: () => [...records.values()],
    find,
    /** First load at boot (also used to resync everything). */
    loadAll: () =>
      serial('*', async () => {
        deferredStates = new Map();
        try {
          await sync();
        } finally {
          await flushDeferredStates();
        }
      }),
    /**
     * Re-reads one package (watcher, `POST /extensions/:id/reload`); keeps the last good version
     * when the new one fails. New code starts without the old code's quarantine.
     */
    reload: (key: string) =>
      serial('*', async () => {
        const rec = records.get(key);
        if (rec?.row.quarantine) await liftQuarantine(rec);
        await sync(new Set([key]));
      }),
    /** Picks up added and removed folders without touching unchanged packages. */
    rescan: () => serial('*', () => sync(new Set())),
    ...createAdminCommands(core),
    refresh: createClusterRefresh(core),
    mayUse: access.mayUse,

    /**
     * Marks an extension quarantined (called by the sandbox on repeated faults). Here its loaded
     * instances answer RT_QUARANTINED; the record in its row keeps it unloaded on every other
     * host and after a restart, until a reset or a reload.
     */
    async quarantine(unitId: string, error: ErrorRecord): Promise<void> {
      const rec = [...records.values()].find((r) => r.desc?.units.some((u) => u.id === unitId));
      if (!rec) return;
      if (rec.state !== 'quarantined') await setState(rec, 'quarantined', error);
      if (rec.row.quarantine) return;
      const quarantine = { at: new Date().toISOString(), host: HOST_LABEL, unit: unitId, error };
      try {
        await settings.setQuarantine(rec.row.id, quarantine);
      } catch (err) {
        log.warn({ err, extension: rec.desc?.id }, 'could not record the quarantine; it holds on this host only');
        return;
      }
      rec.row = { ...rec.row, quarantine };
      void options.onAdminChange?.();
    },

    onChange(listener: (change: StateChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Required extensions that are not active (health → degraded). */
    failedRequired: () =>
      [...records.values()].filter((r) => r.desc?.required && r.state !== 'active').map((r) => r.desc!.id),

    /** Deactivates everything; calls still running get until `deadline` (epoch ms) to finish. */
    async close(deadline = Date.now() + 10_000): Promise<void> {
      closing = true;
      await serial('*', async () => {
        const all = [...records.values()].reverse();
        for (const rec of all)
          await serial(rec.key, () => deactivate(rec, 'inactive', Math.max(0, deadline - Date.now())));
      });
    },
  };
}

export type ExtensionManager = ReturnType<typeof createExtensionManager>;
