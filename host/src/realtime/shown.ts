import type { Accountability } from '../auth/accountability.js';
import type { Grant } from '../auth/permissions.js';
import type { PrimaryKey } from '../services/items.js';

/** A set of shown keys keeps the most recent ones past this size. */
const MAX_SHOWN = 10_000;

/**
 * The keys a subscriber whose read permission is limited to some items was sent. A deleted item
 * can no longer be checked, so such a subscriber is told only of the deletion of items it was
 * sent (Directus tells every subscriber every deleted key). Both realtime APIs keep one per
 * subscription.
 */
export class ShownKeys {
  private readonly keys = new Set<string>();

  /** Remembers that the subscriber was sent `key` (the most recent MAX_SHOWN are kept). */
  add(key: unknown): void {
    const k = String(key);
    this.keys.delete(k);
    this.keys.add(k);
    if (this.keys.size > MAX_SHOWN) this.keys.delete(this.keys.values().next().value!);
  }

  /** Whether the subscriber was sent `key`, which is then forgotten (its item was deleted). */
  take(key: PrimaryKey): boolean {
    return this.keys.delete(String(key));
  }
}

/** Shown keys for a subscriber with `grant` on the collection: only when its rows are limited. */
export function shownKeysFor(grant: Grant, accountability: Accountability): ShownKeys | undefined {
  return grant.filter && !accountability.admin ? new ShownKeys() : undefined;
}

/**
 * What makes two reads of a change the same: the same rights (an administrator's, or a role's
 * for one user: a permission may name `$CURRENT_USER`) and the same query. Subscriptions that
 * share it share one read per change.
 */
export function readKey(accountability: Accountability, query: unknown): string {
  const who = accountability.admin ? 'admin' : `${accountability.role ?? ''}\u0000${accountability.user ?? ''}`;
  return `${who}\u0000${JSON.stringify(query)}`;
}
