import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { HostConfig } from '../config.js';
import type { ScheduleLock } from '../events/scheduler.js';
import type { Logger } from '../logger.js';

/**
 * What a host tells the others changed in the shared database. Receivers re-read from the
 * database; a notification carries no state, so a missed or duplicated one costs a re-read, never
 * a divergence. Action hooks are not replayed: they ran once, on the host that made the change.
 */
export type ClusterTopic = 'extensions' | 'schema' | 'permissions' | 'flows';
const TOPICS: readonly ClusterTopic[] = ['extensions', 'schema', 'permissions', 'flows'];

const CHANNEL = 'annex_cluster';
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; the envelope's own keys take the rest. */
export const MAX_MESSAGE_BYTES = 7_800;
const HEARTBEAT_MS = 10_000;
/** A host not seen for this long is listed as gone. */
const GONE_AFTER_MS = 3 * HEARTBEAT_MS;
const CLAIMS_KEPT_MS = 24 * 3600 * 1000;

/** What `publish` waited for: hosts that confirmed the change, and those that did not in time. */
export interface PublishOutcome {
  acked: string[];
  missing: string[];
}

export interface ClusterOptions {
  /** How long a publisher waits for the other hosts to apply its change (CLUSTER_ACK_TIMEOUT). */
  ackTimeoutMs?: number;
}

/** A listening connection names itself so a publisher can list who will hear it (no schema change, no heartbeat lag). */
const LISTENER_PREFIX = 'annex-cluster-';

export interface HostReport {
  url: string | null;
  extensions: { id: string; version: string; state: string }[];
}

export interface ClusterHost {
  id: string;
  hostname: string | null;
  pid: number | null;
  url: string | null;
  startedAt: string | null;
  seenAt: string | null;
  alive: boolean;
  self: boolean;
  extensions: HostReport['extensions'];
}

export interface Cluster {
  /** This host's id (one per process). */
  readonly id: string;
  /** True when other hosts can share the database (PostgreSQL): notifications are on. */
  readonly shared: boolean;
  /** Whether this host hears the others now (always true without a shared database). */
  readonly listening: boolean;
  /**
   * Tells the other hosts and waits until every host listening right now has applied the change
   * (its handlers for `topic` ran after the notification arrived), or `ackTimeoutMs` passed.
   * Failures are logged, never thrown (the change itself is committed).
   */
  publish(topic: ClusterTopic): Promise<PublishOutcome>;
  /** Runs `handler` when another host published `topic`, and after a lost listener reconnects. Runs never overlap per topic. */
  on(topic: ClusterTopic, handler: () => Promise<void> | void): () => void;
  /** Runs the `topic` handlers here as if another host had published it (a retry, a re-read). */
  resync(topic: ClusterTopic): void;
  /**
   * Sends `data` to the `onMessage(channel)` handlers of the other hosts listening now: no
   * acknowledgement, no replay for a host that was not listening. Resolves false when nothing
   * was sent (one host, closed, a message over MAX_MESSAGE_BYTES, a failed notify).
   */
  broadcast(channel: string, data: unknown): Promise<boolean>;
  /** Runs `handler` with each `broadcast(channel)` of another host. */
  onMessage(channel: string, handler: (data: unknown) => void): () => void;
  readonly scheduleLock: ScheduleLock;
  getState<T>(key: string): Promise<T | undefined>;
  setState(key: string, value: unknown): Promise<void>;
  /** Starts reporting this host (and what it runs) to `annex_hosts`. */
  startHeartbeat(report: () => HostReport): void;
  hosts(): Promise<ClusterHost[]>;
  /** Extension ids the other live hosts report running (their rows must outlive this host's view of the disk). */
  namesRunElsewhere(): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Timestamps as ISO text: the form both SQLite and PostgreSQL accept and compare. */
const iso = (ms: number) => new Date(ms).toISOString();

function parseList(text: unknown): HostReport['extensions'] {
  if (typeof text !== 'string') return [];
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? (list as HostReport['extensions']) : [];
  } catch {
    return [];
  }
}

/**
 * Scale-out over one database (DESIGN §9). On PostgreSQL a dedicated connection LISTENs on
 * `annex_cluster`; every host runs a schedule tick only if it claimed the tick's row first; every
 * host reports itself in `annex_hosts`. On SQLite there is one host, so nothing is published, but
 * the same claims and reports keep the code path one.
 */
export function createCluster(knex: Knex, db: HostConfig['db'], logger: Logger, options: ClusterOptions = {}): Cluster {
  const id = randomUUID();
  const ackTimeoutMs = options.ackTimeoutMs ?? 2000;
  /** Per topic: notifications received and not yet answered; answered after the next full run of the handlers. */
  const unacked = new Map<ClusterTopic, { origin: string; seq: string }[]>();
  /** Per publish of this host: the hosts still to confirm, and what to call when none is left. */
  const waiting = new Map<string, { pending: Set<string>; acked: string[]; done(): void }>();
  const log = logger.child({ component: 'cluster' });
  const shared = db.client === 'pg';
  const handlers = new Map<ClusterTopic, Set<() => Promise<void> | void>>();
  const messageHandlers = new Map<string, Set<(data: unknown) => void>>();
  /** Per topic: a run in progress, and whether another was asked for meanwhile. */
  const running = new Map<ClusterTopic, { again: boolean }>();
  let listener: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  let failures = 0;
  let lastCleanup = 0;
  /** True between a successful LISTEN and the loss of that connection. */
  let listening = false;
  const startedAt = iso(Date.now());

  function dispatch(topic: ClusterTopic): void {
    const run = running.get(topic);
    if (run) {
      run.again = true;
      return;
    }
    const state = { again: false };
    running.set(topic, state);
    void (async () => {
      do {
        state.again = false;
        /* Only notifications that arrived before this run started are answered by it. */
        const answering = unacked.get(topic) ?? [];
        unacked.delete(topic);
        for (const h of [...(handlers.get(topic) ?? [])]) {
          try {
            await h();
          } catch (err) {
            log.warn({ err, topic }, 'applying a change from another host failed');
          }
        }
        for (const { origin, seq } of answering) void acknowledge(origin, seq);
      } while (state.again && !closed);
      running.delete(topic);
    })();
  }

  async function acknowledge(origin: string, seq: string): Promise<void> {
    try {
      await knex.raw('select pg_notify(?, ?)', [CHANNEL, JSON.stringify({ ack: seq, origin, host: id })]);
    } catch (err) {
      log.warn({ err }, 'could not confirm a change to the host that made it');
    }
  }

  function onNotification(message: pg.Notification): void {
    if (message.channel !== CHANNEL || !message.payload) return;
    let parsed: {
      topic?: unknown;
      origin?: unknown;
      seq?: unknown;
      ack?: unknown;
      host?: unknown;
      message?: unknown;
      data?: unknown;
    };
    try {
      parsed = JSON.parse(message.payload) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.ack === 'string') {
      const wait = parsed.origin === id ? waiting.get(parsed.ack) : undefined;
      if (wait && typeof parsed.host === 'string' && wait.pending.delete(parsed.host)) {
        wait.acked.push(parsed.host);
        if (wait.pending.size === 0) wait.done();
      }
      return;
    }
    if (typeof parsed.message === 'string') {
      if (parsed.origin === id) return;
      for (const h of [...(messageHandlers.get(parsed.message) ?? [])]) {
        try {
          h(parsed.data);
        } catch (err) {
          log.warn({ err, channel: parsed.message }, 'a handler of another host’s message failed');
        }
      }
      return;
    }
    if (parsed.origin === id || !TOPICS.includes(parsed.topic as ClusterTopic)) return;
    const topic = parsed.topic as ClusterTopic;
    if (typeof parsed.origin === 'string' && typeof parsed.seq === 'string') {
      let list = unacked.get(topic);
      if (!list) unacked.set(topic, (list = []));
      list.push({ origin: parsed.origin, seq: parsed.seq });
    }
    dispatch(topic);
  }

  /** Hosts whose listening connection is open now, other than this one: the ones that will hear a notification. */
  async function listeningHosts(): Promise<Set<string>> {
    const rows = await knex('pg_stat_activity')
      .where('datname', knex.raw('current_database()'))
      .andWhere('application_name', 'like', `${LISTENER_PREFIX}%`)
      .select('application_name');
    const ids = new Set(rows.map((r) => String(r.application_name).slice(LISTENER_PREFIX.length)));
    ids.delete(id);
    return ids;
  }

  async function listen(): Promise<void> {
    // pg is loaded only by hosts that share a PostgreSQL database (SQLite hosts never need it).
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({
      connectionString: db.connectionString,
      /* Named at connect, one round trip before its LISTEN: a publish in that instant waits its ack timeout, nothing worse. */
      application_name: LISTENER_PREFIX + id,
    });
    const lost = (err?: Error) => {
      if (listener !== client) return;
      listener = undefined;
      listening = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (closed) return;
      failures++;
      const delay = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
      log.warn({ err, retryInMs: delay }, 'cluster listener lost its connection; reconnecting');
      reconnect = setTimeout(() => void connect(true), delay);
      reconnect.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', onNotification);
    listener = client;
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listening = listener === client;
  }

  async function connect(resync: boolean): Promise<void> {
    try {
      await listen();
      failures = 0;
      /* Whatever was published while this host was not listening is re-read now. */
      if (resync) for (const topic of TOPICS) dispatch(topic);
    } catch (err) {
      const client = listener;
      if (client) client.emit('error', err as Error);
    }
  }

  if (shared) void connect(false);

  async function beat(report: () => HostReport): Promise<void> {
    const now = Date.now();
    const { url, extensions } = report();
    const row = {
      hostname: os.hostname(),
      pid: process.pid,
      url,
      seen_at: iso(now),
      extensions: JSON.stringify(extensions),
    };
    await knex('annex_hosts')
      .insert({ id, started_at: startedAt, ...row })
      .onConflict('id')
      .merge(row);
    if (now - lastCleanup > HEARTBEAT_MS * 6) {
      lastCleanup = now;
      await knex('annex_schedule_claims')
        .where('claimed_at', '<', iso(now - CLAIMS_KEPT_MS))
        .delete();
      await knex('annex_hosts')
        .where('seen_at', '<', iso(now - CLAIMS_KEPT_MS))
        .delete();
    }
  }

  return {
    id,
    shared,
    get listening() {
      return !shared || listening;
    },

    async publish(topic) {
      if (!shared || closed) return { acked: [], missing: [] };
      const seq = randomUUID();
      let wait: { pending: Set<string>; acked: string[]; done(): void } | undefined;
      try {
        const pending = await listeningHosts();
        let done!: () => void;
        const settled = new Promise<void>((resolve) => (done = resolve));
        wait = { pending, acked: [], done };
        waiting.set(seq, wait);
        await knex.raw('select pg_notify(?, ?)', [CHANNEL, JSON.stringify({ topic, origin: id, seq })]);
        if (pending.size > 0) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, ackTimeoutMs)))]);
          clearTimeout(timer);
        }
        if (wait.pending.size > 0)
          log.warn(
            { topic, hosts: [...wait.pending], ackTimeoutMs },
            'some hosts did not confirm a change in time; they apply it when they hear it or reconnect',
          );
        return { acked: wait.acked, missing: [...wait.pending] };
      } catch (err) {
        log.warn({ err, topic }, 'could not notify the other hosts');
        return { acked: wait?.acked ?? [], missing: [...(wait?.pending ?? [])] };
      } finally {
        waiting.delete(seq);
      }
    },

    resync: dispatch,

    on(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => set!.delete(handler);
    },

    async broadcast(channel, data) {
      if (!shared || closed) return false;
      const payload = JSON.stringify({ message: channel, origin: id, data });
      if (Buffer.byteLength(payload) > MAX_MESSAGE_BYTES) return false;
      try {
        await knex.raw('select pg_notify(?, ?)', [CHANNEL, payload]);
        return true;
      } catch (err) {
        log.warn({ err, channel }, 'could not send a message to the other hosts');
        return false;
      }
    },

    onMessage(channel, handler) {
      let set = messageHandlers.get(channel);
      if (!set) messageHandlers.set(channel, (set = new Set()));
      set.add(handler);
      return () => set!.delete(handler);
    },

    scheduleLock: {
      async runOnce(key, tick, fn) {
        try {
          await knex('annex_schedule_claims')
            .insert({ key, tick, host: id, claimed_at: iso(Date.now()) })
            .onConflict(['key', 'tick'])
            .ignore();
          const claim = await knex('annex_schedule_claims').where({ key, tick }).first('host');
          if (claim?.host !== id) return;
        } catch (err) {
          /* Without the database nothing else can run it either; running twice beats never. */
          log.warn({ err, schedule: key }, 'could not claim a schedule tick; running it here');
        }
        await fn();
      },
    },

    async getState<T>(key: string) {
      const row = await knex('annex_cluster_state').where({ key }).first('value');
      return row ? (JSON.parse(row.value as string) as T) : undefined;
    },

    async setState(key, value) {
      const row = { value: JSON.stringify(value), updated_by: id, updated_at: iso(Date.now()) };
      await knex('annex_cluster_state')
        .insert({ key, ...row })
        .onConflict('key')
        .merge(row);
    },

    startHeartbeat(report) {
      const tick = () => void beat(report).catch((err) => log.warn({ err }, 'cluster heartbeat failed'));
      tick();
      heartbeat = setInterval(tick, HEARTBEAT_MS);
      heartbeat.unref();
    },

    async hosts() {
      const rows = await knex('annex_hosts').select('*').orderBy('started_at');
      const now = Date.now();
      return rows.map((r) => {
        const seen = r.seen_at ? new Date(r.seen_at as string).getTime() : 0;
        return {
          id: r.id as string,
          hostname: (r.hostname as string) ?? null,
          pid: r.pid === null || r.pid === undefined ? null : Number(r.pid),
          url: (r.url as string) ?? null,
          startedAt: r.started_at ? new Date(r.started_at as string).toISOString() : null,
          seenAt: seen ? new Date(seen).toISOString() : null,
          alive: r.id === id || now - seen < GONE_AFTER_MS,
          self: r.id === id,
          extensions: parseList(r.extensions),
        };
      });
    },

    async namesRunElsewhere() {
      const names = new Set<string>();
      for (const h of await this.hosts()) if (!h.self && h.alive) for (const e of h.extensions) names.add(e.id);
      return names;
    },

    async close() {
      closed = true;
      clearTimeout(reconnect);
      clearInterval(heartbeat);
      const client = listener;
      listener = undefined;
      if (client) await client.end().catch(() => undefined);
      await knex('annex_hosts')
        .where({ id })
        .delete()
        .catch(() => undefined);
    },
  };
}
