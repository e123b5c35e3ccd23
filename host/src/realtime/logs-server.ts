import type { WebSocket } from 'ws';
import type { Accountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import { logTapOf } from '../logger.js';
import {
  asRealtimeClient,
  clientContext,
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
 */
export function createLogsStream(kernel: RealtimeKernel & { cluster: { id: string } }) {
  const config = kernel.config.websockets;
  const own = config.logs;
  const tap = logTapOf(kernel.logger);
  const clients = new Set<LogsClient>();
  const liveness = createLiveness(config.heartbeatMs);
  /** While anyone follows: the logger's tap, and the check of who still may (a demoted or suspended administrator stops within a second or two). */
  let following: { untap?: () => void; recheck: NodeJS.Timeout } | undefined;

  function send(client: LogsClient, text: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.ws.bufferedAmount > config.maxBufferedBytes) return client.ws.terminate();
    client.ws.send(text);
  }

  function onLine(line: string): void {
    let log: { level?: unknown };
    try {
      log = JSON.parse(line);
    } catch {
      return;
    }
    const level = typeof log.level === 'number' ? log.level : 0;
    let text: string | undefined;
    for (const client of clients) {
      if (client.level === undefined || level < client.level) continue;
      text ??= formatMessage('logs', { data: log }, kernel.cluster.id);
      send(client, text);
    }
  }

  function follow(client: LogsClient, level: number | undefined): void {
    client.level = level;
    const anyone = [...clients].some((c) => c.level !== undefined);
    if (anyone && !following) {
      following = { untap: tap?.listen(onLine), recheck: setInterval(checkFollowers, REFRESH_MS) };
      following.recheck.unref();
    } else if (!anyone) stopFollowing();
  }

  function stopFollowing(): void {
    following?.untap?.();
    clearInterval(following?.recheck);
    following = undefined;
  }

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
    const emit = (event: string, meta: Record<string, unknown> = {}) =>
      void kernel.emitter.emitAction(event, { ...meta, client: socket }, clientContext(socket));
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
      stopFollowing();
      liveness.stop();
      await sockets.close();
    },
  };
}
