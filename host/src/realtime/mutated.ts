import type { Accountability } from '../auth/accountability.js';
import type { Permissions } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { MutatedEvent } from '../graphql/items-schema.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { Item } from '../services/items.js';
import type { Services } from '../services/namespace.js';
import type { Change, ChangeFeed } from './changes.js';
import { readKey, shownKeysFor } from './shown.js';

export interface FollowOptions {
  changes: ChangeFeed;
  services: Services;
  schema: SchemaStore;
  permissions: Permissions;
  /** Who the connection acts for now (re-read by `refresh`). */
  accountability(): Accountability;
  /** Re-reads who the connection acts for before a change is read for it. */
  refresh(): Promise<void>;
  /** Changes that may wait to be read; a subscriber that falls further behind is ended (LIMIT_EXCEEDED). */
  maxPending: number;
  /** Reads of a change shared by the subscriptions that would read the same (`sharedReads()`). */
  reads: SharedReads;
}

/** Per change, the reads already made, by who read and what. */
export type SharedReads = WeakMap<Change, Map<string, Promise<Item[]>>>;

/**
 * The reads of each change, shared by every subscription that reads the same fields with the same
 * rights: ten administrators following a collection cost one read per change, not ten. A user's
 * rights are keyed by the user too (a permission may name `$CURRENT_USER`). Kept per change object
 * (the feed hands one object to every listener), so they go when the change does.
 */
export function sharedReads(): SharedReads {
  return new WeakMap();
}

/**
 * The events of GraphQL's `<collection>_mutated` for one subscription, as an async iterator that
 * graphql-js maps to results: one event per changed key, each item read with the subscriber's
 * permissions when its turn comes (an item it may not read is left out, as in Directus). A
 * subscriber whose read permission is limited to some items is told only of the deletion of items
 * it was sent (Directus tells every subscriber every deleted key). `return()` ends it at once, even
 * while it waits for a change.
 */
export async function followMutations(
  options: FollowOptions,
  collection: string,
  event: MutatedEvent['event'] | undefined,
  fields: string[],
): Promise<AsyncIterableIterator<MutatedEvent>> {
  const { services, schema, permissions } = options;
  const grant = await permissions.grant(options.accountability(), collection, 'read');
  if (!grant) throw errors.FORBIDDEN();
  const shown = shownKeysFor(grant, options.accountability());
  const primary = (await schema.get()).collections[collection]!.primary;
  const query = { fields: fields.length ? [...new Set([...fields, primary])] : [primary] };

  const waiting: Change[] = [];
  const ready: MutatedEvent[] = [];
  let behind = false;
  let done = false;
  let wake: (() => void) | undefined;
  const off = options.changes.listen((change) => {
    if (done || change.collection !== collection || (event && change.action !== event)) return;
    if (waiting.length >= options.maxPending) behind = true;
    else waiting.push(change);
    wake?.();
  });
  const end = () => {
    done = true;
    off();
    wake?.();
  };

  async function read(change: Change): Promise<MutatedEvent[]> {
    if (change.action === 'delete')
      return change.keys.filter((k) => !shown || shown.take(k)).map((key) => ({ key, event: 'delete', data: null }));
    await options.refresh();
    const accountability = options.accountability();
    const key = readKey(accountability, query);
    let byKey = options.reads.get(change);
    if (!byKey) options.reads.set(change, (byKey = new Map()));
    let read = byKey.get(key);
    if (!read) {
      read = new services.ItemsService(collection, { accountability }).readMany(change.keys, query);
      byKey.set(key, read);
    }
    let rows: Item[];
    try {
      rows = await read;
    } catch (error) {
      // Items that left the subscriber's view are not news; a collection it may no longer read ends the subscription.
      if (
        (error as { code?: unknown })?.code === 'FORBIDDEN' &&
        (await permissions.grant(accountability, collection, 'read'))
      )
        return [];
      throw error;
    }
    return rows.map((row) => {
      shown?.add(row[primary]);
      return { key: row[primary] as MutatedEvent['key'], event: change.action, data: row };
    });
  }

  const iterator: AsyncIterableIterator<MutatedEvent> = {
    async next(): Promise<IteratorResult<MutatedEvent>> {
      while (!done) {
        const next = ready.shift();
        if (next) return { value: next, done: false };
        if (behind) {
          end();
          throw errors.LIMIT_EXCEEDED({
            reason: `The subscriber fell more than ${options.maxPending} changes behind; subscribe again.`,
          });
        }
        const change = waiting.shift();
        if (change) {
          try {
            ready.push(...(await read(change)));
          } catch (error) {
            end();
            throw error;
          }
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<MutatedEvent>> {
      end();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown): Promise<IteratorResult<MutatedEvent>> {
      end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
