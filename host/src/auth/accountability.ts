import type { Action, PermissionFilter } from './permissions.js';

/** Who a service call acts for. Every call carries one; there is no "null means admin". */
export interface Accountability {
  user: string | null;
  role: string | null;
  admin: boolean;
  app: boolean;
  ip?: string | null;
  /** Set for work the host or an extension does on its own behalf (schedules, boot, flows). */
  system?: boolean;
  /** Which component acts when `system` is set, e.g. `extension:my-ext` or `flows`. */
  origin?: string;
  /**
   * Set for a sandboxed extension's items calls: the collections and actions it was granted.
   * Nothing outside them is allowed, whatever the role (administrators included), also where a
   * call reaches another collection through a relation.
   */
  scope?: Readonly<Record<string, readonly Action[]>>;
  /**
   * Set for a share's visitor (Directus's shares): the shared item, per collection it may read the
   * filter of the items reachable from it (the item itself, the items related to it:
   * `share-reach.ts`), and who made the share. What both its role and its maker may read applies
   * to those items only; nothing else.
   */
  share?: Readonly<{
    id: string;
    collection: string;
    item: string;
    reach: Readonly<Record<string, PermissionFilter>>;
    maker: Readonly<Pick<Accountability, 'user' | 'role' | 'admin' | 'app'>>;
  }>;
}

/** Anonymous request: the public role's permissions. */
export function publicAccountability(ip: string | null = null): Accountability {
  return { user: null, role: null, admin: false, app: false, ip };
}

/** Explicit system accountability: full access, attributed to `origin` in logs. */
export function systemAccountability(origin: string): Accountability {
  return { user: null, role: null, admin: true, app: false, system: true, origin };
}
