import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { openAuthenticated, openSocket, type TestSocket, upgradeStatus } from '../helpers/realtime.js';
import { totpCode } from '../helpers/totp.js';
import { eventually, writeHook } from '../helpers/write-extension.js';

/**
 * Attacks on Directus's realtime WebSocket API (host/src/realtime): oversized and malformed frames,
 * floods, connection and subscription exhaustion, a client that stops reading, unauthenticated and
 * forged access, permission escapes through subscriptions, what hooks are shown, and password
 * guessing over the socket. Each test fails if the defence it names were missing.
 */

const BASE_ENV = { WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_HEARTBEAT_ENABLED: 'false' };
const MAX_MESSAGE = 4096;

/** What the recorder hook saw in the host (trusted hooks run in this process). */
interface Recorded {
  /** `meta` of each `websocket.authenticate` filter, as JSON. */
  authenticate: string[];
  /** The close code of each `websocket.close` action, as the host saw it. */
  closes: number[];
}
const recorded = (): Recorded =>
  ((globalThis as { __realtimeAttacks?: Recorded }).__realtimeAttacks ??= { authenticate: [], closes: [] });

const RECORDER = `export default ({ filter, action }) => {
  const log = (globalThis.__realtimeAttacks ??= { authenticate: [], closes: [] });
  filter('websocket.authenticate', (accountability, meta) => {
    log.authenticate.push(JSON.stringify(meta));
    return accountability;
  });
  action('websocket.close', (meta) => {
    log.closes.push(meta.event.code);
  });
};
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wsUrl = (t: TestHost) => t.url.replace(/^http/, 'ws');

/** The close of `s`, or code -1 when it is still open after `ms` (a missing defence fails fast instead of hanging). */
function closedWithin(s: TestSocket, ms = 10_000): Promise<{ code: number; reason: string }> {
  return Promise.race([s.closed, sleep(ms).then(() => ({ code: -1, reason: 'still open' }))]);
}

/** /server/ping answers 200, and quickly (the host is not stuck). */
async function hostServes(t: TestHost): Promise<void> {
  const res = await t.api('GET', '/server/ping', undefined, null, 5000);
  expect(res.status).toBe(200);
}

/** Another socket still gets its pong. */
async function socketServes(t: TestHost): Promise<void> {
  const s = await openAuthenticated(t.url, t.token);
  s.send({ type: 'ping', uid: 'alive' });
  expect(await s.next((m) => m.type === 'pong')).toEqual({ type: 'pong', uid: 'alive' });
  s.close();
}

// ---------------------------------------------------------------------------------------------
// JWTs an attacker can make without the host's SECRET.

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signHs256(payload: object, secret: string): string {
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** Tokens claiming to be `user` (an administrator): signed with another secret, `alg: none`, and a real token's signature on a changed body. */
function forgedTokens(user: { id: string; role: string }, realToken: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { id: user.id, role: user.role, app_access: true, admin_access: true, iss: 'directus', iat: now };
  const [, , signature] = realToken.split('.');
  return {
    'HS256 with another secret': signHs256({ ...claims, exp: now + 3600 }, 'attacker-secret'),
    'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, exp: now + 3600 })}.`,
    'a real signature on a longer-lived body': `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ ...claims, exp: now + 86_400 * 365 })}.${signature}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket frames on the TCP socket, after a real upgrade.

interface RawConnection {
  socket: net.Socket;
  /** Bytes received after the 101 response. */
  received(): Buffer;
  /** Resolves when the host closed the TCP connection. */
  ended: Promise<void>;
}

async function rawUpgrade(t: TestHost, urlPath = '/websocket'): Promise<RawConnection> {
  const { hostname, port } = new URL(t.url);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => undefined);
  let buffer = Buffer.alloc(0);
  socket.on('data', (d) => {
    buffer = Buffer.concat([buffer, d]);
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET ${urlPath} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await eventually(async () => buffer.includes('\r\n\r\n'), Boolean, 5000, 5);
  const end = buffer.indexOf('\r\n\r\n');
  expect(buffer.subarray(0, end).toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  buffer = buffer.subarray(end + 4);
  return { socket, received: () => buffer, ended };
}

/** A client frame: masked unless told otherwise; `length` may claim another payload length than sent. */
function frame(opts: {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  rsv?: number;
  mask?: boolean;
  length?: bigint;
}): Buffer {
  const payload = opts.payload ?? Buffer.alloc(0);
  const length = opts.length ?? BigInt(payload.length);
  const masked = opts.mask !== false;
  const first = ((opts.fin === false ? 0 : 0x80) | ((opts.rsv ?? 0) << 4) | opts.opcode) & 0xff;
  let head: Buffer;
  if (length < 126n) head = Buffer.from([first, Number(length)]);
  else if (length < 65_536n) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = 126;
    head.writeUInt16BE(Number(length), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = 127;
    head.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  head[1] = head[1]! | 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, key, body]);
}

/** The status code of the first close frame the host sent (server frames are unmasked), if any. */
function closeCode(data: Buffer): number | undefined {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0x0f;
    let length = data[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = data.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 ? data.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return undefined;
}

const text = (s: string) => Buffer.from(s, 'utf8');

// =============================================================================================
// One host for most attacks: handshake authentication with small limits and a recorder hook.

describe('realtime attacks (handshake mode, small limits)', () => {
  let t: TestHost;
  let admin: { id: string; role: string };
  let reader: { token: string; userId: string; roleId: string };
  let stranger: { token: string; userId: string; roleId: string };

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-rt-attacks-'));
    const hook = writeHook(root, 'rt-attack-recorder', '', RECORDER);
    t = await startHost({
      extensions: [hook],
      env: {
        ...BASE_ENV,
        WEBSOCKETS_REST_AUTH_TIMEOUT: '5',
        WEBSOCKETS_MAX_MESSAGE_SIZE: String(MAX_MESSAGE),
        WEBSOCKETS_RATE_LIMIT: '20',
        WEBSOCKETS_MAX_SUBSCRIPTIONS: '3',
        WEBSOCKETS_MAX_BUFFERED: '65536',
        AUTH_LOGIN_ATTEMPTS: '3',
      },
    });
    await createCollection(t, 'posts', { title: 'string', status: 'string', secret: 'string' });
    await createCollection(t, 'hidden', { title: 'string' });
    await createCollection(t, 'big', { body: 'text' });
    await createCollection(t, 'open', { title: 'string' });
    expect(
      (await t.api('POST', '/permissions', { role: null, collection: 'open', action: 'read', fields: '*' })).status,
    ).toBe(200);
    expect((await t.api('POST', '/items/open', { title: 'public item' })).status).toBe(200);
    // Reads published posts only, and never their secret.
    reader = await createUser(t, 'rt-att-reader', [
      {
        collection: 'posts',
        action: 'read',
        permissions: { status: { _eq: 'published' } },
        fields: 'id,title,status',
      },
    ]);
    // No permission rows: an app user (its own profile only).
    stranger = await createUser(t, 'rt-att-stranger', []);
    const me = (await t.api('GET', '/users/me')).body.data;
    admin = { id: me.id, role: me.role };
  });
  afterAll(() => t?.close());

  describe('oversized messages', () => {
    it('a message over WEBSOCKETS_MAX_MESSAGE_SIZE closes that connection with 1009; the host and other sockets carry on', async () => {
      const bystander = await openAuthenticated(t.url, t.token);
      const s = await openAuthenticated(t.url, t.token);
      // Just under the limit is an ordinary message: the limit is the configured one.
      s.send({ type: 'ping', uid: 'fits', pad: 'x'.repeat(MAX_MESSAGE - 200) });
      expect(await s.next()).toEqual({ type: 'pong', uid: 'fits' });
      s.send({ type: 'ping', uid: 'too-big', pad: 'x'.repeat(MAX_MESSAGE + 1) });
      expect((await closedWithin(s)).code).toBe(1009);
      expect(s.pending.filter((m) => m.type === 'pong')).toEqual([]);
      // Before authentication too.
      const anonymous = await openSocket(t.url);
      anonymous.send('x'.repeat(MAX_MESSAGE * 4));
      expect((await closedWithin(anonymous)).code).toBe(1009);
      await hostServes(t);
      bystander.send({ type: 'ping', uid: 'bystander' });
      expect(await bystander.next()).toEqual({ type: 'pong', uid: 'bystander' });
      bystander.close();
    });

    it('a frame claiming a huge length is refused at its header, and small fragments cannot add up past the limit', async () => {
      // 1 GiB announced, nothing sent: the host must not wait for (or allocate) it.
      const claimed = await rawUpgrade(t);
      const started = Date.now();
      claimed.socket.write(frame({ opcode: 0x1, length: 1n << 30n }).subarray(0, 14));
      await Promise.race([claimed.ended, sleep(4000)]);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(closeCode(claimed.received())).toBe(1009);

      // A message in five 1000-byte fragments (each under the limit, together over it).
      const fragmented = await rawUpgrade(t);
      const piece = text('y'.repeat(1000));
      fragmented.socket.write(frame({ opcode: 0x1, payload: piece, fin: false }));
      for (let i = 0; i < 4; i++) fragmented.socket.write(frame({ opcode: 0x0, payload: piece, fin: false }));
      await Promise.race([fragmented.ended, sleep(4000)]);
      expect(closeCode(fragmented.received())).toBe(1009);
      await hostServes(t);
      await socketServes(t);
    });
  });

  describe('flooding', () => {
    it('a burst past WEBSOCKETS_RATE_LIMIT (20/s, bursts of 40) is answered in part and refused for the rest, without closing', async () => {
      const s = await openAuthenticated(t.url, t.token);
      for (let i = 0; i < 60; i++) s.send({ type: 'ping', uid: i });
      const pongs = () => s.pending.filter((m) => m.type === 'pong');
      const refused = () => s.pending.filter((m) => m.type === 'server');
      await eventually(
        async () => pongs().length + refused().length,
        (n) => n >= 60,
        10_000,
      );
      // The burst (40, less the auth message) is answered (a little more if the budget refilled while the
      // frames arrived), the rest refused.
      expect(pongs().length).toBeGreaterThanOrEqual(38);
      expect(pongs().length).toBeLessThanOrEqual(55);
      expect(refused().length).toBe(60 - pongs().length);
      for (const m of refused())
        expect(m).toEqual({
          type: 'server',
          status: 'error',
          error: { code: 'REQUESTS_EXCEEDED', message: expect.any(String) },
        });
      // The first ones are the ones answered, each once.
      const answered = pongs().map((m) => m.uid);
      expect(answered.slice(0, 38)).toEqual([...Array(38).keys()]);
      expect(new Set(answered).size).toBe(answered.length);
      // Refusals that stop are forgiven: after a pause the connection works.
      await sleep(1100);
      s.pending.length = 0;
      s.send({ type: 'ping', uid: 'after' });
      expect(await s.next()).toEqual({ type: 'pong', uid: 'after' });
      expect(s.ws.readyState).toBe(WebSocket.OPEN);
      s.close();
    });

    it('400 pings at once: 100 refusals in a row close the connection with 1008; other connections and HTTP are unaffected', async () => {
      const bystander = await openAuthenticated(t.url, t.token);
      const s = await openAuthenticated(t.url, t.token);
      for (let i = 0; i < 400; i++) s.send({ type: 'ping', uid: i });
      expect(await closedWithin(s)).toEqual({ code: 1008, reason: 'Too many messages' });
      const refused = s.pending.filter((m) => m.error?.code === 'REQUESTS_EXCEEDED');
      expect(refused.length).toBeGreaterThanOrEqual(100);
      // Closed early: most of the flood was never answered.
      expect(s.pending.length).toBeLessThan(300);
      // Another connection has its own budget: a burst within it is answered in full.
      for (let i = 0; i < 30; i++) bystander.send({ type: 'ping', uid: `b${i}` });
      await eventually(
        async () => bystander.pending.filter((m) => m.type === 'pong').length,
        (n) => n === 30,
        10_000,
      );
      expect(bystander.pending.filter((m) => m.type === 'server')).toEqual([]);
      await hostServes(t);
      bystander.close();
    });
  });

  describe('subscription limit', () => {
    it('WEBSOCKETS_MAX_SUBSCRIPTIONS (3): a fourth is LIMIT_EXCEEDED; re-subscribing a uid replaces it; an unsubscribe frees a place', async () => {
      const s = await openAuthenticated(t.url, t.token);
      for (const uid of ['a', 'b', 'c']) {
        s.send({ type: 'subscribe', collection: 'posts', event: 'create', uid });
        expect(await s.next()).toEqual({ type: 'subscription', event: 'init', uid });
      }
      s.send({ type: 'subscribe', collection: 'hidden', uid: 'd' });
      expect(await s.next()).toEqual({
        type: 'subscribe',
        status: 'error',
        error: { code: 'LIMIT_EXCEEDED', message: expect.any(String) },
        uid: 'd',
      });
      // Without a uid each subscription is a new one: refused too.
      s.send({ type: 'subscribe', collection: 'posts', event: 'create' });
      expect(await s.next()).toMatchObject({ type: 'subscribe', status: 'error', error: { code: 'LIMIT_EXCEEDED' } });
      // The same uid again replaces (it does not count, and it is not heard twice).
      s.send({ type: 'subscribe', collection: 'posts', event: 'create', uid: 'b' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'init', uid: 'b' });
      s.send({ type: 'unsubscribe', uid: 'c' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'unsubscribe', uid: 'c' });
      s.send({ type: 'subscribe', collection: 'posts', event: 'create', uid: 'd' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'init', uid: 'd' });
      // Exactly three subscriptions are held: a, b (once) and d.
      await t.api('POST', '/items/posts', { title: 'counted', status: 'draft' });
      await eventually(
        async () => s.pending.filter((m) => m.type === 'subscription').length,
        (n) => n >= 3,
        5000,
      );
      await sleep(300);
      const heard = s.pending.filter((m) => m.type === 'subscription').map((m) => m.uid);
      expect(heard.sort()).toEqual(['a', 'b', 'd']);
      s.close();
    });
  });

  describe('a client that stops reading', () => {
    it('is disconnected by the host (WEBSOCKETS_MAX_BUFFERED) instead of being buffered for', async () => {
      const s = await openAuthenticated(t.url, t.token);
      s.send({ type: 'subscribe', collection: 'big', uid: 'big' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'init', data: [], uid: 'big' });
      const before = recorded().closes.length;
      // The client stops reading: the kernel's buffers fill, then the host's.
      (s.ws as unknown as { _socket: net.Socket })._socket.pause();
      const body = 'z'.repeat(200_000);
      for (let i = 0; i < 60; i++)
        expect((await t.api('POST', '/items/big', { body }, undefined, 10_000)).status).toBe(200);
      // Seen from the host: it ended the connection itself (terminate: 1006), while the client still reads nothing.
      await eventually(
        async () => recorded().closes.slice(before),
        (codes) => codes.includes(1006),
        15_000,
        50,
      );
      await hostServes(t);
      // When the client reads again it gets what was already on the wire, then the end: not all 60 items.
      (s.ws as unknown as { _socket: net.Socket })._socket.resume();
      expect((await closedWithin(s)).code).toBe(1006);
      const creates = s.pending.filter((m) => m.type === 'subscription' && m.event === 'create');
      expect(creates.length).toBeLessThan(60);
      await socketServes(t);
    }, 30_000);
  });

  describe('malformed frames', () => {
    const cases: [string, Buffer, number][] = [
      [
        'RSV1 set (no extension negotiated)',
        frame({ opcode: 0x1, rsv: 0b100, payload: text('{"type":"ping"}') }),
        1002,
      ],
      ['RSV2 and RSV3 set', frame({ opcode: 0x1, rsv: 0b011, payload: text('{"type":"ping"}') }), 1002],
      ['an unmasked client frame', frame({ opcode: 0x1, payload: text('{"type":"ping"}'), mask: false }), 1002],
      ['a reserved data opcode (0x3)', frame({ opcode: 0x3, payload: text('x') }), 1002],
      ['a reserved control opcode (0xB)', frame({ opcode: 0xb }), 1002],
      [
        'invalid UTF-8 in a text frame',
        frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28]) }),
        1007,
      ],
      ['a continuation frame with nothing to continue', frame({ opcode: 0x0, payload: text('x') }), 1002],
      ['a fragmented control frame', frame({ opcode: 0x9, fin: false, payload: text('x') }), 1002],
      ['a control frame over 125 bytes', frame({ opcode: 0x9, payload: Buffer.alloc(126) }), 1002],
      [
        'a new message inside a fragmented one',
        Buffer.concat([
          frame({ opcode: 0x1, fin: false, payload: text('{"ty') }),
          frame({ opcode: 0x1, payload: text('x') }),
        ]),
        1002,
      ],
      ['a length over 2^53', frame({ opcode: 0x2, length: (1n << 63n) + 5n }).subarray(0, 14), 1009],
      ['a close frame with an invalid code', frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) }), 1002],
      ['a close frame with a one-byte payload', frame({ opcode: 0x8, payload: Buffer.from([0x03]) }), 1002],
    ];

    it('each closes its connection with the protocol error code, promptly; the host keeps serving', async () => {
      const bystander = await openAuthenticated(t.url, t.token);
      const results: Record<string, { code: number | undefined; prompt: boolean }> = {};
      for (const [name, bytes] of cases) {
        const raw = await rawUpgrade(t);
        const started = Date.now();
        raw.socket.write(bytes);
        await Promise.race([raw.ended, sleep(4000)]);
        results[name] = { code: closeCode(raw.received()), prompt: Date.now() - started < 3000 };
        raw.socket.destroy();
      }
      // The close is the frame's doing, not the handshake's deadline (5 s, code 1008).
      const expected = Object.fromEntries(cases.map(([name, , code]) => [name, { code, prompt: true }]));
      expect(results).toEqual(expected);
      // A frame split at every byte is still parsed (the host reassembles rather than misreads).
      const slow = await rawUpgrade(t);
      const auth = frame({ opcode: 0x1, payload: text(JSON.stringify({ type: 'auth', access_token: t.token })) });
      for (const byte of auth) {
        slow.socket.write(Buffer.from([byte]));
        await sleep(1);
      }
      await eventually(
        async () => slow.received().toString('latin1'),
        (s) => s.includes('"status":"ok"'),
        5000,
      );
      slow.socket.destroy();
      await hostServes(t);
      bystander.send({ type: 'ping', uid: 'still' });
      expect(await bystander.next()).toEqual({ type: 'pong', uid: 'still' });
      bystander.close();
      await socketServes(t);
    });
  });

  describe('unauthenticated access (handshake mode)', () => {
    const handshakeFailed = {
      type: 'auth',
      status: 'error',
      error: { code: 'AUTH_FAILED', message: 'Authentication handshake failed.' },
    };

    it('a message other than auth first gets no data and closes the connection, even for what the public role may read', async () => {
      const firsts = [
        { type: 'subscribe', collection: 'open', uid: 's' },
        { type: 'subscribe', collection: 'posts', uid: 's' },
        { type: 'items', collection: 'open', action: 'read', uid: 'i' },
        { type: 'items', collection: 'posts', action: 'create', data: { title: 'pre-auth' }, uid: 'c' },
        { type: 'unsubscribe' },
      ];
      for (const first of firsts) {
        const s = await openSocket(t.url);
        s.send(first);
        expect(await s.next(), JSON.stringify(first)).toEqual(handshakeFailed);
        expect((await closedWithin(s)).code).toBe(1008);
        expect(s.pending.filter((m) => m.type !== 'auth')).toEqual([]);
      }
      // A bad auth followed at once by a subscribe: still nothing.
      const pipelined = await openSocket(t.url);
      pipelined.send({ type: 'auth', access_token: 'wrong' });
      pipelined.send({ type: 'subscribe', collection: 'open', uid: 'p' });
      pipelined.send({ type: 'items', collection: 'open', action: 'read', uid: 'q' });
      expect((await closedWithin(pipelined)).code).toBe(1008);
      expect(pipelined.pending.filter((m) => m.type !== 'auth')).toEqual([]);
      const created = await t.api('GET', '/items/posts?filter[title][_eq]=pre-auth');
      expect(created.body.data).toEqual([]);
    });

    it('forged JWTs (another secret, alg none, a reused signature) get AUTH_FAILED over the socket and 401 at the upgrade', async () => {
      for (const [name, token] of Object.entries(forgedTokens(admin, t.token))) {
        const s = await openSocket(t.url);
        s.send({ type: 'auth', access_token: token, uid: 'f' });
        expect(await s.next(), name).toEqual(handshakeFailed);
        expect((await closedWithin(s)).code, name).toBe(1008);
        expect(await upgradeStatus(`${wsUrl(t)}/websocket?access_token=${encodeURIComponent(token)}`), name).toBe(401);
      }
      // After authenticating, a forged token does not replace who the connection acts for.
      const s = await openAuthenticated(t.url, stranger.token);
      s.send({ type: 'auth', access_token: forgedTokens(admin, t.token)['alg none'], uid: 'swap' });
      expect(await s.next()).toMatchObject({ type: 'auth', status: 'error', error: { code: 'AUTH_FAILED' } });
      expect((await closedWithin(s)).code).toBe(1008);
    });
  });

  describe('permission escapes', () => {
    it('no subscription to a collection the user may not read, whatever the event or item; its changes are never heard', async () => {
      const item = (await t.api('POST', '/items/hidden', { title: 'h' })).body.data;
      const s = await openAuthenticated(t.url, stranger.token);
      const attempts = [
        {},
        { event: 'create' },
        { event: 'update' },
        { event: 'delete' },
        { item: item.id },
        { item: item.id, event: 'delete' },
        { query: { fields: ['id'] } },
      ];
      for (const [i, extra] of attempts.entries()) {
        s.send({ type: 'subscribe', collection: 'hidden', uid: `h${i}`, ...extra });
        expect(await s.next(), JSON.stringify(extra)).toEqual({
          type: 'subscribe',
          status: 'error',
          error: { code: 'FORBIDDEN', message: expect.any(String) },
          uid: `h${i}`,
        });
      }
      const other = (await t.api('POST', '/items/hidden', { title: 'h2' })).body.data;
      await t.api('PATCH', `/items/hidden/${item.id}`, { title: 'changed' });
      await t.api('DELETE', `/items/hidden/${other.id}`);
      await t.api('DELETE', `/items/hidden/${item.id}`);
      expect(await s.none((m) => m.type === 'subscription', 500)).toBeUndefined();
      s.close();
    });

    it('a row-filtered user cannot filter, sort, group or select by a field it may not read', async () => {
      await t.api('POST', '/items/posts', { title: 'p', status: 'published', secret: 'needle' });
      const s = await openAuthenticated(t.url, reader.token);
      const queries = [
        { filter: { secret: { _eq: 'needle' } } },
        { filter: { _or: [{ status: { _eq: 'published' } }, { _and: [{ secret: { _starts_with: 'n' } }] }] } },
        { filter: { secret: { _null: false } } },
        { sort: ['secret'] },
        { fields: ['id', 'secret'] },
        { groupBy: ['secret'] },
        { aggregate: { countDistinct: ['secret'] } },
      ];
      for (const [i, query] of queries.entries()) {
        s.send({ type: 'subscribe', collection: 'posts', uid: `q${i}`, query });
        const answer = await s.next((m) => m.uid === `q${i}`);
        expect(answer, JSON.stringify(query)).toMatchObject({ type: 'subscribe', status: 'error', uid: `q${i}` });
        expect(answer).not.toHaveProperty('data');
        s.send({ type: 'items', collection: 'posts', action: 'read', query, uid: `r${i}` });
        const read = await s.next((m) => m.uid === `r${i}`);
        expect(read, JSON.stringify(query)).toMatchObject({ type: 'items', status: 'error' });
      }
      expect(JSON.stringify(s.pending)).not.toContain('needle');
      s.close();
    });

    it('a subscription for future events with a filter on an unreadable field does not become an oracle of that field', async () => {
      const s = await openAuthenticated(t.url, reader.token);
      s.send({
        type: 'subscribe',
        collection: 'posts',
        event: 'create',
        uid: 'oracle',
        query: { filter: { secret: { _eq: 'guess-right' } } },
      });
      await s.next((m) => m.uid === 'oracle');
      // A control on the same connection: a filter on a readable field does hear published creates.
      s.send({
        type: 'subscribe',
        collection: 'posts',
        event: 'create',
        uid: 'control',
        query: { filter: { title: { _eq: 'probe' } } },
      });
      expect(await s.next((m) => m.uid === 'control')).toEqual({ type: 'subscription', event: 'init', uid: 'control' });
      const right = (
        await t.api('POST', '/items/posts', { title: 'probe', status: 'published', secret: 'guess-right' })
      ).body.data;
      const wrong = (
        await t.api('POST', '/items/posts', { title: 'probe', status: 'published', secret: 'guess-wrong' })
      ).body.data;
      await eventually(
        async () => s.pending.filter((m) => m.uid === 'control').length,
        (n) => n === 2,
        5000,
      );
      await sleep(300);
      const heard = (id: number) =>
        s.pending.some(
          (m) => m.uid === 'oracle' && m.type === 'subscription' && m.data?.some?.((r: any) => r.id === id),
        );
      // Hearing the one whose secret matches, and not the other, would reveal the secret.
      expect({ right: heard(right.id), wrong: heard(wrong.id) }).not.toEqual({ right: true, wrong: false });
      expect(JSON.stringify(s.pending)).not.toContain('guess-');
      s.close();
    });

    it('an item outside the row filter: no init, no updates, and an item leaving the view is not followed', async () => {
      const draft = (await t.api('POST', '/items/posts', { title: 'draft', status: 'draft', secret: 'd' })).body.data;
      const shown = (await t.api('POST', '/items/posts', { title: 'shown', status: 'published', secret: 's' })).body
        .data;
      const s = await openAuthenticated(t.url, reader.token);
      s.send({ type: 'subscribe', collection: 'posts', item: draft.id, uid: 'draft' });
      expect(await s.next()).toMatchObject({ type: 'subscribe', status: 'error', uid: 'draft' });
      s.send({ type: 'subscribe', collection: 'posts', item: draft.id, event: 'update', uid: 'draft-updates' });
      await s.next((m) => m.uid === 'draft-updates');
      s.send({ type: 'subscribe', collection: 'posts', item: shown.id, uid: 'shown' });
      expect(await s.next((m) => m.uid === 'shown')).toEqual({
        type: 'subscription',
        event: 'init',
        data: { id: shown.id, title: 'shown', status: 'published' },
        uid: 'shown',
      });
      await t.api('PATCH', `/items/posts/${draft.id}`, { title: 'draft edited', secret: 'd2' });
      // The followed item becomes a draft: what changed is no longer the reader's to see.
      await t.api('PATCH', `/items/posts/${shown.id}`, { status: 'draft', title: 'now hidden', secret: 's2' });
      await sleep(500);
      const after = JSON.stringify(s.pending);
      expect(after).not.toContain('draft edited');
      expect(after).not.toContain('now hidden');
      expect(after).not.toMatch(/"secret"|"d2"|"s2"/);
      // Back in view: heard again, without the secret.
      await t.api('PATCH', `/items/posts/${shown.id}`, { status: 'published', title: 'visible again' });
      expect(await s.next((m) => m.uid === 'shown' && m.event === 'update')).toEqual({
        type: 'subscription',
        event: 'update',
        data: { id: shown.id, title: 'visible again', status: 'published' },
        uid: 'shown',
      });
      s.close();
    });

    it('directus_users: a subscriber never receives a password hash or a static token, only what REST shows', async () => {
      const s = await openAuthenticated(t.url, t.token);
      s.send({ type: 'subscribe', collection: 'directus_users', uid: 'users' });
      const init = await s.next((m) => m.uid === 'users');
      expect(init.event).toBe('init');
      const rest = (await t.api('GET', `/users/${reader.userId}`)).body.data;
      // REST masks them; a subscription must show no more.
      expect(rest.password).not.toMatch(/^\$/);
      const initReader = init.data.find((u: any) => u.id === reader.userId);
      expect(initReader.password).toEqual(rest.password);
      expect(initReader.token).toEqual(rest.token);
      // A password change, and a new user with a password and a static token.
      expect((await t.api('PATCH', `/users/${reader.userId}`, { password: 'changed-password-1' })).status).toBe(200);
      const update = await s.next((m) => m.uid === 'users' && m.event === 'update');
      expect(update.data[0].id).toBe(reader.userId);
      expect(update.data[0].password).toEqual(rest.password);
      const staticToken = `static-${randomBytes(8).toString('hex')}`;
      const created = await t.api('POST', '/users', {
        email: 'rt-att-new@example.com',
        password: 'another-password',
        token: staticToken,
      });
      expect(created.status).toBe(200);
      const create = await s.next((m) => m.uid === 'users' && m.event === 'create');
      const restNew = (await t.api('GET', `/users/${created.body.data.id}`)).body.data;
      expect(create.data[0].password).toEqual(restNew.password);
      expect(create.data[0].token).toEqual(restNew.token);
      // Asking for the fields by name changes nothing.
      s.send({
        type: 'subscribe',
        collection: 'directus_users',
        uid: 'named',
        query: { fields: ['password', 'token'] },
      });
      const named = await s.next((m) => m.uid === 'named');
      const everything = JSON.stringify([init, update, create, named, s.pending]);
      expect(everything).not.toContain(staticToken);
      expect(everything).not.toMatch(/"\$scrypt|"\$argon|"\$2[aby]\$/);
      for (const row of [...init.data, ...update.data, ...create.data, ...named.data])
        for (const value of Object.values(row)) if (typeof value === 'string') expect(value).not.toMatch(/^\$/);
      s.close();
    });

    it("an app user's directus_users subscription shows its own row only, and no other user's changes", async () => {
      const victim = await createUser(t, 'rt-att-other', []);
      const s = await openAuthenticated(t.url, stranger.token);
      s.send({ type: 'subscribe', collection: 'directus_users', uid: 'u' });
      const init = await s.next();
      expect(init.data.map((u: any) => u.id)).toEqual([stranger.userId]);
      expect(init.data[0]).not.toHaveProperty('password');
      expect(init.data[0]).not.toHaveProperty('token');
      // Filtering on the hash or the token is refused, not answered.
      for (const filter of [{ password: { _starts_with: '$' } }, { token: { _nnull: true } }]) {
        s.send({ type: 'subscribe', collection: 'directus_users', uid: 'f', query: { filter } });
        expect(await s.next((m) => m.uid === 'f'), JSON.stringify(filter)).toMatchObject({ status: 'error' });
      }
      await t.api('PATCH', `/users/${victim.userId}`, { first_name: 'Changed', password: 'other-password-2' });
      await t.api('DELETE', `/users/${victim.userId}`);
      expect(await s.none((m) => m.type === 'subscription', 500)).toBeUndefined();
      // Its own change is heard (the channel works), without the hash.
      await t.api('PATCH', `/users/${stranger.userId}`, { first_name: 'Self' });
      const own = await s.next((m) => m.event === 'update');
      expect(own.data).toEqual([expect.objectContaining({ id: stranger.userId, first_name: 'Self' })]);
      expect(own.data[0]).not.toHaveProperty('password');
      s.close();
    });

    it('items messages on directus_* collections (or prototype names) are refused with INVALID_COLLECTION, for the admin too', async () => {
      const roleBefore = (await t.api('GET', `/users/${reader.userId}?fields=role`)).body.data.role;
      const attacks: [string, object][] = [
        [
          reader.token,
          { collection: 'directus_users', action: 'update', id: reader.userId, data: { role: admin.role } },
        ],
        [reader.token, { collection: 'directus_users', action: 'read' }],
        [
          reader.token,
          {
            collection: 'directus_permissions',
            action: 'create',
            data: { role: null, collection: 'posts', action: 'read', fields: '*' },
          },
        ],
        [
          reader.token,
          { collection: 'directus_roles', action: 'update', id: reader.roleId, data: { admin_access: true } },
        ],
        [t.token, { collection: 'directus_users', action: 'read' }],
        [t.token, { collection: 'directus_sessions', action: 'read' }],
        [t.token, { collection: 'directus_settings', action: 'read' }],
        [t.token, { collection: '__proto__', action: 'read' }],
        [t.token, { collection: 'constructor', action: 'read' }],
      ];
      const sockets = new Map<string, TestSocket>();
      for (const [i, [token, attack]] of attacks.entries()) {
        if (!sockets.has(token)) sockets.set(token, await openAuthenticated(t.url, token));
        const s = sockets.get(token)!;
        s.send({ type: 'items', uid: `x${i}`, ...attack });
        expect(await s.next((m) => m.uid === `x${i}`), JSON.stringify(attack)).toEqual({
          type: 'items',
          status: 'error',
          error: { code: 'INVALID_COLLECTION', message: expect.any(String) },
          uid: `x${i}`,
        });
      }
      for (const s of sockets.values()) s.close();
      expect((await t.api('GET', `/users/${reader.userId}?fields=role`)).body.data.role).toBe(roleBefore);
      expect((await t.api('GET', `/roles/${reader.roleId}`)).body.data.admin_access).toBe(false);
      const publicPosts = await t.api('GET', '/permissions?filter[role][_null]=true&filter[collection][_eq]=posts');
      expect(publicPosts.body.data).toEqual([]);
    });
  });

  describe('extensions', () => {
    it('a websocket.authenticate hook is never shown the password or the refresh token of an auth message', async () => {
      const start = recorded().authenticate.length;
      const s = await openSocket(t.url);
      s.send({ type: 'auth', email: 'admin@example.com', password: 'admin-password', uid: 'login' });
      const ok = await s.next();
      expect(ok).toMatchObject({ type: 'auth', status: 'ok', uid: 'login' });
      s.send({ type: 'auth', refresh_token: ok.refresh_token, uid: 'refresh' });
      const again = await s.next();
      expect(again.status).toBe('ok');
      // Every credential at once: whichever one is used, the others are not passed on either.
      s.send({
        type: 'auth',
        email: 'admin@example.com',
        password: 'admin-password',
        refresh_token: again.refresh_token,
        access_token: 'extra',
        uid: 'all',
      });
      expect((await s.next()).status).toBe('ok');
      s.close();
      const seen = recorded().authenticate.slice(start);
      // The hook ran for each (the check below is not vacuous).
      expect(seen.length).toBe(3);
      expect(JSON.parse(seen[0]!).message).toMatchObject({ type: 'auth', email: 'admin@example.com' });
      for (const meta of seen) {
        const message = JSON.parse(meta).message;
        expect(message).not.toHaveProperty('password');
        expect(message).not.toHaveProperty('refresh_token');
        expect(meta).not.toContain('admin-password');
        expect(meta).not.toContain(ok.refresh_token);
        expect(meta).not.toContain(again.refresh_token);
      }
    });
  });

  describe('logging in over the socket', () => {
    it('counts toward the login throttle (AUTH_LOGIN_ATTEMPTS=3): afterwards the right password is refused over REST and the socket', async () => {
      await createUser(t, 'rt-att-victim', []);
      const email = 'rt-att-victim@example.com';
      for (let i = 0; i < 3; i++) {
        const s = await openSocket(t.url);
        s.send({ type: 'auth', email, password: `guess-${i}` });
        expect(await s.next()).toMatchObject({ type: 'auth', status: 'error', error: { code: 'AUTH_FAILED' } });
        expect((await closedWithin(s)).code).toBe(1008);
      }
      const rest = await t.api('POST', '/auth/login', { email, password: 'secret-password' }, null);
      expect(rest.status).toBe(429);
      const s = await openSocket(t.url);
      s.send({ type: 'auth', email, password: 'secret-password' });
      expect(await s.next()).toMatchObject({ type: 'auth', status: 'error', error: { code: 'AUTH_FAILED' } });
      expect((await closedWithin(s)).code).toBe(1008);
      // Another account is not locked by these guesses.
      expect(
        (await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).status,
      ).toBe(200);
    });

    it('does not skip a second factor: a user with two-factor authentication is refused a password-only login', async () => {
      const user = await createUser(t, 'rt-att-tfa', []);
      const email = 'rt-att-tfa@example.com';
      const made = await t.api('POST', '/users/me/tfa/generate', { password: 'secret-password' }, user.token);
      expect(made.status).toBe(200);
      const secret = made.body.data.secret as string;
      const enabled = await t.api('POST', '/users/me/tfa/enable', { secret, otp: totpCode(secret) }, user.token);
      expect(enabled.status).toBe(204);
      for (const extra of [{}, { otp: '000000' }]) {
        const s = await openSocket(t.url);
        s.send({ type: 'auth', email, password: 'secret-password', ...extra });
        expect(await s.next(), JSON.stringify(extra)).toMatchObject({
          type: 'auth',
          status: 'error',
          error: { code: 'AUTH_FAILED' },
        });
        expect((await closedWithin(s)).code).toBe(1008);
        expect(s.pending.filter((m) => m.status === 'ok')).toEqual([]);
      }
      // The control: REST refuses the password alone too (two-factor is on).
      const rest = await t.api('POST', '/auth/login', { email, password: 'secret-password' }, null);
      expect(rest.status).toBeGreaterThanOrEqual(400);
      expect(rest.body?.data?.access_token).toBeUndefined();
    });
  });

  describe('found by this file, then mended', () => {
    it('an item subscription for its deletion only is refused on an item the subscriber may not read (no existence or deletion oracle)', async () => {
      const draft = (await t.api('POST', '/items/posts', { title: 'probe me', status: 'draft', secret: 'x' })).body
        .data;
      const shown = (await t.api('POST', '/items/posts', { title: 'visible', status: 'published' })).body.data;
      const s = await openAuthenticated(t.url, reader.token);
      s.send({ type: 'subscribe', collection: 'posts', item: draft.id, event: 'delete', uid: 'probe' });
      expect(await s.next()).toMatchObject({
        type: 'subscribe',
        status: 'error',
        error: { code: 'FORBIDDEN' },
        uid: 'probe',
      });
      // An item it may read is followed for its deletion as asked.
      s.send({ type: 'subscribe', collection: 'posts', item: shown.id, event: 'delete', uid: 'mine' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'init', uid: 'mine' });
      await t.api('DELETE', `/items/posts/${draft.id}`);
      await t.api('DELETE', `/items/posts/${shown.id}`);
      expect(await s.next((m) => m.event === 'delete')).toMatchObject({ uid: 'mine', data: String(shown.id) });
      expect(await s.none((m) => m.uid === 'probe' && m.event === 'delete')).toBeUndefined();
      s.close();
    });

    it('a subscription for future events only is refused when its query reads what the subscriber may not', async () => {
      const s = await openAuthenticated(t.url, reader.token);
      s.send({
        type: 'subscribe',
        collection: 'posts',
        event: 'create',
        uid: 'q',
        query: { filter: { secret: { _eq: 'x' } } },
      });
      expect(await s.next()).toMatchObject({
        type: 'subscribe',
        status: 'error',
        uid: 'q',
        error: { code: 'FORBIDDEN' },
      });
      s.close();
    });

    it('a message sent right behind the handshake’s auth (pipelined) is answered, not taken for a second handshake', async () => {
      const s = await openSocket(t.url);
      s.send({ type: 'auth', access_token: t.token, uid: 'a' });
      s.send({ type: 'ping', uid: 'right-behind' });
      expect(await s.next()).toEqual({ type: 'auth', status: 'ok', uid: 'a' });
      expect(await s.next()).toEqual({ type: 'pong', uid: 'right-behind' });
      s.close();
    });
  });
});

// =============================================================================================

describe('connection limit in handshake mode (WEBSOCKETS_REST_CONN_LIMIT=2, 1 s to authenticate)', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost({
      env: { ...BASE_ENV, WEBSOCKETS_REST_CONN_LIMIT: '2', WEBSOCKETS_REST_AUTH_TIMEOUT: '1' },
    });
  });
  afterAll(() => t?.close());

  it('silent unauthenticated sockets hold places only until the handshake deadline', async () => {
    const squatters = [await openSocket(t.url), await openSocket(t.url)];
    expect(await upgradeStatus(`${wsUrl(t)}/websocket`)).toBe(403);
    for (const s of squatters) expect((await closedWithin(s)).code).toBe(1008);
    await eventually(
      () => upgradeStatus(`${wsUrl(t)}/websocket`),
      (status) => status === 101,
      5000,
      50,
    );
    await hostServes(t);
  });
});

describe('strict mode and the connection limit (WEBSOCKETS_REST_AUTH=strict, WEBSOCKETS_REST_CONN_LIMIT=2)', () => {
  let t: TestHost;
  beforeAll(async () => {
    // Checking a token takes a while (as on PostgreSQL, or with a slow hook): upgrades overlap.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-rt-attacks-strict-'));
    const slow = writeHook(
      root,
      'rt-attack-slow-auth',
      '',
      `export default ({ filter }) => {
  filter('websocket.authenticate', async (accountability) => {
    await new Promise((r) => setTimeout(r, 150));
    return accountability;
  });
};
`,
    );
    t = await startHost({
      extensions: [slow],
      env: { ...BASE_ENV, WEBSOCKETS_REST_AUTH: 'strict', WEBSOCKETS_REST_CONN_LIMIT: '2' },
    });
  });
  afterAll(() => t?.close());

  it('an upgrade without a token, with a bad one or with a forged JWT gets 401', async () => {
    const me = (await t.api('GET', '/users/me')).body.data;
    const base = `${wsUrl(t)}/websocket`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(await upgradeStatus(`${base}?access_token=`)).toBe(401);
    expect(await upgradeStatus(`${base}?access_token=wrong`)).toBe(401);
    for (const [name, token] of Object.entries(forgedTokens({ id: me.id, role: me.role }, t.token)))
      expect(await upgradeStatus(`${base}?access_token=${encodeURIComponent(token)}`), name).toBe(401);
    // A handshake message does not stand in for the token.
    const refused = new WebSocket(base);
    const status = await new Promise<number>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.once('open', () => resolve(101));
      refused.once('error', () => resolve(0));
    });
    refused.terminate();
    expect(status).toBe(401);
    // The control: a real token is let in.
    expect(await upgradeStatus(`${base}?access_token=${t.token}`)).toBe(101);
  });

  it('the third connection gets 403, also when many upgrade at once (places being authenticated count); after one closes a new one is accepted', async () => {
    const url = `${wsUrl(t)}/websocket?access_token=${t.token}`;
    // Wait for the control connection of the previous test (and this probe) to be gone.
    await eventually(
      () => upgradeStatus(url),
      (status) => status === 101,
      5000,
      50,
    );
    await sleep(500);
    const attempts = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<{ status: number; ws: WebSocket }>((resolve) => {
            const ws = new WebSocket(url);
            ws.once('open', () => resolve({ status: 101, ws }));
            ws.once('unexpected-response', (_req, res) => {
              resolve({ status: res.statusCode ?? 0, ws });
              ws.terminate();
            });
            ws.once('error', () => resolve({ status: 0, ws }));
          }),
      ),
    );
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([101, 101, 403, 403, 403, 403]);
    const open = attempts.filter((a) => a.status === 101).map((a) => a.ws);
    expect(await upgradeStatus(url)).toBe(403);
    // The open ones work.
    for (const ws of open) {
      const pong = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
      ws.send(JSON.stringify({ type: 'ping', uid: 'x' }));
      expect(JSON.parse(await pong)).toEqual({ type: 'pong', uid: 'x' });
    }
    const closed = new Promise((resolve) => open[0]!.once('close', resolve));
    open[0]!.close();
    await closed;
    await eventually(
      () => upgradeStatus(url),
      (status) => status === 101,
      5000,
      50,
    );
    open[1]!.close();
    await hostServes(t);
  });
});
