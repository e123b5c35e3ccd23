import type { RawData, WebSocket } from 'ws';
import { publicAccountability, type Accountability } from '../auth/accountability.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Permissions } from '../auth/permissions.js';
import type { Cluster } from '../cluster/cluster.js';
import type { WebSocketsConfig } from '../config.js';
import type { Emitter } from '../events/emitter.js';
import type { Logger } from '../logger.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { Services } from '../services/namespace.js';
import { answerItems } from './items.js';
import {
  AuthMessage,
  errorMessage,
  formatMessage,
  parseMessage,
  RealtimeError,
  refusal,
  type Message,
} from './protocol.js';
import type { ChangeFeed } from './changes.js';
import { createSubscriptions } from './subscriptions.js';
import {
  asRealtimeClient,
  clientContext,
  emitClientAction,
  createSocketServer,
  expiryOf,
  frameText,
  hookAccountability,
  MAX_DELAY,
  MessageBudget,
  REFRESH_MS,
  type RealtimeClient,
} from './connection.js';

export type { RealtimeClient } from './connection.js';

/** The kernel services the realtime API uses (the built-in's declared surface). */
export interface RealtimeKernel {
  auth: AuthService;
  cluster: Cluster;
  config: { websockets: WebSocketsConfig; trustProxy: boolean; graphqlTokenLimit: number };
  emitter: Emitter;
  logger: Logger;
  permissions: Permissions;
  schema: SchemaStore;
  services: Services;
}

interface AuthState {
  accountability: Accountability;
  expiresAt: number | null;
  refreshToken?: string;
  /** Read from a user's token (re-read before use); false when a `websocket.authenticate` hook chose it. */
  fromToken: boolean;
}

interface ClientState {
  ip: string | null;
  phase: 'handshake' | 'open';
  fromToken: boolean;
  budget: MessageBudget;
  refusedInARow: number;
  queue: Promise<void>;
  queued: number;
  /** The handshake's deadline, the token's expiry, or the deadline to authenticate again after it. */
  timer?: NodeJS.Timeout;
  awaitingPong: boolean;
  refreshedAt: number;
}

/** A connection refused this many messages in a row (rate) is closed. */
const MAX_REFUSED_IN_A_ROW = 100;

/**
 * Directus's realtime WebSocket API at WEBSOCKETS_REST_PATH: authentication (handshake, strict
 * or public), `ping`/`pong`, `subscribe`/`unsubscribe` and `items`, with Directus's `websocket.*`
 * events. Each connection's messages run one after another, at a bounded rate, and a client
 * that stops reading is disconnected rather than buffered for.
 */
export function createRealtime(kernel: RealtimeKernel, changes: ChangeFeed) {
  const config = kernel.config.websockets;
  const log = kernel.logger.child({ component: 'realtime' });
  const clients = new Map<RealtimeClient, ClientState>();
  let heartbeat: NodeJS.Timeout | undefined;

  function send(client: RealtimeClient, text: string): void {
    if (client.readyState !== client.OPEN) return;
    // A client that does not read what it is sent would make the host hold it all: it goes instead.
    if (client.bufferedAmount > config.maxBufferedBytes) {
      log.warn({ client: client.uid }, 'a WebSocket client stopped reading; disconnecting it');
      client.terminate();
      return;
    }
    client.send(text);
  }

  function enqueue(client: RealtimeClient, job: () => Promise<void>, type = 'server', uid?: Message['uid']): void {
    const state = clients.get(client);
    if (!state) return;
    state.queued++;
    // A closed connection's remaining work is dropped (a flood that closed it leaves nothing running).
    state.queue = state.queue
      .then(() => (clients.has(client) ? job() : undefined))
      .catch((error) => {
        const text = errorMessage(type, error, uid);
        if (text) return send(client, text);
        log.error({ err: error, client: client.uid }, 'a WebSocket message failed');
        send(client, refusal(type, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.', uid));
      })
      .finally(() => {
        state.queued--;
      });
  }

  /** Takes one message from the connection's budget: `messagesPerSecond`, in bursts of twice that. */
  function allow(state: ClientState): boolean {
    return state.queued < config.messagesPerSecond * 2 && state.budget.take();
  }

  async function authenticate(raw: Message | { access_token: string }, ip: string | null): Promise<AuthState> {
    const message = AuthMessage.parse({ type: 'auth', ...raw });
    let access: string;
    let refreshToken: string | undefined;
    if ('email' in message) {
      const tokens = await kernel.auth.login(message.email, message.password, ip);
      access = tokens.access_token;
      refreshToken = tokens.refresh_token;
    } else if ('refresh_token' in message) {
      const tokens = await kernel.auth.refresh(message.refresh_token, ip);
      access = tokens.access_token;
      refreshToken = tokens.refresh_token;
    } else access = message.access_token;
    // Directus's `websocket.authenticate`: a hook may decide who the connection acts for. It is
    // not shown the password or the refresh token (the host checked them).
    const { password: _p, refresh_token: _r, ...shown } = message as Record<string, unknown>;
    const custom = await hookAccountability(kernel.emitter, shown, ip);
    return {
      accountability: custom ?? (await kernel.auth.authenticate(access, ip)),
      expiresAt: expiryOf(access),
      refreshToken,
      fromToken: !custom,
    };
  }

  function authOk(uid: Message['uid'], refreshToken?: string): string {
    return formatMessage(
      'auth',
      { status: 'ok', ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }) },
      uid,
    );
  }

  const authError = (code: string, message: string, uid?: Message['uid']) => refusal('auth', code, message, uid);

  function signIn(client: RealtimeClient, state: ClientState, auth: AuthState | undefined): void {
    client.accountability = auth?.accountability ?? publicAccountability(state.ip);
    client.expires_at = auth?.expiresAt ?? null;
    state.fromToken = auth?.fromToken ?? false;
    state.refreshedAt = Date.now();
    clearTimeout(state.timer);
    state.timer = undefined;
    if (client.expires_at !== null) armExpiry(client, state);
  }

  /** At the token's expiry the connection acts for the public; unless the API is public, it must authenticate again in time. */
  function armExpiry(client: RealtimeClient, state: ClientState): void {
    const due = client.expires_at! * 1000 - Date.now();
    state.timer = setTimeout(
      () => {
        if (client.expires_at! * 1000 > Date.now()) return armExpiry(client, state);
        signIn(client, state, undefined);
        send(client, authError('TOKEN_EXPIRED', 'Token expired.'));
        if (config.auth === 'public') return;
        state.timer = setTimeout(() => {
          send(client, authError('AUTH_TIMEOUT', 'Authentication timed out.'));
          client.close(1008, 'Authentication timed out');
        }, config.authTimeoutMs);
      },
      Math.min(MAX_DELAY, Math.max(0, due)),
    );
  }

  /** Re-reads who a token-authenticated connection acts for; a user no longer active loses it. */
  async function refresh(client: RealtimeClient): Promise<void> {
    const state = clients.get(client);
    const user = client.accountability.user;
    if (!state || !state.fromToken || !user || Date.now() - state.refreshedAt < REFRESH_MS) return;
    const fresh = await kernel.auth.accountabilityOf(user, state.ip);
    state.refreshedAt = Date.now();
    if (fresh) {
      client.accountability = fresh;
      return;
    }
    signIn(client, state, undefined);
    send(client, authError('AUTH_FAILED', 'Authentication failed.'));
    if (config.auth !== 'public') client.close(1008, 'Authentication failed');
  }

  const subscriptions = createSubscriptions({
    services: kernel.services,
    schema: kernel.schema,
    permissions: kernel.permissions,
    changes,
    logger: log,
    maxPerSubscriber: config.maxSubscriptions,
    enqueue: (subscriber, job) => enqueue(subscriber as RealtimeClient, job, 'subscribe'),
    refresh: (subscriber) => refresh(subscriber as RealtimeClient),
    send: (subscriber, text) => send(subscriber as RealtimeClient, text),
  });

  async function onAuth(client: RealtimeClient, state: ClientState, message: Message): Promise<void> {
    let auth: AuthState;
    try {
      auth = await authenticate(message, state.ip);
    } catch {
      emitClientAction(kernel.emitter, 'websocket.auth.failure', client);
      signIn(client, state, undefined);
      send(client, authError('AUTH_FAILED', 'Authentication failed.', message.uid));
      if (config.auth !== 'public') client.close(1008, 'Authentication failed');
      return;
    }
    signIn(client, state, auth);
    emitClientAction(kernel.emitter, 'websocket.auth.success', client);
    send(client, authOk(message.uid, auth.refreshToken));
  }

  async function onMessage(client: RealtimeClient, state: ClientState, received: Message): Promise<void> {
    if (received.type === 'auth') return onAuth(client, state, received);
    const filtered = await kernel.emitter.emitFilter('websocket.message', received, { client }, clientContext(client));
    if (typeof filtered !== 'object' || filtered === null || typeof (filtered as Message).type !== 'string')
      throw new RealtimeError('server', 'INVALID_PAYLOAD', 'Unable to parse the incoming message.', received.uid);
    const message = filtered as Message;
    await refresh(client);
    emitClientAction(kernel.emitter, 'websocket.message', client, { message });
    switch (message.type.toLowerCase()) {
      case 'ping':
        return send(client, formatMessage('pong', {}, message.uid));
      case 'subscribe':
      case 'unsubscribe':
        return subscriptions.onMessage(client, { ...message, type: message.type.toLowerCase() });
      case 'items':
        return send(
          client,
          formatMessage('items', await answerItems(kernel, client.accountability, message), message.uid),
        );
    }
  }

  async function onHandshake(client: RealtimeClient, state: ClientState, message: Message): Promise<void> {
    let auth: AuthState | undefined;
    if (message.type === 'auth') auth = await authenticate(message, state.ip).catch(() => undefined);
    if (!auth || state.phase !== 'handshake') {
      send(client, authError('AUTH_FAILED', 'Authentication handshake failed.'));
      client.close(1008, 'Authentication handshake failed');
      return;
    }
    signIn(client, state, auth);
    send(client, authOk(message.uid, auth.refreshToken));
    opened(client, state);
  }

  function onFrame(client: RealtimeClient, state: ClientState, data: RawData): void {
    state.awaitingPong = false;
    if (!allow(state)) {
      const wait = Math.ceil(1000 / config.messagesPerSecond);
      send(client, refusal('server', 'REQUESTS_EXCEEDED', `Too many messages, retry after ${wait}ms.`));
      if (++state.refusedInARow >= MAX_REFUSED_IN_A_ROW) client.close(1008, 'Too many messages');
      return;
    }
    state.refusedInARow = 0;
    let message: Message;
    try {
      message = parseMessage(frameText(data));
    } catch (error) {
      send(client, errorMessage('server', error)!);
      return;
    }
    const type = message.type === 'subscribe' || message.type === 'unsubscribe' ? 'subscribe' : message.type;
    // The phase is read when the message's turn comes: a message sent right behind the handshake's
    // auth (pipelined) is handled as the open connection's, not refused as a second handshake.
    const run = () =>
      state.phase === 'handshake' ? onHandshake(client, state, message) : onMessage(client, state, message);
    enqueue(client, run, state.phase === 'handshake' ? 'auth' : type, message.uid);
  }

  function opened(client: RealtimeClient, state: ClientState): void {
    state.phase = 'open';
    emitClientAction(kernel.emitter, 'websocket.connect', client);
    if (config.heartbeatMs > 0 && !heartbeat) {
      heartbeat = setInterval(beat, config.heartbeatMs);
      heartbeat.unref();
    }
  }

  /** Directus's heartbeat: a client that sent nothing since the last ping is closed; the others are pinged. */
  function beat(): void {
    if (clients.size === 0) {
      clearInterval(heartbeat);
      heartbeat = undefined;
      return;
    }
    for (const [client, state] of clients) {
      if (state.phase !== 'open') continue;
      if (state.awaitingPong) {
        client.close(1001, 'No answer to ping');
        continue;
      }
      state.awaitingPong = true;
      send(client, formatMessage('ping'));
    }
  }

  function connected(ws: WebSocket, ip: string | null, auth: AuthState | undefined): void {
    const client = asRealtimeClient(ws);
    const state: ClientState = {
      ip,
      phase: 'handshake',
      fromToken: false,
      budget: new MessageBudget(config.messagesPerSecond),
      refusedInARow: 0,
      queue: Promise.resolve(),
      queued: 0,
      awaitingPong: false,
      refreshedAt: 0,
    };
    clients.set(client, state);
    signIn(client, state, auth);
    // A bad frame is an 'error' event here (with a listener, never an uncaught exception), then a close.
    ws.on('error', (error) => {
      log.debug({ err: error, client: client.uid }, 'WebSocket connection error');
      emitClientAction(kernel.emitter, 'websocket.error', client, { event: { message: error.message } });
    });
    ws.on('close', (code, reason) => {
      clearTimeout(state.timer);
      clients.delete(client);
      subscriptions.forget(client);
      emitClientAction(kernel.emitter, 'websocket.close', client, { event: { code, reason: reason.toString('utf8') } });
    });
    ws.on('message', (data) => onFrame(client, state, data));
    if (auth || config.auth === 'public') return opened(client, state);
    state.timer = setTimeout(() => {
      if (state.phase !== 'handshake') return;
      send(client, authError('AUTH_FAILED', 'Authentication handshake failed.'));
      client.close(1008, 'Authentication handshake failed');
    }, config.authTimeoutMs);
  }

  // A token in the address authenticates at once (required in strict mode); a bad one is 401.
  const sockets = createSocketServer<AuthState | undefined>({
    trustProxy: kernel.config.trustProxy,
    connectionLimit: config.connectionLimit,
    maxPayload: config.maxMessageBytes,
    logger: log,
    open: () => clients.keys(),
    async admit(token, ip) {
      if (config.auth !== 'strict' && !token) return { admitted: undefined };
      const auth = token ? await authenticate({ access_token: token }, ip).catch(() => undefined) : undefined;
      return auth?.accountability.user ? { admitted: auth } : { refused: '401 Unauthorized' };
    },
    connected,
  });

  return {
    path: config.path,
    upgrade: sockets.upgrade,
    /** Open connections (tests, health). */
    clients: (): ReadonlySet<RealtimeClient> => new Set(clients.keys()),
    subscriptions: () => subscriptions.count(),

    /** Closes every connection (1001, going away), waiting a moment for their close handshakes. */
    async close(): Promise<void> {
      clearInterval(heartbeat);
      subscriptions.close();
      await sockets.close();
    },
  };
}

export type Realtime = ReturnType<typeof createRealtime>;
