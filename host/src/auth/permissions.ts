import type { Knex } from 'knex';
import { PermissionModel } from '../db/models.js';
import { errors } from '../errors.js';
import type { Accountability } from './accountability.js';

export type Action = 'create' | 'read' | 'update' | 'delete';
export const ACTIONS: Action[] = ['create', 'read', 'update', 'delete'];

export interface Grant {
  /** Item-level filter the caller is limited to (null: every item). */
  filter: Record<string, unknown> | null;
  /** Readable/writable fields, or '*' for all. */
  fields: string[] | '*';
}

/** Whether a grant's field list covers `field`. */
export function grantsField(fields: Grant['fields'], field: string): boolean {
  return fields === '*' || fields.includes(field);
}

/** Collection-level permissions per role (null role = public), cached until a permission changes. */
export function createPermissions(knex: Knex) {
  let cache = new Map<string, PermissionModel[]>();
  let version = 0;

  async function rowsFor(role: string | null): Promise<PermissionModel[]> {
    const key = role ?? '$public';
    let rows = cache.get(key);
    if (!rows) {
      rows = role === null ? await PermissionModel.query(knex).whereNull('role') : await PermissionModel.query(knex).where({ role });
      cache.set(key, rows);
    }
    return rows;
  }

  return {
    /** The grant for an action, or null when the caller may not perform it. */
    async grant(accountability: Accountability, collection: string, action: Action): Promise<Grant | null> {
      const { scope } = accountability;
      if (scope && !(Object.hasOwn(scope, collection) && scope[collection]!.includes(action))) return null;
      if (accountability.admin) return { filter: null, fields: '*' };
      const rows = (await rowsFor(accountability.role)).filter((r) => r.collection === collection && r.action === action);
      if (rows.length === 0) return null;
      // Several rows for one action widen access: any row's filter suffices.
      const filters = rows.map((r) => r.permissions).filter((p): p is Record<string, unknown> => !!p && Object.keys(p).length > 0);
      const filter = filters.length === rows.length ? (filters.length === 1 ? filters[0]! : { _or: filters }) : null;
      const fieldSets = rows.map((r) => (r.fields && r.fields !== '*' ? r.fields.split(',') : '*'));
      const fields = fieldSets.includes('*') ? '*' : [...new Set(fieldSets.flat() as string[])];
      return { filter, fields };
    },

    /** Like `grant`, but throws FORBIDDEN. */
    async require(accountability: Accountability, collection: string, action: Action): Promise<Grant> {
      const g = await this.grant(accountability, collection, action);
      if (!g) throw errors.FORBIDDEN();
      return g;
    },

    /** Which collections/actions a caller has (for the app's menus and `/permissions/me`). */
    async list(accountability: Accountability): Promise<{ collection: string; action: Action }[]> {
      if (accountability.admin) return [];
      return (await rowsFor(accountability.role)).map((r) => ({ collection: r.collection, action: r.action }));
    },

    invalidate(): void {
      cache = new Map();
      version++;
    },

    /** Bumped on every invalidation, so dependent caches can key on it. */
    version: () => version,
  };
}

export type Permissions = ReturnType<typeof createPermissions>;
