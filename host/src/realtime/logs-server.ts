import type { WebSocket } from 'ws';
import type { Accountability } from '../auth/accountability.js';
import { MAX_MESSAGE_BYTES } from '../cluster/cluster.js';
import { errors } from '../errors.js';
import { logTapOf } from '../logger.js';
import {
  asRealtimeClient,
  emitClientAction,
  createLiveness,
  createSocketServer,
  frameText,
  MessageBudget,
  REFRESH_MS,
} from './connection.js';
import { errorMessage, formatMessage, parseMessage, refusal, type Message } from './protocol.js';
import type { RealtimeKernel } from './server.js';

/** pino's levels, by the names Directus's `log_level` takes. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** A cluster's hosts tell each other who follows (`{ host, level }`, level null: no one any more)… */
const FOLLOW_CHANNEL = 'logs.follow';
/** …and send those hosts their lines (`{ host, line }`). */
const LINES_CHANNEL = 'logs.lines';
/** A host with followers says so this often; the others believe it three times as long. */
const ANNOUNCE_MS = 5000;
/** At most this many lines a second go to the other hosts: each is a database notification. */
const RELAY_PER_SECOND = 100;

/** A line as one notification carries it: too long, its short fields only (the message cut), marked `truncated`. */
function relayable(log: Record<string, unknown>, host: string): unknown {
  const whole = { host, line: log };
  if (Buffer.byteLength(JSON.stringify(whole)) < MAX_MESSAGE_BYTES - 200) return whole;
  const short = Object.entries(log).filter(([, v]) => JSON.stringify(v ?? null).length <= 200);
  const msg = typeof log.msg === 'string' ? { msg: log.msg.slice(0, 2000) } : {};
  return { host, line: { ...Object.fromEntries(short.slice(0, 20)), ...msg, truncated: true } };
}

interface LogsClient {
  ws: WebSocket;
  ip: string | null;
  accountability: Accountability;
  refreshedAt: number;
  /** The lowest level sent, when subscribed. */
  level?: number;
  budget: MessageBudget;
  /** A token in the address does not end the connection when it expires (strict, as Directus's logs stream). */
  expiresAt: null;
}

/**
 * Directus's logs stream at WEBSOCKETS_LOGS_PATH: an administrator's token in the address
 * (strict, as in Directus), then `{ type: 'subscribe', log_level }` and this host's log lines at
 * that level and above as `{ type: 'logs', data, uid: <host id> }`. The logger is tapped only
 * while someone follows it; a follower that stops reading is disconnected (nothing is buffered
 * for it, and nothing it causes is logged back into the stream). As Directus's, it emits the
 * `websocket.connect`, `websocket.error` and `websocket.close` actions (not the message events).
 * In a cluster, a follower gets every host's lines, each with its host's id (Directus's `uid`):
 * a host with followers announces their lowest level, and the others relay their lines at that
 * level while the announcement holds (at most RELAY_PER_SECOND a second; the cluster's own lines
 * are not relayed, so a failed relay cannot feed itself).
 */
export function createLogsStream(kernel: RealtimeKernel) {
  const config = kernel.config.websockets;
  const own = config.logs;
  const tap = logTapOf(kernel.logger);
  const clients = new Set<LogsClient>();
  const liveness = createLiveness(config.heartbeatMs);
  const cluster = kernel.cluster;
  /** While anyone follows, here or on another host: the logger's tap, and the check of who still may (a demoted or suspended administrator stops within a second or two). */
  let following: { untap?: () => void; recheck: NodeJS.Timeout } | undefined;
  /** Other hosts' followers: the lowest level each wants, until when its announcement holds. */
  const remote = new Map<string, { level: number; until: number }>();
  /** The lowest level this host's own followers want (undefined: none follows here), as last announced. */
  let announced: number | undefined;
  let relayed = { second: 0, count: 0 };

  const localLevel = (): number | undefined => {
    let min: number | undefined;
    for (const c of clients) if (c.level !== undefined && (min === undefined || c.level < min)) min = c.level;
    return min;
  };
  const remoteLevel = (): number | undefined => {
    let min: number | undefined;
    const now = Date.now();
    for (const [host, r] of remote) {
      if (r.until <= now) remote.delete(host);
      else if (min === undefined || r.level < min) min = r.level;
    }
    return min;
  };

  function send(client: LogsClient, text: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.ws.bufferedAmount > config.maxBufferedBytes) return client.ws.terminate();
    client.ws.send(text);
  }

  /** A line to this host's followers at its level, as written by `host`. */
  function deliver(log: Record<string, unknown>, host: string): void {
    const level = typeof log.level === 'number' ? log.level : 0;
    let text: string | undefined;
    for (const client of clients) {
      if (client.level === undefined || level < client.level) continue;
      text ??= formatMessage('logs', { data: log }, host);
      send(client, text);
    }
  }

  function onLine(line: string): void {
    let log: Record<string, unknown>;
    try {
      log = JSON.parse(line);
    } catch {
      return;
    }
    deliver(log, cluster.id);
    const wanted = remote.size > 0 ? remoteLevel() : undefined;
    const level = typeof log.level === 'number' ? log.level : 0;
    if (wanted === undefined || level < wanted || log.component === 'cluster') return;
    const second = Math.floor(Date.now() / 1000);
    if (relayed.second !== second) relayed = { second, count: 0 };
    if (++relayed.count > RELAY_PER_SECOND) return;
    void cluster.broadcast(LINES_CHANNEL, relayable(log, cluster.id));
  }

  /** Taps the logger while anyone follows (here or elsewhere), and tells the other hosts when this host's own followers change. */
  function update(): void {
    const local = localLevel();
    if (local !== announced) {
      announced = local;
      void cluster.broadcast(FOLLOW_CHANNEL, { host: cluster.id, level: local ?? null });
    }
    const anyone = local !== undefined || remoteLevel() !== undefined;
    if (anyone && !following) {
      following = { untap: tap?.listen(onLine), recheck: setInterval(checkFollowers, REFRESH_MS) };
      following.recheck.unref();
    } else if (!anyone) stopFollowing();
  }

  function follow(client: LogsClient, level: number | undefined): void {
    client.level = level;
    update();
  }

  function stopFollowing(): void {
    following?.untap?.();
    clearInterval(following?.recheck);
    following = undefined;
  }

  const unlisten = [
    cluster.onMessage(FOLLOW_CHANNEL, (data) => {
      const { host, level } = (data ?? {}) as { host?: unknown; level?: unknown };
      if (typeof host !== 'string' || host === cluster.id) return;
      if (typeof level === 'number') remote.set(host, { level, until: Date.now() + 3 * ANNOUNCE_MS });
      else remote.delete(host);
      update();
    }),
    cluster.onMessage(LINES_CHANNEL, (data) => {
      const { host, line } = (data ?? {}) as { host?: unknown; line?: unknown };
      if (typeof host === 'string' && host !== cluster.id && line && typeof line === 'object')
        deliver(line as Record<string, unknown>, host);
    }),
  ];
  /** While this host has followers, it says so again before the others stop believing it. */
  const announce = setInterval(() => {
    if (announced !== undefined) void cluster.broadcast(FOLLOW_CHANNEL, { host: cluster.id, level: announced });
    // The others' announcements that lapsed (a host that went away) untap the logger here.
    if (remote.size > 0 && remoteLevel() === undefined) update();
  }, ANNOUNCE_MS);
  announce.unref();

  function checkFollowers(): void {
    for (const client of clients) {
      if (client.level === undefined) continue;
      void stillAdmin(client)
        .then((admin) => {
          if (admin || client.level === undefined) return;
          follow(client, undefined);
          send(client, errorMessage('logs', errors.FORBIDDEN())!);
        })
        .catch(() => undefined);
    }
  }

  /** An administrator, re-read at most once a second: a demoted or suspended one stops following. */
  async function stillAdmin(client: LogsClient): Promise<boolean> {
    if (Date.now() - client.refreshedAt >= REFRESH_MS && client.accountability.user) {
      const fresh = await kernel.auth.accountabilityOf(client.accountability.user, client.ip);
      client.refreshedAt = Date.now();
      if (!fresh) {
        client.ws.close(1008, 'Authentication failed');
        return false;
      }
      client.accountability = fresh;
    }
    return client.accountability.admin;
  }

  async function onMessage(client: LogsClient, message: Message): Promise<void> {
    switch (message.type) {
      case 'ping':
        return send(client, formatMessage('pong', {}, message.uid));
      case 'subscribe': {
        if (!(await stillAdmin(client))) {
          follow(client, undefined);
          return send(client, errorMessage('logs', errors.FORBIDDEN(), message.uid)!);
        }
        const name = typeof message.log_level === 'string' ? message.log_level.toLowerCase() : '';
        if (!(name in LEVELS))
          return send(
            client,
            refusal(
              'logs',
              'INVALID_PAYLOAD',
              `log_level must be one of ${Object.keys(LEVELS).join(', ')}.`,
              message.uid,
            ),
          );
        follow(client, LEVELS[name]);
        return send(client, formatMessage('logs', { event: 'subscribe', log_level: name }, message.uid));
      }
      case 'unsubscribe':
        follow(client, undefined);
        return send(client, formatMessage('logs', { event: 'unsubscribe' }, message.uid));
      default:
        return send(client, refusal('logs', 'INVALID_PAYLOAD', `Unknown message type "${message.type}".`, message.uid));
    }
  }

  function connected(ws: WebSocket, ip: string | null, accountability: Accountability): void {
    const client: LogsClient = {
      ws,
      ip,
      accountability,
      refreshedAt: Date.now(),
      budget: new MessageBudget(config.messagesPerSecond),
      expiresAt: null,
    };
    const socket = asRealtimeClient(ws, client);
    const emit = (event: string, meta?: Record<string, unknown>) =>
      emitClientAction(kernel.emitter, event, socket, meta);
    clients.add(client);
    emit('websocket.connect');
    liveness.watch(ws);
    let queue = Promise.resolve();
    ws.on('message', (data) => {
      if (!client.budget.take()) return ws.close(1008, 'Too many messages');
      let message: Message;
      try {
        message = parseMessage(frameText(data));
      } catch (error) {
        return send(client, errorMessage('logs', error)!);
      }
      queue = queue
        .then(() => onMessage(client, message))
        .catch(() => send(client, refusal('logs', 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.')));
    });
    ws.on('error', (error) => emit('websocket.error', { event: { message: error.message } }));
    ws.once('close', (code, reason) => {
      follow(client, undefined);
      clients.delete(client);
      emit('websocket.close', { event: { code, reason: reason.toString('utf8') } });
    });
  }

  // An administrator's token in the address, else 401 (none, or a bad one) or 403 (another user).
  const sockets = createSocketServer<Accountability>({
    trustProxy: kernel.config.trustProxy,
    connectionLimit: own.connectionLimit,
    maxPayload: 64 * 1024,
    logger: kernel.logger,
    open: () => [...clients].map((c) => c.ws),
    async admit(token, ip) {
      const accountability = token ? await kernel.auth.authenticate(token, ip).catch(() => undefined) : undefined;
      if (!accountability?.user) return { refused: '401 Unauthorized' };
      if (!accountability.admin) return { refused: '403 Forbidden' };
      return { admitted: accountability };
    },
    connected,
  });

  return {
    path: own.path,
    upgrade: sockets.upgrade,

    async close(): Promise<void> {
      clearInterval(announce);
      for (const off of unlisten) off();
      if (announced !== undefined) await cluster.broadcast(FOLLOW_CHANNEL, { host: cluster.id, level: null });
      stopFollowing();
      liveness.stop();
      await sockets.close();
    },
  };
}
