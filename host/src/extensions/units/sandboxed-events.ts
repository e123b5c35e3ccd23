import { matchEventPattern, type Scopes } from '@annex/protocol';
import type { Accountability } from '../../auth/accountability.js';
import { errors } from '../../errors.js';
import type { Kernel } from '../../kernel.js';

/**
 * A host object in event meta that has a plain-data view for the sandbox defines this method
 * (a WebSocket client: its id and who it acts for, never the socket). Registered (`Symbol.for`):
 * the modules a host loads on first use may come from its bundle or from its files.
 */
export const PLAIN_VIEW = Symbol.for('annex.plainView');

/**
 * Event meta as plain data: host objects in meta (the koa app of `app.after`, a server) are
 * dropped rather than offered to the sandbox, unless they define a PLAIN_VIEW.
 */
export function plainMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    const view = v && typeof v === 'object' ? (v as { [PLAIN_VIEW]?: unknown })[PLAIN_VIEW] : undefined;
    if (typeof view === 'function') out[k] = JSON.parse(JSON.stringify(view.call(v)));
    else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
    else if (typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) {
      try {
        out[k] = JSON.parse(JSON.stringify(v));
      } catch {
        /* cyclic: not copyable */
      }
    }
  }
  return out;
}

/** Plain, copyable view of an event context (no knex, no schema object graph). */
export function eventContextCopy(context: { accountability?: unknown } | undefined) {
  const acc = context?.accountability as Accountability | null | undefined;
  return { accountability: acc ? { user: acc.user, role: acc.role, admin: acc.admin, app: acc.app } : null };
}

/** Whether the `events` scope covers `event` (as the hook registered it): listed, or matched by a listed pattern. */
export function eventGranted(event: string, granted: Scopes): boolean {
  return (granted.events ?? []).some((g) => g === event || matchEventPattern(g, event));
}

/** A user collection's item event: a filter's result there must not add nested writes the caller did not send. */
export function userItemCollection(meta: Record<string, unknown> | undefined): string | undefined {
  const collection = meta?.collection;
  return typeof collection === 'string' && !collection.startsWith('directus_') ? collection : undefined;
}

/** FORBIDDEN when a filter's `result` gives a relational field an object or list the caller did not send. */
export async function assertNoNewRelationalWrites(
  kernel: Kernel,
  collection: string,
  before: unknown,
  result: unknown,
): Promise<void> {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return;
  const col = (await kernel.schema.get()).collections[collection];
  if (!col) return;
  const original = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  for (const [field, value] of Object.entries(result)) {
    const f = col.fields[field];
    if (!f || !(f.relatedCollection || f.o2m) || value === null || typeof value !== 'object') continue;
    if (JSON.stringify(value) !== JSON.stringify(original[field])) throw errors.FORBIDDEN();
  }
}
