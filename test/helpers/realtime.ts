import WebSocket from 'ws';

/** A WebSocket client for tests: every JSON message it receives is kept until a test takes it. */
export interface TestSocket {
  ws: WebSocket;
  /** Sends an object as JSON (or a string as it is). */
  send(message: unknown): void;
  /** The next received message `match` accepts (earlier unmatched ones stay), within `timeoutMs`. */
  next(match?: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves to undefined if no message `match` accepts arrives within `ms` (a negative check). */
  none(match: (m: any) => boolean, ms?: number): Promise<any>;
  /** Messages received and not yet taken. */
  pending: any[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** The HTTP status a refused upgrade answered, or 101 when it opened. */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Opens `path` of the host at `base` (http URL) as a WebSocket. */
export async function openSocket(base: string, path = '/websocket'): Promise<TestSocket> {
  const ws = new WebSocket(base.replace(/^http/, 'ws') + path);
  const pending: any[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    let value: unknown;
    try {
      value = JSON.parse(String(data));
    } catch {
      value = String(data);
    }
    pending.push(value);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...waiters]) w();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);

  function take(match: (m: any) => boolean): any {
    const i = pending.findIndex(match);
    return i === -1 ? undefined : pending.splice(i, 1)[0];
  }

  return {
    ws,
    pending,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const found = take(match);
        if (found !== undefined) return resolve(found);
        const check = () => {
          const m = take(match);
          if (m !== undefined) {
            done();
            resolve(m);
          } else if (ws.readyState === WebSocket.CLOSED) {
            done();
            reject(new Error(`socket closed while waiting; received: ${JSON.stringify(pending)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${JSON.stringify(pending)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    async none(match, ms = 300) {
      await new Promise((r) => setTimeout(r, ms));
      return take(match);
    },
    close: () => ws.close(),
  };
}

/** Opens a socket and authenticates it with the handshake (`{ type: 'auth', access_token }`). */
export async function openAuthenticated(base: string, token: string, path = '/websocket'): Promise<TestSocket> {
  const socket = await openSocket(base, path);
  socket.send({ type: 'auth', access_token: token });
  const answer = await socket.next((m) => m.type === 'auth');
  if (answer.status !== 'ok') throw new Error(`handshake refused: ${JSON.stringify(answer)}`);
  return socket;
}

/** A raw `graphql-transport-ws` connection (no client library): the messages it received, its close. */
export interface RawGraphQLSocket {
  ws: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
}

/** Opens the host's GraphQL socket (at `base`, an http URL) with `protocol`, unauthenticated. */
export async function openGraphQLSocket(
  base: string,
  options: { protocol?: string; query?: string } = {},
): Promise<RawGraphQLSocket> {
  const ws = new WebSocket(
    `${base.replace(/^http/, 'ws')}/graphql${options.query ?? ''}`,
    options.protocol ?? 'graphql-transport-ws',
  );
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((r) => ws.once('open', r));
  return { ws, messages, closed, send: (m) => ws.send(JSON.stringify(m)) };
}
