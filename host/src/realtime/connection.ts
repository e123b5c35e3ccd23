import type { IncomingMessage } from 'node:http';

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
