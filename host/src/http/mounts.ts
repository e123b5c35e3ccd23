import type { Context } from 'koa';
import { errors } from '../errors.js';

/** Handles a request under its mount; returns false to let the next mount (or 404) try. */
export type MountHandler = (ctx: Context, subPath: string) => Promise<boolean>;

/** Whether the request may reach the mounts of `owner` (an extension's unit id). */
export type MountGuard = (owner: string, ctx: Context) => boolean;

interface Mount {
  handler: MountHandler;
  owner: string;
  exclusive: boolean;
}

/**
 * Endpoint mount points keyed by their first path segment (`/items/...` → `items`). Several
 * mounts may share a segment; they are tried in registration order (Express fall-through).
 */
export function createMounts() {
  const table = new Map<string, Mount[]>();
  let guard: MountGuard | undefined;
  return {
    /** Set once by the extension manager: extensions limited to some roles are invisible to the others. */
    setGuard(fn: MountGuard): void {
      guard = fn;
    },
    /**
     * `first`: tried before the mounts already there (a built-in that must see the raw request before its router).
     * `exclusive`: refused (HOST_DUPLICATE_ID) when another owner already mounts `id`: a sandboxed
     * endpoint may not sit behind or in front of another extension's routes (`/auth` and its passwords).
     */
    add(
      id: string,
      handler: MountHandler,
      owner: string,
      options: { first?: boolean; exclusive?: boolean } = {},
    ): () => void {
      const mount: Mount = { handler, owner, exclusive: options.exclusive === true };
      const others = table.get(id) ?? [];
      // A sandboxed mount shares its id with no other extension: added after one it is refused; one
      // added after it makes it inert (dispatch skips it), so a sandbox can never sit in front of another's routes.
      const taken = options.exclusive ? others.filter((m) => m.owner !== owner).map((m) => m.owner) : [];
      if (taken.length) throw errors.HOST_DUPLICATE_ID({ id: `/${id}`, other: [...new Set(taken)].join(', ') });
      table.set(id, options.first ? [mount, ...others] : [...others, mount]);
      return () => {
        const rest = (table.get(id) ?? []).filter((m) => m !== mount);
        if (rest.length) table.set(id, rest);
        else table.delete(id);
      };
    },
    /** Dispatches `ctx.path`; true when a mount answered. */
    async dispatch(ctx: Context): Promise<boolean> {
      const path = ctx.path;
      const slash = path.indexOf('/', 1);
      const id = decodeURIComponent(slash === -1 ? path.slice(1) : path.slice(1, slash));
      const mounts = table.get(id);
      if (!mounts) return false;
      const sub = slash === -1 ? '/' : path.slice(slash);
      let denied = false;
      for (const m of mounts) {
        if (m.exclusive && mounts.some((o) => o.owner !== m.owner)) continue;
        if (guard && !guard(m.owner, ctx)) {
          denied = true;
          continue;
        }
        if (await m.handler(ctx, sub)) return true;
      }
      if (denied) throw errors.FORBIDDEN();
      return false;
    },
    has: (id: string) => table.has(id),
    owners: (id: string) => (table.get(id) ?? []).map((m) => m.owner),
    count(): number {
      let n = 0;
      for (const l of table.values()) n += l.length;
      return n;
    },
  };
}

export type Mounts = ReturnType<typeof createMounts>;
