import os from 'node:os';
import type { SandboxInstance } from '@annex/runtime';
import { toErrorRecord, type ErrorRecord, type Scopes } from '@annex/protocol';
import { errors } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { CallTokens } from '../sandbox/call-tokens.js';
import { activateSandboxedUnit } from './activate-sandboxed.js';
import { activateTrustedUnit } from './activate-trusted.js';
import type { Disposer } from './context.js';
import { discover, type DiscoveryOptions } from './discovery.js';
import { createGeneration, drain, type Generation } from './generation.js';
import { getModuleDefault, loadTrustedModule } from './loader.js';
import { isPendingGrant, type Settings, type SettingsRow } from './settings.js';
import type { DiscoveredPackage, ExtensionDescriptor, ExtensionState, ExtensionUnit } from './types.js';
import { validatePackage } from './validation.js';
import { runMigrations } from './migrations.js';
import { recordExtensionChange } from '../audit/activity.js';

/** Everything the manager tracks for one package folder. */
export interface PackageRecord {
  key: string;
  found: DiscoveredPackage;
  desc?: ExtensionDescriptor;
  row: SettingsRow;
  state: ExtensionState;
  lastError: ErrorRecord | null;
  gen?: Generation;
  disposers: Disposer[];
  instances: SandboxInstance[];
  activatedAt?: string;
  /** A bundle's entry rows as its last activation read them. */
  childrenSeen?: SettingsRow[];
  /** Counters of generations already retired, so metrics survive reloads and grants. */
  totals: { calls: number; errors: number; wallTimeMs: number };
}

function retire(rec: PackageRecord, gen: Generation): void {
  rec.totals.calls += gen.calls;
  rec.totals.errors += gen.errors;
  rec.totals.wallTimeMs += gen.wallTimeMs;
}

export interface StateChange {
  id: string;
  key: string;
  state: ExtensionState;
  lastError: ErrorRecord | null;
}

const BUNDLE_EXPORTS = { hook: 'hooks', endpoint: 'endpoints', operation: 'operations' } as const;

async function runDisposers(disposers: Disposer[], onError: (e: unknown) => void): Promise<void> {
  for (const d of [...disposers].reverse()) {
    try {
      await d();
    } catch (e) {
      onError(e);
    }
  }
}

/**
 * Orchestrates discovery → validation → settings → activation. One package's failure is
 * recorded on that package only; reload swaps generations so traffic never sees a gap.
 */
export interface ManagerOptions {
  /** Folders (version ids) of `.registry` installs to load; the others are kept versions. */
  activeRegistryFolders?: () => Promise<Set<string>>;
  /** Extensions whose rows stay even while this host lacks their files (other hosts of a cluster run them). */
  retainedNames?: () => Promise<Set<string>>;
  /** Called after an administrator enabled, disabled, granted or revoked something here. */
  onAdminChange?: () => void;
}

/** What decides activation in a package's rows: compared to notice changes another host wrote. */
function rowSignature(row: SettingsRow, children: SettingsRow[]): string {
  return JSON.stringify([row.enabled, row.granted_scopes, row.pending_version ?? null, row.quarantine?.at ?? null, children.map((c) => [c.id, c.enabled])]);
}

/** Who quarantined an extension, for the record every host reads. */
const HOST_LABEL = `${os.hostname()}:${process.pid}`;

export function createExtensionManager(kernel: Kernel, settings: Settings, tokens: CallTokens, discovery: DiscoveryOptions, options: ManagerOptions = {}) {
  const { activeRegistryFolders, retainedNames } = options;
  const adminChanged = () => options.onAdminChange?.();
  const records = new Map<string, PackageRecord>();
  const listeners = new Set<(change: StateChange) => void>();
  const queues = new Map<string, Promise<unknown>>();
  const log = kernel.logger.child({ component: 'extensions' });
  /** Extension and unit ids → the roles that may use them; only restricted extensions are in it. */
  let access = new Map<string, ReadonlySet<string>>();

  /** null, or a list of role ids that exist and `$public` (duplicates dropped). */
  async function checkRoles(input: unknown): Promise<string[] | null> {
    if (input === null) return null;
    if (!Array.isArray(input) || !input.every((r) => typeof r === 'string' && r.length > 0 && r.length <= 64)) {
      throw errors.INVALID_PAYLOAD({ reason: '"roles" must be null or a list of role ids and "$public".' });
    }
    const roles = [...new Set(input as string[])];
    const ids = roles.filter((r) => r !== '$public');
    const known = new Set(ids.length ? (await kernel.knex('directus_roles').whereIn('id', ids).select('id')).map((r: { id: string }) => r.id) : []);
    const unknown = ids.filter((r) => !known.has(r));
    if (unknown.length) throw errors.INVALID_PAYLOAD({ reason: `"roles" names roles that do not exist: ${unknown.join(', ')}.` });
    return roles;
  }

  function rebuildAccess(): void {
    const next = new Map<string, ReadonlySet<string>>();
    for (const rec of records.values()) {
      const roles = rec.row.allowed_roles;
      if (!rec.desc || !Array.isArray(roles)) continue;
      const set = new Set(roles);
      next.set(rec.desc.id, set);
      for (const u of rec.desc.units) next.set(u.id, set);
    }
    access = next;
  }

  /** Serialises work per package key (and `*` for whole-set operations). */
  function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    queues.set(key, next.catch(() => undefined));
    return next;
  }

  // While the host shuts down, extensions are deactivated but their recorded state (what
  // `annex extensions list` shows offline) stays the last one they had while running.
  let closing = false;

  async function setState(rec: PackageRecord, state: ExtensionState, lastError: ErrorRecord | null = rec.lastError): Promise<void> {
    rec.state = state;
    rec.lastError = lastError;
    if (!closing) await settings.setState(rec.row.id, state, lastError).catch((e) => log.warn({ err: e }, 'could not persist extension state'));
    const change = { id: rec.desc?.id ?? rec.found.folder, key: rec.key, state, lastError };
    for (const l of listeners) l(change);
    if (state === 'failed') log.error({ extension: change.id, error: lastError }, `extension ${change.id} failed: ${lastError?.message}`);
  }

  async function enabledUnits(rec: PackageRecord): Promise<ExtensionUnit[]> {
    const desc = rec.desc!;
    if (desc.type !== 'bundle') return desc.units;
    const children = await settings.children(rec.row.id);
    rec.childrenSeen = children;
    return desc.units.filter((u) => children.find((c) => c.name === u.id)?.enabled !== false);
  }

  /** Activates a new generation; on success it replaces the current one (drained, disposed). */
  async function activate(rec: PackageRecord): Promise<void> {
    const desc = rec.desc;
    if (!desc) return;
    if (!rec.row.enabled) return deactivate(rec, 'inactive');
    if (desc.units.some((u) => u.sandboxed) && isPendingGrant(rec.row)) {
      await deactivate(rec, 'pending');
      return;
    }
    const previous = rec.gen ? { gen: rec.gen, disposers: rec.disposers } : undefined;
    if (!previous) await setState(rec, 'activating', null);
    const gen = createGeneration();
    const disposers: Disposer[] = [];
    const instances: SandboxInstance[] = [];
    try {
      const units = await enabledUnits(rec);
      for (const m of await runMigrations(kernel.knex, desc)) {
        log.info({ extension: desc.id, migration: m.name }, `migration ${m.name} of ${desc.id} applied`);
        await recordExtensionChange(kernel.knex, log, { user: null, origin: 'host' }, 'migrate', desc.id, { migration: m.name });
      }
      const trusted = units.filter((u) => u.entry.api && !u.sandboxed);
      let mod: unknown;
      if (trusted.length) mod = await loadTrustedModule(trusted[0]!.entry.api!, (rec.found.pkg as { type?: string }).type, desc.id);
      // Quarantined here before a restart, or on another host: its sandboxed code stays unloaded until a reset.
      const quarantined = (unit: ExtensionUnit) => !!rec.row.quarantine && (rec.row.quarantine.unit === undefined || rec.row.quarantine.unit === unit.id);
      for (const unit of units) {
        if (unit.entry.api && unit.sandboxed) {
          if (quarantined(unit)) continue;
          instances.push(await activateSandboxedUnit(kernel, tokens, desc, unit, rec.row.granted_scopes ?? {}, disposers, gen));
        } else if (unit.entry.api) {
          let config: unknown;
          if (desc.type === 'bundle') {
            const list = (mod as Record<string, { name: string; config: unknown }[] | undefined>)[BUNDLE_EXPORTS[unit.type as keyof typeof BUNDLE_EXPORTS]];
            config = list?.find((e) => e.name === unit.name)?.config;
            if (config === undefined) throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: `the bundle's api entry does not export ${unit.type} "${unit.name}"` });
          } else {
            config = getModuleDefault(mod);
          }
          await activateTrustedUnit(kernel, desc, unit, config, disposers, gen, kernel.config.extensionsRegisterTimeoutMs);
        }
        if (unit.entry.app) {
          disposers.push(kernel.apps.register({ id: unit.id, extension: desc.id, type: desc.type === 'bundle' ? unit.type : desc.type, file: unit.entry.app, source: desc.source, ...(desc.type === 'bundle' ? { entries: [{ name: unit.name, type: unit.type }] } : {}) }));
        }
      }
    } catch (e) {
      await runDisposers(disposers, (err) => log.warn({ err }, 'disposer failed after a failed activation'));
      const record = toErrorRecord(e, 'HOST_REGISTER_FAILED');
      if (previous) {
        // Keep the last good generation serving; record the error on the extension.
        rec.lastError = record;
        await settings.setState(rec.row.id, rec.state, record).catch(() => undefined);
        for (const l of listeners) l({ id: desc.id, key: rec.key, state: rec.state, lastError: record });
        log.error({ extension: desc.id, error: record }, `reload of ${desc.id} failed; the previous version keeps serving`);
        return;
      }
      await setState(rec, 'failed', record);
      return;
    }
    // Switch traffic in one synchronous step, then drain and dispose the old generation.
    gen.live = true;
    if (previous) previous.gen.live = false;
    rec.gen = gen;
    rec.disposers = disposers;
    rec.instances = instances;
    rec.activatedAt = new Date().toISOString();
    if (rec.row.quarantine) await setState(rec, 'quarantined', rec.row.quarantine.error);
    else await setState(rec, 'active', null);
    if (previous) {
      await drain(previous.gen);
      retire(rec, previous.gen);
      await runDisposers(previous.disposers, (err) => log.warn({ err }, 'disposer failed'));
    }
  }

  async function deactivate(rec: PackageRecord, next: ExtensionState, drainMs?: number): Promise<void> {
    if (rec.gen) {
      await setState(rec, 'deactivating');
      const gen = rec.gen;
      gen.live = false;
      await drain(gen, drainMs);
      retire(rec, gen);
      await runDisposers(rec.disposers, (err) => log.warn({ err }, 'disposer failed'));
      rec.gen = undefined;
      rec.disposers = [];
      rec.instances = [];
    }
    await setState(rec, next, next === 'failed' ? rec.lastError : null);
  }

  /** Validates found packages, rejecting duplicate ids (the first one wins). */
  function validateAll(found: DiscoveredPackage[]): { pkg: DiscoveredPackage; desc?: ExtensionDescriptor; error?: ErrorRecord }[] {
    // Active packages that are still on disk keep their id; a newcomer with the same id loses.
    const foundKeys = new Set(found.map((f) => `${f.source}:${f.folder}`));
    const owners = new Map<string, string>();
    for (const rec of records.values()) if (rec.desc && rec.gen && foundKeys.has(rec.key)) owners.set(rec.desc.id, rec.key);
    return found.map((pkg) => {
      try {
        const desc = validatePackage(pkg);
        const key = `${pkg.source}:${pkg.folder}`;
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
    const found = await discover(discovery, activeRegistryFolders ? await activeRegistryFolders() : undefined);
    const validated = validateAll(found);
    const rows = await settings.reconcile(validated, retainedNames ? await retainedNames() : undefined);
    const seen = new Set<string>();
    for (const v of validated) {
      const key = `${v.pkg.source}:${v.pkg.folder}`;
      seen.add(key);
      if (onlyKeys && !onlyKeys.has(key) && records.has(key)) continue;
      let rec = records.get(key);
      const row = rows.get(key)!;
      if (!rec) {
        rec = { key, found: v.pkg, row, state: 'discovered', lastError: null, disposers: [], instances: [], totals: { calls: 0, errors: 0, wallTimeMs: 0 } };
        records.set(key, rec);
      }
      rec.found = v.pkg;
      rec.row = row;
      if (v.error) {
        if (rec.gen) {
          rec.lastError = v.error; // last good version keeps serving
          await settings.setState(row.id, rec.state, v.error);
          for (const l of listeners) l({ id: rec.desc?.id ?? v.pkg.folder, key, state: rec.state, lastError: v.error });
          log.error({ extension: rec.desc?.id ?? v.pkg.folder, error: v.error }, 'extension is invalid; the previous version keeps serving');
        } else {
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
    rebuildAccess();
  }

  async function liftQuarantine(rec: PackageRecord): Promise<void> {
    await settings.setQuarantine(rec.row.id, null);
    rec.row = { ...rec.row, quarantine: null };
    adminChanged();
  }

  function find(idOrRowId: string): PackageRecord | undefined {
    for (const rec of records.values()) if (rec.row.id === idOrRowId || rec.desc?.id === idOrRowId || rec.found.folder === idOrRowId) return rec;
    return undefined;
  }

  return {
    records: () => [...records.values()],
    find,
    /** First load at boot (also used to resync everything). */
    loadAll: () => serial('*', () => sync()),
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

    /** Directus PATCH semantics for `enabled`, including bundle parent/child rules. */
    async setEnabled(rowId: string, enabled: boolean): Promise<void> {
      const rows = await settings.all();
      const row = rows.find((r) => r.id === rowId);
      if (!row) throw errors.HOST_EXTENSION_NOT_FOUND({ id: rowId });
      const parentRow = row.bundle ? rows.find((r) => r.id === row.bundle) : row;
      const rec = parentRow && [...records.values()].find((r) => r.row.id === parentRow.id);
      if (!rec || !parentRow) throw errors.HOST_EXTENSION_NOT_FOUND({ id: rowId });
      if (!enabled && rec.desc?.locked) throw errors.HOST_EXTENSION_LOCKED({ id: rec.desc.id });
      if (row.bundle) {
        if (rec.desc && !rec.desc.partial) throw errors.UNPROCESSABLE_CONTENT({ reason: `Bundle "${rec.desc.id}" is not partial: its entries can only be toggled together.` });
        await settings.setEnabled([row.id], enabled);
        const children = rows.filter((r) => r.bundle === parentRow.id).map((c) => (c.id === row.id ? { ...c, enabled } : c));
        await settings.setEnabled([parentRow.id], children.some((c) => c.enabled));
      } else {
        await settings.setEnabled([row.id, ...rows.filter((r) => r.bundle === row.id).map((r) => r.id)], enabled);
      }
      rec.row = (await settings.byId(parentRow.id))!;
      adminChanged();
      await serial(rec.key, async () => {
        if (!rec.row.enabled) await deactivate(rec, 'inactive');
        else await activate(rec);
      });
    },

    /** Grants scopes (default: everything requested) and re-activates the extension. */
    async grant(idOrRowId: string, scopes?: Scopes): Promise<void> {
      const rec = find(idOrRowId);
      if (!rec?.desc) throw errors.HOST_EXTENSION_NOT_FOUND({ id: idOrRowId });
      await settings.setGrants(rec.row.id, scopes ?? rec.row.requested_scopes ?? {});
      rec.row = (await settings.byId(rec.row.id))!;
      adminChanged();
      await serial(rec.key, () => activate(rec));
    },

    /** Revokes every granted scope; calls then fail with FORBIDDEN. */
    async revoke(idOrRowId: string): Promise<void> {
      const rec = find(idOrRowId);
      if (!rec?.desc) throw errors.HOST_EXTENSION_NOT_FOUND({ id: idOrRowId });
      await settings.setGrants(rec.row.id, {});
      rec.row = (await settings.byId(rec.row.id))!;
      adminChanged();
      await serial(rec.key, () => activate(rec));
    },

    /**
     * Applies what another host changed in the rows (enabled, grants, a staged version):
     * re-reads them and re-activates or deactivates the packages whose rows differ.
     */
    refresh: () =>
      serial('*', async () => {
        const rows = await settings.all();
        const byId = new Map(rows.map((r) => [r.id, r]));
        const byFolder = new Map(rows.filter((r) => !r.bundle).map((r) => [`${r.source}:${r.folder}`, r]));
        for (const rec of records.values()) {
          /* A row another host deleted and created again has a new id: the folder still names it. */
          const row = byId.get(rec.row.id) ?? byFolder.get(rec.key);
          if (!row || !rec.desc) continue;
          const seen = rowSignature(rec.row, rec.childrenSeen ?? []);
          rec.row = row;
          if (rowSignature(row, rows.filter((r) => r.bundle === row.id)) === seen) continue;
          await serial(rec.key, async () => {
            if (!rec.row.enabled) await deactivate(rec, 'inactive');
            else await activate(rec);
          });
        }
        rebuildAccess();
      }),

    /**
     * Whether `accountability` may use what `owner` (an extension or unit id) serves. Everyone may
     * unless an administrator listed roles; administrators always may; `$public` admits anonymous calls.
     */
    mayUse(owner: string, accountability: { admin?: boolean; role?: string | null } | null | undefined): boolean {
      if (access.size === 0) return true;
      const roles = access.get(owner);
      if (!roles || accountability?.admin) return true;
      return accountability?.role ? roles.has(accountability.role) : roles.has('$public');
    },

    /**
     * Limits an extension to `roles` (existing role ids, `$public`), or opens it to everyone again
     * (null). Returns the list as stored.
     */
    async setRoles(idOrRowId: string, input: unknown): Promise<string[] | null> {
      const rec = find(idOrRowId);
      if (!rec?.desc) throw errors.HOST_EXTENSION_NOT_FOUND({ id: idOrRowId });
      if (rec.desc.locked) throw errors.HOST_EXTENSION_LOCKED({ id: rec.desc.id });
      const roles = await checkRoles(input);
      await settings.setRoles(rec.row.id, roles);
      rec.row = (await settings.byId(rec.row.id))!;
      rebuildAccess();
      adminChanged();
      return roles;
    },

    /** Re-activates a quarantined or failed extension. */
    async reset(idOrRowId: string): Promise<void> {
      const rec = find(idOrRowId);
      if (!rec?.desc) throw errors.HOST_EXTENSION_NOT_FOUND({ id: idOrRowId });
      if (rec.row.quarantine) await liftQuarantine(rec);
      for (const i of rec.instances) (i as { resetQuarantine?: () => void }).resetQuarantine?.();
      await serial(rec.key, async () => {
        if (rec.state === 'quarantined' || rec.state === 'failed') await deactivate(rec, 'inactive');
        await activate(rec);
      });
    },

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
      adminChanged();
    },

    onChange(listener: (change: StateChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Required extensions that are not active (health → degraded). */
    failedRequired: () => [...records.values()].filter((r) => r.desc?.required && r.state !== 'active').map((r) => r.desc!.id),

    /** Deactivates everything; calls still running get until `deadline` (epoch ms) to finish. */
    async close(deadline = Date.now() + 10_000): Promise<void> {
      closing = true;
      await serial('*', async () => {
        const all = [...records.values()].reverse();
        for (const rec of all) await serial(rec.key, () => deactivate(rec, 'inactive', Math.max(0, deadline - Date.now())));
      });
    },
  };
}

export type ExtensionManager = ReturnType<typeof createExtensionManager>;
