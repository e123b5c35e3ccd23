import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** What both realtime sockets (Directus's WebSocket API and GraphQL's) read of a connection. */

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
export function ipOf(request: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? null;
}

/** The `access_token` of an upgrade request's address, if any. */
export function tokenInAddress(request: IncomingMessage): string | null {
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
