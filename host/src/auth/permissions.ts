import type { Knex } from 'knex';
import { PermissionModel } from '../db/models.js';
import { errors } from '../errors.js';
import type { Accountability } from './accountability.js';
import { appMinimumActions, appMinimumRow } from './app-minimum.js';

/** `share`: Directus's permission to share an item (a public link to it, directus_shares). */
export type Action = 'create' | 'read' | 'update' | 'delete' | 'share';
export const ACTIONS: Action[] = ['create', 'read', 'update', 'delete'];

export type PermissionFilter = Record<string, unknown>;

/** One action's access in Directus 11's `/permissions/me`. */
export interface CollectionAccess {
  access: 'none' | 'partial' | 'full';
  fields?: string[];
  presets?: Record<string, unknown>;
}

/** One `directus_permissions` row of the caller's role, as a grant part. */
export interface GrantRow {
  filter: PermissionFilter | null;
  fields: string[] | '*';
  /** Rules a create or update payload must pass (`directus_permissions.validation`); null: none. */
  validation?: PermissionFilter | null;
  /** Values for the fields a write leaves out (`directus_permissions.presets`); null: none. */
  presets?: Record<string, unknown> | null;
}

export interface Grant {
  /** Item-level filter the caller is limited to (null: every item): any row's filter. */
  filter: PermissionFilter | null;
  /** Readable/writable fields, or '*' for all: any row's fields (on the items that row covers). */
  fields: string[] | '*';
  /**
   * Fields the caller has on every item the grant covers. When the role's rows differ in
   * fields, a field of one row applies only to the items that row's filter matches: only these
   * may be filtered, sorted, searched or aggregated on, and the others are read per item.
   */
  everywhere: string[] | '*';
  /** The rows it combines (absent for an administrator): a write must pass one row's filter and validation both. */
  parts?: GrantRow[];
  /** The rows, when they differ in fields (else absent). */
  rows?: GrantRow[];
}

/** Whether a grant's field list covers `field`. */
export function grantsField(fields: Grant['fields'], field: string): boolean {
  return fields === '*' || fields.includes(field);
}

function rowFields(fields: string | null | undefined): string[] | '*' {
  if (fields === '*') return '*';
  // No fields listed is no field, as in Directus.
  return fields
    ? fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : [];
}

function union(sets: (string[] | '*')[]): string[] | '*' {
  return sets.includes('*') ? '*' : [...new Set((sets as string[][]).flat())];
}

function intersection(sets: (string[] | '*')[]): string[] | '*' {
  const lists = sets.filter((s): s is string[] => s !== '*');
  if (lists.length === 0) return '*';
  return lists.reduce((acc, list) => acc.filter((f) => list.includes(f)));
}

/** Every item and every field: an administrator's grant (grants are never mutated, so one serves all). */
const EVERYTHING: Grant = Object.freeze({ filter: null, fields: '*', everywhere: '*' });

/** Rows a grant is made of (an administrator's: one row of everything). */
const rowsOf = (g: Grant): GrantRow[] => g.parts ?? [{ filter: g.filter, fields: g.fields }];
const both = (a: PermissionFilter | null, b: PermissionFilter | null) => (a && b ? { _and: [a, b] } : (a ?? b));

/**
 * What two grants both allow, as rows: each pair of rows, with both filters and the fields both
 * list (an item and field either grant reaches through some row only where the other does too).
 */
export function intersectGrants(a: Grant, b: Grant): Grant | null {
  const rows: GrantRow[] = [];
  for (const x of rowsOf(a))
    for (const y of rowsOf(b)) {
      const fields = intersection([x.fields, y.fields]);
      if (fields === '*' || fields.length > 0) rows.push({ filter: both(x.filter, y.filter), fields });
    }
  return rows.length > 0 ? combineRows(rows) : null;
}

/** `rows` combined: any row's filter, and each row's fields on the items its filter matches. */
export function combineRows(rows: GrantRow[]): Grant {
  const filters = rows.map((r) => r.filter);
  const filter = filters.some((f) => f === null) ? null : filters.length === 1 ? filters[0]! : { _or: filters };
  const fields = union(rows.map((r) => r.fields));
  // On every item: what every row grants, and what a row without a filter grants.
  const everywhere = union([
    intersection(rows.map((r) => r.fields)),
    ...rows.filter((r) => r.filter === null).map((r) => r.fields),
  ]);
  const same = JSON.stringify(fields) === JSON.stringify(everywhere);
  return { filter, fields, everywhere: same ? fields : everywhere, parts: rows, ...(same ? {} : { rows }) };
}

/**
 * The part of `grant` that may write all of `fields`: the rows that list every one of them.
 * FORBIDDEN when no row does (one row's fields never extend to another row's items).
 */
export function grantForFields(grant: Grant, fields: string[]): Grant {
  if (!grant.rows) return grant;
  const covering = grant.rows.filter((r) => fields.every((f) => grantsField(r.fields, f)));
  if (covering.length === 0) throw errors.FORBIDDEN();
  return combineRows(covering);
}

/** Collection-level permissions per role (null role = public), cached until a permission changes. */
export function createPermissions(knex: Knex) {
  let cache = new Map<string, PermissionModel[]>();
  /** Combined grants by role, collection and action; cleared with the rows. Grants are never mutated. */
  let grants = new Map<string, Grant | null>();
  let version = 0;

  /**
   * `db`: the caller's transaction, when it has one. On SQLite the pool has one connection, which
   * that transaction holds: a read through the pool would wait for it forever.
   */
  async function rowsFor(role: string | null, db: Knex = knex): Promise<PermissionModel[]> {
    const key = role ?? '$public';
    let rows = cache.get(key);
    if (!rows) {
      const seen = cache;
      rows =
        role === null
          ? await PermissionModel.query(db).whereNull('role')
          : await PermissionModel.query(db).where({ role });
      // Rows read before a change must not be cached after it (they would stay until the next change).
      if (seen === cache) cache.set(key, rows);
    }
    return rows;
  }

  return {
    /** The grant for an action, or null when the caller may not perform it. */
    async grant(
      accountability: Accountability,
      collection: string,
      action: Action,
      db: Knex = knex,
    ): Promise<Grant | null> {
      const { scope, share } = accountability;
      if (share) {
        // A share's visitor reads the shared item and the items reachable from it (share.reach), as
        // both the share's role (every field without a role) and the share's maker may, as in
        // Directus, and nothing else: a share never shows more than its maker could read.
        const only = share.reach[collection];
        if (!only || action !== 'read') return null;
        const role = accountability.role
          ? await this.grant(
              { user: null, role: accountability.role, admin: false, app: false },
              collection,
              'read',
              db,
            )
          : EVERYTHING;
        const maker = await this.grant(share.maker, collection, 'read', db);
        const allowed = role && maker ? intersectGrants(role, maker) : null;
        return allowed && intersectGrants(allowed, { ...EVERYTHING, filter: only });
      }
      if (scope && !(Object.hasOwn(scope, collection) && scope[collection]!.includes(action))) return null;
      if (accountability.admin) return EVERYTHING;
      const builtIn = accountability.app ? appMinimumRow(collection, action) : undefined;
      const key = `${accountability.role ?? '$public'}\0${collection}\0${action}${builtIn ? '\0app' : ''}`;
      if (grants.has(key)) return grants.get(key)!;
      const seen = grants;
      const rows = (await rowsFor(accountability.role, db)).filter(
        (r) => r.collection === collection && r.action === action,
      );
      // Several rows for one action widen access: any row's filter suffices, each with its own fields.
      const rule = (f: Record<string, unknown> | null | undefined) =>
        f && typeof f === 'object' && Object.keys(f).length > 0 ? (f as PermissionFilter) : null;
      const parts: GrantRow[] = rows.map((r) => ({
        filter: rule(r.permissions),
        fields: rowFields(r.fields),
        validation: rule(r.validation),
        presets: rule(r.presets),
      }));
      if (builtIn) parts.push(builtIn);
      const grant = parts.length === 0 ? null : combineRows(parts);
      // Not kept when the permissions changed while the rows were read.
      if (seen === grants) grants.set(key, grant);
      return grant;
    },

    /** Like `grant`, but throws FORBIDDEN. */
    async require(accountability: Accountability, collection: string, action: Action, db: Knex = knex): Promise<Grant> {
      const g = await this.grant(accountability, collection, action, db);
      if (!g) throw errors.FORBIDDEN();
      return g;
    },

    /** Which collections/actions a caller has (for the app's menus and `/permissions/me`). */
    async list(accountability: Accountability): Promise<{ collection: string; action: Action }[]> {
      if (accountability.admin) return [];
      // A share's visitor reads its item and what is related to it, where its role and its maker may
      // (its grant); the role's rows are not its to see.
      if (accountability.share) {
        const readable = await Promise.all(
          Object.keys(accountability.share.reach).map(async (collection) =>
            (await this.grant(accountability, collection, 'read')) ? [{ collection, action: 'read' as const }] : [],
          ),
        );
        return readable.flat();
      }
      const rows = (await rowsFor(accountability.role)).map((r) => ({ collection: r.collection, action: r.action }));
      return accountability.app ? [...rows, ...appMinimumActions()] : rows;
    },

    /**
     * Directus 11's `/permissions/me`: per collection, per action (`create`, `read`, `update`,
     * `delete`, `share`), the caller's `access` (`none`, `partial` when limited to some items or
     * fields, `full`), with the `fields` and `presets` when it has some.
     */
    async access(
      accountability: Accountability,
      collections: readonly string[],
    ): Promise<Record<string, Record<Action, CollectionAccess>>> {
      const out: Record<string, Record<Action, CollectionAccess>> = {};
      for (const collection of collections) {
        const entry = {} as Record<Action, CollectionAccess>;
        for (const action of [...ACTIONS, 'share'] as Action[]) {
          const g = await this.grant(accountability, collection, action);
          if (!g) {
            entry[action] = { access: 'none' };
            continue;
          }
          const presets = Object.assign({}, ...(g.parts ?? []).map((p) => p.presets ?? {}));
          entry[action] = {
            access: g.filter || g.fields !== '*' ? 'partial' : 'full',
            fields: g.fields === '*' ? ['*'] : [...g.fields],
            ...(Object.keys(presets).length ? { presets } : {}),
          };
        }
        out[collection] = entry;
      }
      return out;
    },

    invalidate(): void {
      cache = new Map();
      grants = new Map();
      version++;
    },

    /** Bumped on every invalidation, so dependent caches can key on it. */
    version: () => version,
  };
}

export type Permissions = ReturnType<typeof createPermissions>;
