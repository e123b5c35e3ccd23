import type { Cluster } from '../cluster/cluster.js';
import { MAX_MESSAGE_BYTES } from '../cluster/cluster.js';
import type { Emitter } from '../events/emitter.js';
import type { Logger } from '../logger.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { PrimaryKey } from '../services/items.js';

export type ChangeAction = 'create' | 'update' | 'delete';

/** A committed change, as subscriptions hear it (from this host's events or another host's message). */
export interface Change {
  collection: string;
  action: ChangeAction;
  /** As the collection's items carry them (an integer key is a number, whatever the route said). */
  keys: PrimaryKey[];
}

/** Directus's system events that change items, by the collection they report (`<name>.create` …). */
const SYSTEM_MODULES = [
  'users',
  'roles',
  'permissions',
  'files',
  'folders',
  'notifications',
  'comments',
  'dashboards',
  'panels',
  'flows',
  'operations',
  'presets',
  'settings',
  'translations',
  'revisions',
  'activity',
  'versions',
];
export const CHANGE_ACTIONS: readonly ChangeAction[] = ['create', 'update', 'delete'];
const CLUSTER_CHANNEL = 'realtime';

/**
 * The committed changes of items, for both realtime APIs (the WebSocket subscriptions and
 * GraphQL's `<collection>_mutated`): this host's `items.*` and system events, and on PostgreSQL
 * the other hosts' (each host relays its own through the cluster).
 */
export function createChangeFeed(options: { emitter: Emitter; cluster: Cluster; schema: SchemaStore; logger: Logger }) {
  const { emitter, cluster, schema, logger } = options;
  const listeners = new Set<(change: Change) => void>();

  /** A route's `/items/posts/2` deletes the key '2' of an integer key: keys are given as the items carry them. */
  async function typed(change: Change): Promise<Change> {
    const col = (await schema.get()).collections[change.collection];
    const type = col?.fields[col.primary]?.type;
    if (type !== 'integer' && type !== 'bigInteger') return change;
    const keys = change.keys.map((k) =>
      typeof k === 'string' && /^-?\d+$/.test(k) && Number.isSafeInteger(Number(k)) ? Number(k) : k,
    );
    return { ...change, keys };
  }

  /** Changes reach the listeners in the order they were committed. */
  let order: Promise<void> = Promise.resolve();
  function dispatch(change: Change): void {
    if (listeners.size === 0) return;
    order = order
      .then(() => typed(change))
      .then((c) => {
        for (const listener of listeners) listener(c);
      })
      .catch((err) => logger.warn({ err, collection: change.collection }, 'a realtime change was not delivered'));
  }

  /** Tells the other hosts, in messages small enough for a notification. */
  async function relay(change: Change): Promise<void> {
    if (!cluster.shared) return;
    let size = change.keys.length;
    for (let start = 0; start < change.keys.length; ) {
      const part = { c: change.collection, a: change.action, k: change.keys.slice(start, start + size) };
      if (JSON.stringify(part).length > MAX_MESSAGE_BYTES - 200 && size > 1) {
        size = Math.ceil(size / 2);
        continue;
      }
      await cluster.broadcast(CLUSTER_CHANNEL, part);
      start += size;
    }
  }

  function changed(collection: unknown, action: ChangeAction, keys: unknown): void {
    if (typeof collection !== 'string' || !Array.isArray(keys) || keys.length === 0) return;
    const change: Change = { collection, action, keys: keys as PrimaryKey[] };
    dispatch(change);
    void relay(change).catch((err) => logger.warn({ err }, 'could not relay a change to the other hosts'));
  }

  const offs: (() => void)[] = [];
  for (const action of CHANGE_ACTIONS) {
    const keysOf = (meta: Record<string, unknown>) => (action === 'create' ? [meta.key] : meta.keys);
    for (const module of ['items', ...SYSTEM_MODULES])
      offs.push(
        emitter.onAction(`${module}.${action}`, (meta) => changed(meta.collection, action, keysOf(meta)), 'realtime'),
      );
  }
  // A manual reorder moves the item (Directus reports it as an update of that item).
  offs.push(emitter.onAction('items.sort', (meta) => changed(meta.collection, 'update', [meta.item]), 'realtime'));
  offs.push(
    cluster.onMessage(CLUSTER_CHANNEL, (data) => {
      const m = data as { c?: unknown; a?: unknown; k?: unknown };
      if (typeof m?.c === 'string' && CHANGE_ACTIONS.includes(m.a as ChangeAction) && Array.isArray(m.k))
        dispatch({ collection: m.c, action: m.a as ChangeAction, keys: m.k as PrimaryKey[] });
    }),
  );

  return {
    /** Calls `listener` with every committed change until the returned function is called. */
    listen(listener: (change: Change) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      for (const off of offs) off();
      listeners.clear();
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
