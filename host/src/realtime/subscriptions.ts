import type { Accountability } from '../auth/accountability.js';
import type { Permissions } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { Change, ChangeAction, ChangeFeed } from './changes.js';
import { readKey, shownKeysFor, type ShownKeys } from './shown.js';
import { getSanitizedQuery, type SanitizedQuery } from '../http/sanitized-query.js';
import type { Logger } from '../logger.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { Item, PrimaryKey } from '../services/items.js';
import type { Services } from '../services/namespace.js';
import { errorMessage, formatMessage, RealtimeError, SubscribeMessage, type Message } from './protocol.js';

/** What a subscription needs of its connection. */
export interface Subscriber {
  readonly accountability: Accountability;
}

interface Subscription {
  subscriber: Subscriber;
  /** Its key among the subscriber's: the uid, or a generated one. */
  key: string;
  /** The client's uid as Directus answers it (a string), if it gave one. */
  uid?: string;
  collection: string;
  event?: ChangeAction;
  item?: string;
  query: SanitizedQuery;
  /** The keys it sent, when the subscriber's read permission is limited to some items. */
  shown?: ShownKeys;
}

export interface SubscriptionsOptions {
  services: Services;
  schema: SchemaStore;
  permissions: Permissions;
  changes: ChangeFeed;
  logger: Logger;
  maxPerSubscriber: number;
  /** Runs `job` after the subscriber's earlier work, so its messages keep their order. */
  enqueue(subscriber: Subscriber, job: () => Promise<void>): void;
  /** Re-reads who the subscriber acts for (a suspended user, a changed role) before it is sent a change. */
  refresh(subscriber: Subscriber): Promise<void>;
  send(subscriber: Subscriber, text: string): void;
}

/**
 * Subscriptions to a collection's changes (Directus's `subscribe` / `unsubscribe`): an `init`
 * with the items the query selects, then `create`, `update` and `delete` as they are committed,
 * each read again with the subscriber's own permissions, so a subscriber is sent only what it
 * may read. On PostgreSQL the changes of the other hosts arrive through the cluster.
 */
export function createSubscriptions(options: SubscriptionsOptions) {
  const { services, schema, permissions, logger } = options;
  const byCollection = new Map<string, Set<Subscription>>();
  const bySubscriber = new Map<Subscriber, Map<string, Subscription>>();
  let anonymous = 0;

  function remove(subscription: Subscription): void {
    byCollection.get(subscription.collection)?.delete(subscription);
    if (byCollection.get(subscription.collection)?.size === 0) byCollection.delete(subscription.collection);
    const own = bySubscriber.get(subscription.subscriber);
    if (own?.get(subscription.key) === subscription) own.delete(subscription.key);
    if (own?.size === 0) bySubscriber.delete(subscription.subscriber);
  }

  function active(subscription: Subscription): boolean {
    return byCollection.get(subscription.collection)?.has(subscription) === true;
  }

  async function primaryOf(collection: string): Promise<string> {
    return (await schema.get()).collections[collection]!.primary;
  }

  /** Remembers which of `keys` the subscriber may read (those it was just sent). */
  async function remember(subscription: Subscription, read: () => Promise<Item[]>): Promise<void> {
    if (!subscription.shown) return;
    const pk = await primaryOf(subscription.collection);
    let rows: Item[];
    try {
      rows = await read();
    } catch {
      return; // a key the subscriber may not read cannot be remembered; its deletion is not announced
    }
    for (const row of rows) subscription.shown.add(row[pk]);
  }

  /** The `{ event, data, meta? }` of a subscription message: the items as the subscriber may read them. */
  async function payload(subscription: Subscription, change?: Change): Promise<Record<string, unknown>> {
    const service = new services.ItemsService(subscription.collection, {
      accountability: subscription.subscriber.accountability,
    });
    const query = subscription.query;
    const pk = await primaryOf(subscription.collection);
    const keysOnly = { ...query, fields: [pk] };
    let data: unknown;
    if (subscription.item !== undefined) {
      data = change?.action === 'delete' ? subscription.item : await service.readOne(subscription.item, query);
    } else if (!change) {
      data = await service.readByQuery(query);
      await remember(subscription, () => service.readByQuery(keysOnly));
    } else if (change.action === 'delete') {
      const shown = subscription.shown;
      data = shown ? change.keys.filter((k) => shown.take(k)) : change.keys;
    } else {
      data = await service.readMany(change.keys, query);
      if ((data as Item[]).length) await remember(subscription, () => service.readMany(change.keys, keysOnly));
    }
    const out: Record<string, unknown> = { event: change?.action ?? 'init', data };
    if (query.meta && change?.action !== 'delete') out.meta = await service.meta(query);
    return out;
  }

  /**
   * The payload of `change` for `subscription`, read once per change for every subscription that
   * would read the same (same query, same rights, nothing remembered per subscription): ten
   * administrators following a collection cost one read per change, not ten. A user's rights are
   * keyed by the user too (a permission may name `$CURRENT_USER`).
   */
  function sharedPayload(
    subscription: Subscription,
    change: Change,
    reads: Map<string, Promise<Record<string, unknown>>>,
  ): Promise<Record<string, unknown>> {
    if (subscription.shown || subscription.item !== undefined) return payload(subscription, change);
    const key = readKey(subscription.subscriber.accountability, subscription.query);
    let read = reads.get(key);
    if (!read) reads.set(key, (read = payload(subscription, change)));
    return read;
  }

  async function deliver(
    subscription: Subscription,
    change: Change,
    reads: Map<string, Promise<Record<string, unknown>>>,
  ): Promise<void> {
    if (!active(subscription)) return;
    const { subscriber } = subscription;
    await options.refresh(subscriber);
    try {
      const result = await sharedPayload(subscription, change, reads);
      if (Array.isArray(result.data) && result.data.length === 0) return;
      options.send(subscriber, formatMessage('subscription', result, subscription.uid));
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      // An item that left the subscriber's view is not news; a collection it may no longer read ends the subscription.
      if (code === 'FORBIDDEN' && (await permissions.grant(subscriber.accountability, subscription.collection, 'read')))
        return;
      if (code === 'FORBIDDEN') remove(subscription);
      const text = errorMessage('subscribe', error, subscription.uid);
      if (text) options.send(subscriber, text);
      else logger.warn({ err: error, collection: subscription.collection }, 'a realtime subscription failed');
    }
  }

  /** Hands a committed change to the subscriptions of its collection on this host. */
  function dispatch(change: Change): void {
    const subscriptions = byCollection.get(change.collection);
    if (!subscriptions) return;
    const reads = new Map<string, Promise<Record<string, unknown>>>();
    for (const subscription of subscriptions) {
      if (subscription.event && subscription.event !== change.action) continue;
      if (subscription.item !== undefined && !change.keys.some((k) => String(k) === subscription.item)) continue;
      options.enqueue(subscription.subscriber, () => deliver(subscription, change, reads));
    }
  }

  const off = options.changes.listen(dispatch);

  return {
    /** A `subscribe` or `unsubscribe` message of `subscriber`. */
    async onMessage(subscriber: Subscriber, raw: Message): Promise<void> {
      if (raw.type === 'unsubscribe') {
        const own = bySubscriber.get(subscriber);
        if (raw.uid === undefined) for (const s of [...(own?.values() ?? [])]) remove(s);
        else {
          const s = own?.get(String(raw.uid));
          if (s) remove(s);
        }
        options.send(subscriber, formatMessage('subscription', { event: 'unsubscribe' }, raw.uid));
        return;
      }
      const message = SubscribeMessage.parse(raw);
      const uid = message.uid === undefined ? undefined : String(message.uid);
      if (!(await schema.get()).collections[message.collection])
        throw new RealtimeError(
          'subscribe',
          'INVALID_COLLECTION',
          'The provided collection does not exists or is not accessible.',
          uid,
        );
      // Checked even when no initial read follows (`event` given): no one learns when a collection it may not read changes.
      const grant = await permissions.grant(subscriber.accountability, message.collection, 'read');
      if (!grant) throw errors.FORBIDDEN();
      const key = uid ?? `\u0000${anonymous++}`;
      const own = bySubscriber.get(subscriber);
      const previous = own?.get(key);
      if (previous) remove(previous);
      if ((bySubscriber.get(subscriber)?.size ?? 0) >= options.maxPerSubscriber)
        throw new RealtimeError(
          'subscribe',
          'LIMIT_EXCEEDED',
          `Limit exceeded. A connection holds at most ${options.maxPerSubscriber} subscriptions.`,
          uid,
        );
      const subscription: Subscription = {
        subscriber,
        key,
        uid,
        collection: message.collection,
        event: message.event,
        item: message.item === undefined ? undefined : String(message.item),
        query: getSanitizedQuery(message.query ?? {}),
        shown: shownKeysFor(grant, subscriber.accountability),
      };
      // The initial read runs even when `event` asks for no data (then not sent, as in Directus): a
      // query or an item the subscriber may not read is refused now, not followed in silence, and
      // a row-limited subscriber's deletions are announced only for what this read showed.
      const read = await payload(subscription);
      const first = subscription.event === undefined ? read : { event: 'init' };
      let set = byCollection.get(subscription.collection);
      if (!set) byCollection.set(subscription.collection, (set = new Set()));
      set.add(subscription);
      let mine = bySubscriber.get(subscriber);
      if (!mine) bySubscriber.set(subscriber, (mine = new Map()));
      mine.set(key, subscription);
      options.send(subscriber, formatMessage('subscription', first, uid));
    },

    /** Drops every subscription of a connection that closed. */
    forget(subscriber: Subscriber): void {
      for (const s of [...(bySubscriber.get(subscriber)?.values() ?? [])]) remove(s);
    },

    /** How many subscriptions are held (health, tests). */
    count: (): number => [...bySubscriber.values()].reduce((n, m) => n + m.size, 0),

    close(): void {
      off();
      byCollection.clear();
      bySubscriber.clear();
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
