import type { Accountability } from '../auth/accountability.js';
import type { Permissions } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { MutatedEvent } from '../graphql/items-schema.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { Item } from '../services/items.js';
import type { Services } from '../services/namespace.js';
import type { Change, ChangeFeed } from './changes.js';

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
}

/** A shown-keys set keeps the most recent keys past this size. */
const MAX_SHOWN = 10_000;

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
  const shown = grant.filter && !options.accountability().admin ? new Set<string>() : undefined;
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
      return change.keys
        .filter((k) => !shown || shown.delete(String(k)))
        .map((key) => ({ key, event: 'delete', data: null }));
    await options.refresh();
    const accountability = options.accountability();
    const service = new services.ItemsService(collection, { accountability });
    let rows: Item[];
    try {
      rows = await service.readMany(change.keys, query);
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
      if (shown) {
        shown.delete(String(row[primary]));
        shown.add(String(row[primary]));
        if (shown.size > MAX_SHOWN) shown.delete(shown.values().next().value!);
      }
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
