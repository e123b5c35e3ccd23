import type { Scopes } from '@annex/protocol';
import type { Accountability } from '../../auth/accountability.js';
import { errors } from '../../errors.js';
import { isSystemEvent } from '../../events/host-events.js';
import type { Kernel } from '../../kernel.js';

/**
 * Event meta as plain data: host objects in meta (the koa app of `app.after`, a server) are
 * dropped rather than offered to the sandbox.
 */
export function plainMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
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

/** The item operation an event name ends with, and the `items` scope action it needs. */
const ITEM_OPERATIONS: Record<string, 'create' | 'update' | 'delete'> = { create: 'create', update: 'update', delete: 'delete' };

/**
 * `items.create`, `articles.items.update`, `users.delete`…: an event (or pattern) about writing
 * items. Reads are not offered: a `query` filter rewrites what the caller (not the hook) reads,
 * and `read` carries whatever relations the caller expanded, beyond the hook's scope.
 */
export function itemEventPattern(event: string): boolean {
  const parts = event.split('.');
  const op = parts[parts.length - 1]!;
  return parts.length >= 2 && (op === '*' || Object.hasOwn(ITEM_OPERATIONS, op)) && !isSystemEvent(event);
}

/** Whether a sandboxed hook with `granted` scopes may see this emission (its collection and action are in scope). */
export function eventAllowed(event: string, meta: Record<string, unknown> | undefined, granted: Scopes): boolean {
  const op = event.split('.').pop()!;
  const action = Object.hasOwn(ITEM_OPERATIONS, op) ? ITEM_OPERATIONS[op] : undefined;
  const collection = typeof meta?.collection === 'string' ? meta.collection : undefined;
  // System collections (users, files, roles…) carry the host's own rules: never offered.
  if (!action || !collection || collection.startsWith('directus_') || !granted.items || !Object.hasOwn(granted.items, collection)) return false;
  return granted.items[collection]!.includes(action);
}

/** FORBIDDEN when a filter's `result` gives a relational field an object or list the caller did not send. */
export async function assertNoNewRelationalWrites(kernel: Kernel, collection: string, before: unknown, result: unknown): Promise<void> {
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
