import type { Knex } from 'knex';
import { diffScopes, type Scopes } from '@annex/protocol';
import type { ExtensionManager } from './manager.js';
import type { PackageRecord } from './record.js';

/** Per-extension counters: trusted calls from the generation, sandbox stats from its isolates. */
function metricsOf(rec: PackageRecord) {
  const g = rec.scope?.gen;
  return {
    calls: rec.totals.calls + (g?.calls ?? 0),
    errors: rec.totals.errors + (g?.errors ?? 0),
    wall_time_ms: +(rec.totals.wallTimeMs + (g?.wallTimeMs ?? 0)).toFixed(3),
    in_flight: g?.inFlight ?? 0,
    last_call_error: g?.lastError ?? null,
    activated_at: rec.activatedAt ?? null,
    sandbox: rec.instances.map((i) => ({ id: i.id, ...i.stats() })),
  };
}

/** The manifest's name even when validation failed later (entry missing, duplicate id…). */
function packageName(rec: PackageRecord): string {
  const name = (rec.found.pkg as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name ? name : rec.found.folder;
}

function annexFields(rec: PackageRecord) {
  const row = rec.row;
  const requested = (row.requested_scopes ?? {}) as Scopes;
  return {
    name: rec.desc?.id ?? packageName(rec),
    state: rec.state,
    last_error: rec.lastError,
    locked: rec.desc?.locked ?? false,
    required: rec.desc?.required ?? false,
    requested_scopes: requested,
    granted_scopes: row.granted_scopes,
    pending_scopes: row.granted_scopes === null ? requested : diffScopes(requested, row.granted_scopes),
    roles: row.allowed_roles ?? null,
    /** When, where and why it was quarantined (every host keeps it so until a reset); null when it is not. */
    quarantine: row.quarantine ?? null,
    metrics: metricsOf(rec),
  };
}

export type ExtensionOutput = ReturnType<typeof describeRecord>[number];

/** Directus `ApiOutput` rows (parent, then bundle children) plus `annex` fields for admins. */
export function describeRecord(
  rec: PackageRecord,
  children: { id: string; name: string | null; folder: string; source: string; enabled: boolean }[],
  admin: boolean,
) {
  const d = rec.desc;
  const row = rec.row;
  const schema = d
    ? {
        type: d.type as string,
        name: d.id,
        version: d.version,
        local: d.source !== 'registry',
        host: d.host,
        description: d.description ?? null,
        sandbox: d.units.some((u) => u.sandboxed)
          ? { enabled: true, requestedScopes: row.requested_scopes ?? {} }
          : { enabled: false },
        ...(d.type === 'bundle'
          ? { partial: d.partial, entries: d.units.map((u) => ({ name: u.name, type: u.type as string })) }
          : {}),
      }
    : null;
  const out: {
    id: string;
    bundle: string | null;
    meta: { id: string; enabled: boolean; folder: string; source: string; bundle: string | null };
    schema: Record<string, unknown> | null;
    annex?: Record<string, unknown>;
  }[] = [
    {
      id: row.id,
      bundle: null,
      meta: { id: row.id, enabled: row.enabled, folder: row.folder, source: row.source, bundle: null },
      schema,
      ...(admin ? { annex: annexFields(rec) } : {}),
    },
  ];
  for (const c of children) {
    const unit = d?.units.find((u) => u.id === c.name);
    out.push({
      id: c.id,
      bundle: row.id,
      meta: { id: c.id, enabled: c.enabled, folder: c.folder, source: c.source, bundle: row.id },
      schema: unit ? { type: unit.type, name: unit.name, local: d!.source !== 'registry' } : null,
      ...(admin
        ? { annex: { name: c.name, state: row.enabled && c.enabled ? rec.state : 'inactive', locked: false } }
        : {}),
    });
  }
  return out;
}

/**
 * Every extension as the REST and GraphQL APIs show it. With `viewer`, extensions limited to
 * roles the viewer is not in are left out (the admin app of another role does not list them).
 */
export async function listExtensions(
  manager: ExtensionManager,
  knex: Knex,
  admin: boolean,
  viewer?: { admin?: boolean; role?: string | null } | null,
) {
  const rows = await knex('directus_extensions').whereNotNull('bundle').select('*');
  const out: ExtensionOutput[] = [];
  for (const rec of manager.records()) {
    if (viewer !== undefined && rec.desc && !manager.mayUse(rec.desc.id, viewer)) continue;
    const children = rows.filter((r) => r.bundle === rec.row.id).map((r) => ({ ...r, enabled: Boolean(r.enabled) }));
    out.push(...describeRecord(rec, children, admin));
  }
  return out;
}
