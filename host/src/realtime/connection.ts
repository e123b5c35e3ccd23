import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { publicAccountability, type Accountability } from '../auth/accountability.js';
import type { Emitter, EventContext } from '../events/emitter.js';
import { PLAIN_VIEW } from '../extensions/units/sandboxed-events.js';
import { refuseUpgrade } from '../http/upgrades.js';

/** What the realtime sockets (Directus's WebSocket API, GraphQL's and the logs stream) share. */

/** A received frame's text (ws hands a fragmented message over as a list of buffers). */
export function frameText(data: RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
}

/** The `exp` of a JWT (seconds), null for a static token. */
export function expiryOf(token: string): number | null {
  const [, body] = token.split('.');
  if (!body) return null;
  try {
    const exp = (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

/** The client's address: the first `X-Forwarded-For` hop behind a trusted proxy, else the socket's. */
function ipOf(request: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? null;
}

/** The `access_token` of an upgrade request's address, if any. */
function tokenInAddress(request: IncomingMessage): string | null {
  return new URL(request.url ?? '/', 'http://host').searchParams.get('access_token');
}

/** The longest setTimeout delay. */
export const MAX_DELAY = 2 ** 31 - 1;
/** How long a re-read of who a connection acts for is trusted (a suspended user stops hearing within it). */
export const REFRESH_MS = 1000;

/**
 * WebSocket ping frames every `periodMs` (none when 0): a connection that sent nothing, not even a
 * pong, since the previous ping is terminated. Used by the sockets whose protocol has no ping of
 * its own to rely on (GraphQL's, the logs stream).
 */
export function createLiveness(periodMs: number) {
  const alive = new Map<WebSocket, boolean>();
  let timer: NodeJS.Timeout | undefined;

  function beat(): void {
    if (alive.size === 0) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    for (const [ws, answered] of alive) {
      if (!answered) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }

  return {
    watch(ws: WebSocket): void {
      if (periodMs <= 0) return;
      const heard = () => alive.has(ws) && alive.set(ws, true);
      alive.set(ws, true);
      ws.on('pong', heard);
      ws.on('message', heard);
      ws.once('close', () => alive.delete(ws));
      if (!timer) {
        timer = setInterval(beat, periodMs);
        timer.unref();
      }
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
      alive.clear();
    },
  };
}

/** A connection's message budget: `perSecond` messages, in bursts of twice that (a token bucket). */
export class MessageBudget {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond * 2;
  }

  /** Takes one message from the budget; false when it is spent. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Who an upgrade request connects as, or the HTTP status refusing it (`'401 Unauthorized'`). */
type Admission<A> = { admitted: A } | { refused: string };

/**
 * The upstream half every realtime socket shares: its upgrade handler (refused while closing, 503,
 * or at the connection limit, 403; `admit` decides from the request's address token and client
 * address who connects) and its closing (every connection sent 1001, given half a second for its
 * close handshake, then ended).
 */
export function createSocketServer<A>(options: {
  trustProxy: boolean;
  connectionLimit: number;
  maxPayload: number;
  logger: { warn(obj: object, msg: string): void };
  /** Connections open now. */
  open(): Iterable<WebSocket>;
  admit(token: string | null, ip: string | null): Promise<Admission<A>>;
  connected(ws: WebSocket, ip: string | null, admitted: A): void;
}) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, clientTracking: false });
  const count = () => [...options.open()].length;
  let upgrading = 0;
  let closing = false;

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (closing) return refuseUpgrade(socket, '503 Service Unavailable');
    if (count() + upgrading >= options.connectionLimit) return refuseUpgrade(socket, '403 Forbidden');
    const ip = ipOf(request, options.trustProxy);
    const token = tokenInAddress(request);
    upgrading++;
    void (async () => {
      try {
        const admission = await options.admit(token, ip);
        if ('refused' in admission) return refuseUpgrade(socket, admission.refused);
        if (closing || socket.destroyed) return refuseUpgrade(socket, '503 Service Unavailable');
        wss.handleUpgrade(request, socket, head, (ws) => options.connected(ws, ip, admission.admitted));
      } catch (error) {
        options.logger.warn({ err: error }, 'a WebSocket upgrade failed');
        refuseUpgrade(socket, '500 Internal Server Error');
      } finally {
        upgrading--;
      }
    })();
  }

  return {
    upgrade,
    closing: (): boolean => closing,
    /** Closes every connection (1001, going away), waiting a moment for their close handshakes. */
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      for (const ws of options.open()) ws.close(1001, 'Server shutting down');
      const deadline = Date.now() + 500;
      while (count() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of options.open()) ws.terminate();
      wss.close();
    },
  };
}

/**
 * Directus's WebSocketClient: the socket, who it acts for and its id. Extensions receive it in
 * the `websocket.*` events of every socket (a sandboxed hook receives `{ uid, accountability }` only).
 */
export type RealtimeClient = WebSocket & {
  uid: string;
  accountability: Accountability;
  /** When the access token the connection authenticated with expires (seconds since the epoch), if it does. */
  expires_at: number | null;
};

/**
 * `ws` as Directus's client: a new `uid`, and the plain view a sandboxed hook is shown. `state`,
 * when given, holds who it acts for (the socket reads through to it); else the socket's own fields do.
 */
export function asRealtimeClient(
  ws: WebSocket,
  state?: { accountability: Accountability; expiresAt: number | null },
): RealtimeClient {
  const client = ws as RealtimeClient;
  client.uid = randomUUID();
  if (state) {
    Object.defineProperty(client, 'accountability', { get: () => state.accountability, configurable: true });
    Object.defineProperty(client, 'expires_at', { get: () => state.expiresAt, configurable: true });
  }
  Object.defineProperty(client, PLAIN_VIEW, {
    value: () => ({
      uid: client.uid,
      accountability: {
        user: client.accountability.user,
        role: client.accountability.role,
        admin: client.accountability.admin,
        app: client.accountability.app,
      },
    }),
  });
  return client;
}

/** The event context of a `websocket.*` event: who the connection acts for. */
export const clientContext = (client: RealtimeClient): EventContext => ({
  database: null,
  schema: null,
  accountability: client.accountability,
});

/** Directus's `websocket.<name>` action about `client` (with `meta`), in the client's accountability: every socket's. */
export function emitClientAction(
  emitter: Emitter,
  event: string,
  client: RealtimeClient,
  meta: Record<string, unknown> = {},
): void {
  void emitter.emitAction(event, { ...meta, client }, clientContext(client));
}

function sameAccountability(a: Accountability, b: Accountability): boolean {
  return a.user === b.user && a.role === b.role && a.admin === b.admin && a.app === b.app;
}

/**
 * Directus's `websocket.authenticate` filter, for both sockets: a hook may decide who a connection
 * acts for from its authentication message (`shown`: never a password or a refresh token). The
 * accountability it chose, or undefined when it left the public one (the host's own check decides).
 */
export async function hookAccountability(
  emitter: Emitter,
  shown: Record<string, unknown>,
  ip: string | null,
): Promise<Accountability | undefined> {
  const fallback = publicAccountability(ip);
  const custom = (await emitter.emitFilter(
    'websocket.authenticate',
    fallback,
    { message: shown },
    { database: null, schema: null, accountability: null },
  )) as Accountability | null | undefined;
  if (!custom || custom === fallback || typeof custom !== 'object' || sameAccountability(custom, fallback))
    return undefined;
  return {
    user: typeof custom.user === 'string' ? custom.user : null,
    role: typeof custom.role === 'string' ? custom.role : null,
    admin: custom.admin === true,
    app: custom.app === true,
    ip,
  };
}
