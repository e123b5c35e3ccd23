import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { diffScopes, isEmptyScopes, mergeScopes, type ErrorRecord, type Scopes } from '@annex/protocol';
import { ExtensionSettingModel } from '../db/models.js';
import type { DiscoveredPackage, ExtensionDescriptor, ExtensionState } from './types.js';

export type GrantPolicy = 'local' | 'all' | 'none';

export interface SettingsRow {
  id: string;
  enabled: boolean;
  folder: string;
  source: string;
  bundle: string | null;
  name: string | null;
  type: string | null;
  version: string | null;
  pinned_version: string | null;
  state: string | null;
  last_error: ErrorRecord | null;
  requested_scopes: Scopes | null;
  granted_scopes: Scopes | null;
  updated_at: string | null;
  /** Marketplace: a staged version waiting for the admin to grant `pending_scopes`. */
  pending_version?: string | null;
  pending_scopes?: Scopes | null;
  /** Roles (ids, `$public`) that may use the extension; null: everyone. Administrators always may. */
  allowed_roles?: string[] | null;
  /** Set when repeated sandbox faults quarantined it on some host: every host keeps it quarantined until a reset. */
  quarantine?: Quarantine | null;
}

export interface Quarantine {
  at: string;
  /** The host that quarantined it (`os.hostname()` and pid). */
  host: string;
  /** The unit whose faults did it: only that unit's code stays unloaded. */
  unit?: string;
  error: ErrorRecord;
}

function requestedOf(desc: ExtensionDescriptor): Scopes {
  return desc.units.reduce<Scopes>((acc, u) => mergeScopes(acc, u.requestedScopes), {});
}

/** Reconciles of hosts sharing a PostgreSQL database take turns, so two never insert the same new package's row. */
const RECONCILE_LOCK = 0x616e6e78;

/** Whether the policy grants what an extension from `source` requests, without an admin. */
function autoGrants(policy: GrantPolicy, source: string): boolean {
  return policy === 'all' || (policy === 'local' && source !== 'registry');
}

/** The `directus_extensions` table plus Annex columns, reconciled with what is on disk. */
export function createSettings(knex: Knex, policy: GrantPolicy) {
  const q = () => ExtensionSettingModel.query(knex);

  return {
    all: async (): Promise<SettingsRow[]> => (await q()) as unknown as SettingsRow[],
    byId: async (id: string): Promise<SettingsRow | undefined> =>
      (await q().findById(id)) as unknown as SettingsRow | undefined,

    /**
     * Makes the table match the discovered packages: one row per package (valid or not), one
     * child per bundle entry; rows of vanished packages and entries are deleted (except packages
     * named in `retainedNames`, which other hosts of a cluster run). Returns the
     * parent row per package folder key `source:folder`.
     */
    async reconcile(
      found: { pkg: DiscoveredPackage; desc?: ExtensionDescriptor }[],
      retainedNames?: Set<string>,
    ): Promise<Map<string, SettingsRow>> {
      return knex.transaction(async (trx) => {
        if (knex.client.config.client === 'pg') await trx.raw('select pg_advisory_xact_lock(?)', [RECONCILE_LOCK]);
        const rows = (await ExtensionSettingModel.query(trx)) as unknown as SettingsRow[];
        const parents = new Map(rows.filter((r) => !r.bundle).map((r) => [`${r.source}:${r.folder}`, r]));
        const out = new Map<string, SettingsRow>();
        const keep = new Set<string>();
        const now = new Date().toISOString();
        // Marketplace installs keep one row across versions (the folder is the version id),
        // so enabled state and grants survive update and rollback.
        const registryByName = new Map(
          rows.filter((r) => !r.bundle && r.source === 'registry' && r.name).map((r) => [r.name!, r]),
        );
        for (const { pkg, desc } of found) {
          const key = `${pkg.source}:${pkg.folder}`;
          let row = parents.get(key);
          if (!row && pkg.source === 'registry' && desc) {
            const previous = registryByName.get(desc.id);
            if (previous && !found.some((f) => f.pkg.source === 'registry' && f.pkg.folder === previous.folder)) {
              // Another version is other code: it starts without the quarantine of the one it replaces.
              await ExtensionSettingModel.query(trx)
                .patch({ folder: pkg.folder, quarantine: null } as any)
                .where({ id: previous.id });
              row = { ...previous, folder: pkg.folder, quarantine: null };
            }
          }
          // The events a sandboxed hook registered for are read from its code at load, not from the
          // manifest: they stay requested across reconciles (so a revoke is not undone by a reload).
          const manifestRequested = desc ? requestedOf(desc) : null;
          const requested =
            manifestRequested && row?.requested_scopes?.events
              ? mergeScopes(manifestRequested, { events: row.requested_scopes.events })
              : manifestRequested;
          const meta = {
            name: desc?.id ?? pkg.folder,
            type: desc?.type ?? null,
            version: desc?.version ?? null,
            requested_scopes: requested,
          };
          if (!row) {
            const granted = requested && autoGrants(policy, pkg.source) ? requested : null;
            row = {
              id: randomUUID(),
              enabled: true,
              folder: pkg.folder,
              source: pkg.source,
              bundle: null,
              pinned_version: null,
              state: 'discovered',
              last_error: null,
              granted_scopes: granted,
              updated_at: now,
              ...meta,
            };
            await ExtensionSettingModel.query(trx).insert(row as any);
          } else {
            let granted = row.granted_scopes;
            // Operator-placed code gets what an edit newly asks for under the `local` policy; what an
            // administrator revoked stays revoked (only scopes not requested before are added).
            const added = requested ? diffScopes(requested, (row.requested_scopes as Scopes | null) ?? {}) : {};
            if (requested && autoGrants(policy, pkg.source) && !isEmptyScopes(added))
              granted = mergeScopes(granted ?? {}, added);
            // Compared as values, whatever the key order (PostgreSQL's jsonb returns keys in its own order).
            const changed =
              !isDeepStrictEqual(granted, row.granted_scopes) ||
              (Object.keys(meta) as (keyof typeof meta)[]).some((k) => !isDeepStrictEqual(meta[k], row![k]));
            /* A rescan writes only what changed: rewriting every row took most of a rescan and made hosts wait on each other's row locks. */
            if (changed) {
              const patch = { ...meta, granted_scopes: granted, updated_at: now };
              await ExtensionSettingModel.query(trx)
                .patch(patch as any)
                .where({ id: row.id });
              row = { ...row, ...patch };
            }
          }
          keep.add(row.id);
          out.set(key, row);
          if (desc?.type === 'bundle') {
            const children = rows.filter((r) => r.bundle === row!.id);
            for (const unit of desc.units) {
              const entryName = unit.id.slice(desc.id.length + 1);
              let child = children.find((c) => c.folder === entryName);
              if (!child) {
                child = {
                  id: randomUUID(),
                  enabled: row.enabled,
                  folder: entryName,
                  source: pkg.source,
                  bundle: row.id,
                  name: unit.id,
                  type: unit.type,
                  version: desc.version,
                  pinned_version: null,
                  state: 'discovered',
                  last_error: null,
                  requested_scopes: null,
                  granted_scopes: null,
                  updated_at: now,
                };
                await ExtensionSettingModel.query(trx).insert(child as any);
              } else if (child.name !== unit.id || child.type !== unit.type || child.version !== desc.version) {
                await ExtensionSettingModel.query(trx)
                  .patch({ name: unit.id, type: unit.type, version: desc.version } as any)
                  .where({ id: child.id });
              }
              keep.add(child.id);
            }
          }
        }
        /* What another host of a cluster runs (or is about to install) keeps its row, grants and roles, whatever this host's disk says. */
        const retained = new Set(
          rows.filter((r) => !r.bundle && !keep.has(r.id) && retainedNames?.has(r.name ?? '')).map((r) => r.id),
        );
        const stale = rows
          .filter((r) => !keep.has(r.id) && !retained.has(r.id) && !retained.has(r.bundle ?? ''))
          .map((r) => r.id);
        if (stale.length) await ExtensionSettingModel.query(trx).delete().whereIn('id', stale);
        return out;
      });
    },

    async children(parentId: string): Promise<SettingsRow[]> {
      return (await q().where({ bundle: parentId })) as unknown as SettingsRow[];
    },

    async setEnabled(ids: string[], enabled: boolean): Promise<void> {
      await q()
        .patch({ enabled, updated_at: new Date().toISOString() } as any)
        .whereIn('id', ids);
    },

    async setState(id: string, state: ExtensionState, lastError: ErrorRecord | null): Promise<void> {
      await q()
        .patch({ state, last_error: lastError, updated_at: new Date().toISOString() } as any)
        .where({ id });
    },

    /** Writes several states in one transaction (the end of a boot load). */
    async setStates(entries: { id: string; state: ExtensionState; lastError: ErrorRecord | null }[]): Promise<void> {
      if (!entries.length) return;
      const now = new Date().toISOString();
      await knex.transaction(async (trx) => {
        for (const e of entries)
          await ExtensionSettingModel.query(trx)
            .patch({ state: e.state, last_error: e.lastError, updated_at: now } as any)
            .where({ id: e.id });
      });
    },

    async setPending(id: string, version: string | null, scopes: Scopes | null): Promise<void> {
      await q()
        .patch({ pending_version: version, pending_scopes: scopes, updated_at: new Date().toISOString() } as any)
        .where({ id });
    },

    async setQuarantine(id: string, quarantine: Quarantine | null): Promise<void> {
      await q()
        .patch({ quarantine, updated_at: new Date().toISOString() } as any)
        .where({ id });
    },

    async setRoles(id: string, roles: string[] | null): Promise<void> {
      await q()
        .patch({ allowed_roles: roles, updated_at: new Date().toISOString() } as any)
        .where({ id });
    },

    async setGrants(id: string, granted: Scopes | null): Promise<void> {
      await q()
        .patch({ granted_scopes: granted, updated_at: new Date().toISOString() } as any)
        .where({ id });
    },

    /**
     * Records the events a sandboxed hook registers for as requested (the `events` scope), and
     * grants them when the policy grants this source's requests without an admin (operator-placed
     * code under `local`). Returns the row's granted scopes afterwards, or null while an admin must grant.
     */
    async requestEvents(id: string, events: string[]): Promise<Scopes | null> {
      const row = (await q().findById(id)) as unknown as SettingsRow | undefined;
      if (!row) return null;
      const before = (row.requested_scopes as Scopes | null) ?? {};
      const requested = mergeScopes(before, { events });
      // Like any scope: granted without an admin only when newly asked for (an administrator's revoke stays).
      const added = events.filter((e) => !before.events?.includes(e));
      const granted =
        autoGrants(policy, row.source) && added.length
          ? mergeScopes((row.granted_scopes as Scopes | null) ?? {}, { events: added })
          : null;
      // Nothing granted now: the row is pending (granted_scopes null) until an administrator grants what it requests.
      await q()
        .patch({ requested_scopes: requested, granted_scopes: granted, updated_at: new Date().toISOString() } as any)
        .where({ id });
      return granted;
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;

/** True when a sandboxed package still waits for an admin: never reviewed and asks for something. */
export function isPendingGrant(row: SettingsRow): boolean {
  return row.granted_scopes === null && !!row.requested_scopes && !isEmptyScopes(row.requested_scopes);
}
