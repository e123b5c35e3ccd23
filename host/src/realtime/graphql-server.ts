import { GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { publicAccountability, type Accountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import { createItemsSchemas, formatError, operationContext, shapeResult } from '../graphql/handler.js';
import type { ChangeFeed } from './changes.js';
import {
  asRealtimeClient,
  clientContext,
  emitClientAction,
  createLiveness,
  createSocketServer,
  expiryOf,
  frameText,
  hookAccountability,
  MAX_DELAY,
  MessageBudget,
  REFRESH_MS,
  type RealtimeClient,
} from './connection.js';
import { followMutations, sharedReads } from './mutated.js';
import type { RealtimeKernel } from './server.js';

/** One connection of the GraphQL socket: who it acts for, until when, and its budgets. */
interface GraphQLClient {
  ws: WebSocket;
  /** The socket as Directus's client, for the `websocket.*` events. */
  socket: RealtimeClient;
  ip: string | null;
  accountability: Accountability;
  /** Authenticated with a user's token (re-read before use). */
  fromToken: boolean;
  expiresAt: number | null;
  refreshedAt: number;
  expiry?: NodeJS.Timeout;
  budget: MessageBudget;
  /** The `websocket.message` filters of the connection's messages, one after another. */
  filtered: Promise<void>;
}

/**
 * Directus's GraphQL subscriptions: the `graphql-transport-ws` protocol (graphql-ws's server) at
 * WEBSOCKETS_GRAPHQL_PATH, over the caller's own `/graphql` schema, where every readable
 * collection has `<collection>_mutated`. Queries and mutations run there too, as over HTTP.
 * Authentication as Directus's: a token in the address (required in `strict` mode), else
 * `connection_init`'s `access_token` (required in `handshake` mode). The REST socket's limits
 * apply: message size and rate, subscriptions per connection, a reader that stops reading.
 */
export function createGraphQLRealtime(kernel: RealtimeKernel, changes: ChangeFeed) {
  const config = kernel.config.websockets;
  const own = config.graphql;
  const log = kernel.logger.child({ component: 'realtime-graphql' });
  const schemas = createItemsSchemas(kernel);
  const reads = sharedReads();
  const clients = new Set<GraphQLClient>();
  const liveness = createLiveness(config.heartbeatMs);

  interface SignedIn {
    accountability: Accountability;
    expiresAt: number | null;
    /** A user's token (re-read before use), not who a `websocket.authenticate` hook chose. */
    fromToken: boolean;
  }

  /** A token, through Directus's `websocket.authenticate` first (a hook may decide who connects). */
  async function authenticate(token: string, ip: string | null): Promise<SignedIn> {
    const custom = await hookAccountability(kernel.emitter, { access_token: token }, ip);
    return {
      accountability: custom ?? (await kernel.auth.authenticate(token, ip)),
      expiresAt: expiryOf(token),
      fromToken: !custom,
    };
  }

  function signIn(client: GraphQLClient, auth: SignedIn): void {
    client.accountability = auth.accountability;
    client.fromToken = auth.fromToken;
    client.refreshedAt = Date.now();
    client.expiresAt = auth.expiresAt;
    clearTimeout(client.expiry);
    if (client.expiresAt !== null) armExpiry(client);
  }

  /** At the token's expiry the connection acts for the public, or ends (4403) unless the socket is public. */
  function armExpiry(client: GraphQLClient): void {
    const due = client.expiresAt! * 1000 - Date.now();
    client.expiry = setTimeout(
      () => {
        if (client.expiresAt! * 1000 > Date.now()) return armExpiry(client);
        client.accountability = publicAccountability(client.ip);
        client.fromToken = false;
        if (own.auth !== 'public') client.ws.close(CloseCode.Forbidden, 'Token expired');
      },
      Math.min(MAX_DELAY, Math.max(0, due)),
    );
  }

  /** Re-reads who a token-authenticated connection acts for; a user no longer active loses the connection. */
  async function refresh(client: GraphQLClient): Promise<void> {
    const user = client.accountability.user;
    if (!client.fromToken || !user || Date.now() - client.refreshedAt < REFRESH_MS) return;
    const fresh = await kernel.auth.accountabilityOf(user, client.ip);
    client.refreshedAt = Date.now();
    if (fresh) {
      client.accountability = fresh;
      return;
    }
    client.accountability = publicAccountability(client.ip);
    client.fromToken = false;
    client.ws.close(CloseCode.Forbidden, 'Forbidden');
  }

  const graphql = makeServer<Record<string, unknown> | undefined, GraphQLClient>({
    connectionInitWaitTimeout: own.authTimeoutMs,
    async onConnect(ctx) {
      const client = ctx.extra;
      const token = ctx.connectionParams?.access_token;
      if (typeof token === 'string') {
        try {
          signIn(client, await authenticate(token, client.ip));
        } catch {
          emit('websocket.auth.failure', client);
          return false;
        }
        emit('websocket.auth.success', client);
      } else if (own.auth === 'handshake' && !client.accountability.user) return false;
      return true;
    },
    async onSubscribe(ctx, _id, payload) {
      const client = ctx.extra;
      // The operation being subscribed is already counted in ctx.subscriptions.
      if (Object.keys(ctx.subscriptions).length > config.maxSubscriptions) {
        const limit = errors.LIMIT_EXCEEDED({
          reason: `A connection holds at most ${config.maxSubscriptions} operations.`,
        });
        return [new GraphQLError(limit.message, { originalError: limit })];
      }
      await refresh(client);
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: kernel.config.graphqlTokenLimit });
      } catch {
        return [new GraphQLError('Failed to parse GraphQL document.')];
      }
      const schema = await schemas(client.accountability);
      const invalid = validate(schema, document);
      if (invalid.length) return invalid;
      const accountability = client.accountability;
      const follow = (...args: Parameters<typeof followMutations> extends [unknown, ...infer R] ? R : never) =>
        followMutations(
          {
            changes,
            services: kernel.services,
            schema: kernel.schema,
            permissions: kernel.permissions,
            accountability: () => client.accountability,
            refresh: () => refresh(client),
            maxPending: config.maxPendingChanges,
            reads,
          },
          ...args,
        );
      return {
        schema,
        document,
        variableValues: payload.variables ?? undefined,
        operationName: payload.operationName ?? undefined,
        contextValue: { ...operationContext(accountability, kernel.services), follow },
      };
    },
    onNext: (_ctx, _id, _payload, _args, result) => shapeResult(result as ExecutionResult) as ExecutionResult,
    onError: (_ctx, _id, _payload, errors) => errors.map(formatError),
  });

  /** Directus's `websocket.*` actions, as the WebSocket API emits them. */
  function emit(event: string, client: GraphQLClient, meta: Record<string, unknown> = {}): void {
    emitClientAction(kernel.emitter, event, client.socket, meta);
  }

  /** A frame through Directus's `websocket.message` filter (which may rewrite it), as graphql-ws's text. */
  async function filtered(client: GraphQLClient, text: string): Promise<string> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return text; // graphql-ws refuses it (4400)
    }
    const out = await kernel.emitter.emitFilter(
      'websocket.message',
      message,
      { client: client.socket },
      clientContext(client.socket),
    );
    emit('websocket.message', client, { message: out });
    return JSON.stringify(out);
  }

  function connected(ws: WebSocket, ip: string | null, auth: SignedIn | undefined): void {
    const client = {
      ws,
      ip,
      accountability: publicAccountability(ip),
      fromToken: false,
      expiresAt: null,
      refreshedAt: 0,
      budget: new MessageBudget(config.messagesPerSecond),
      filtered: Promise.resolve(),
    } as Omit<GraphQLClient, 'socket'> as GraphQLClient;
    client.socket = asRealtimeClient(ws, client);
    clients.add(client);
    if (auth) signIn(client, auth);
    emit('websocket.connect', client);
    const closed = graphql.opened(
      {
        protocol: ws.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (ws.readyState !== ws.OPEN) return resolve();
            // A client that does not read what it is sent would make the host hold it all: it goes instead.
            if (ws.bufferedAmount > config.maxBufferedBytes) {
              log.warn('a GraphQL WebSocket client stopped reading; disconnecting it');
              ws.terminate();
              return resolve();
            }
            ws.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (handle) => {
          ws.on('message', (data) => {
            if (!client.budget.take()) return ws.close(1008, 'Too many messages');
            const text = frameText(data);
            // The filters run in order; graphql-ws handles each message as its filter ends (a
            // subscription's handling lasts as long as the subscription, so it is not waited for).
            const next = client.filtered.then(() => filtered(client, text));
            client.filtered = next.then(
              () => undefined,
              () => undefined,
            );
            next
              .then((message) => handle(message))
              .catch((error: unknown) => {
                // graphql-ws throws on a message type it does not know: the client broke the protocol.
                log.debug({ err: error }, 'a GraphQL WebSocket message failed');
                if (ws.readyState === ws.OPEN) ws.close(CloseCode.BadRequest, 'Invalid message received');
              });
          });
        },
      },
      client,
    );
    ws.on('error', (error) => {
      log.debug({ err: error }, 'GraphQL WebSocket connection error');
      emit('websocket.error', client, { event: { message: error.message } });
    });
    ws.once('close', (code, reason) => {
      clearTimeout(client.expiry);
      clients.delete(client);
      void closed(code, reason.toString('utf8'));
      emit('websocket.close', client, { event: { code, reason: reason.toString('utf8') } });
    });
    liveness.watch(ws);
  }

  // A token in the address authenticates at once (required in strict mode); a bad one is 401.
  const sockets = createSocketServer<SignedIn | undefined>({
    trustProxy: kernel.config.trustProxy,
    connectionLimit: own.connectionLimit,
    maxPayload: config.maxMessageBytes,
    logger: log,
    open: () => [...clients].map((c) => c.ws),
    async admit(token, ip) {
      if (own.auth !== 'strict' && !token) return { admitted: undefined };
      const auth = token ? await authenticate(token, ip).catch(() => undefined) : undefined;
      return auth?.accountability.user ? { admitted: auth } : { refused: '401 Unauthorized' };
    },
    connected,
  });

  return {
    path: own.path,
    upgrade: sockets.upgrade,

    /** Closes every connection (1001, going away), waiting a moment for their close handshakes. */
    async close(): Promise<void> {
      liveness.stop();
      await sockets.close();
    },
  };
}
