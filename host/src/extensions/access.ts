import type { Knex } from 'knex';
import { errors } from '../errors.js';
import type { PackageRecord } from './record.js';

type Viewer = { admin?: boolean; role?: string | null; share?: unknown } | null | undefined;

/**
 * Role access to extensions: an administrator may limit an extension (and its units) to some
 * roles. The table holds only restricted extensions; it is rebuilt from the settings rows.
 */
export function createRoleAccess(knex: Knex) {
  /** Extension and unit ids → the roles that may use them. */
  let access = new Map<string, ReadonlySet<string>>();
  return {
    rebuild(records: Iterable<PackageRecord>): void {
      const next = new Map<string, ReadonlySet<string>>();
      for (const rec of records) {
        const roles = rec.row.allowed_roles;
        if (!rec.desc || !Array.isArray(roles)) continue;
        const set = new Set(roles);
        next.set(rec.desc.id, set);
        for (const u of rec.desc.units) next.set(u.id, set);
      }
      access = next;
    },

    /**
     * Whether `accountability` may use what `owner` (an extension or unit id) serves. Everyone may
     * unless an administrator listed roles; administrators always may; `$public` admits anonymous calls.
     */
    mayUse(owner: string, accountability: Viewer): boolean {
      if (access.size === 0) return true;
      const roles = access.get(owner);
      if (!roles || accountability?.admin) return true;
      // A share's visitor carries the share's role for reading one item, not to use what that role may.
      const role = accountability?.share ? null : accountability?.role;
      return role ? roles.has(role) : roles.has('$public');
    },

    /** null, or a list of role ids that exist and `$public` (duplicates dropped); else INVALID_PAYLOAD. */
    async checkRoles(input: unknown): Promise<string[] | null> {
      if (input === null) return null;
      if (!Array.isArray(input) || !input.every((r) => typeof r === 'string' && r.length > 0 && r.length <= 64)) {
        throw errors.INVALID_PAYLOAD({ reason: '"roles" must be null or a list of role ids and "$public".' });
      }
      const roles = [...new Set(input as string[])];
      const ids = roles.filter((r) => r !== '$public');
      const known = new Set(
        ids.length
          ? (await knex('directus_roles').whereIn('id', ids).select('id')).map((r: { id: string }) => r.id)
          : [],
      );
      const unknown = ids.filter((r) => !known.has(r));
      if (unknown.length)
        throw errors.INVALID_PAYLOAD({ reason: `"roles" names roles that do not exist: ${unknown.join(', ')}.` });
      return roles;
    },
  };
}

export type RoleAccess = ReturnType<typeof createRoleAccess>;
