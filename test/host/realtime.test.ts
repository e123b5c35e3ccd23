import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { openAuthenticated, openSocket, upgradeStatus } from '../helpers/realtime.js';
import { writeHook, writePackage } from '../helpers/write-extension.js';

// Directus's realtime WebSocket API (docs/realtime.md): authentication, ping, subscriptions, items.
const ENV = { WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_REST_AUTH_TIMEOUT: '1', WEBSOCKETS_HEARTBEAT_ENABLED: 'false' };

describe('the WebSocket API is off unless enabled', () => {
  it('refuses the upgrade with 404 by default', async () => {
    const t = await startHost();
    try {
      expect(await upgradeStatus(`${t.url.replace('http', 'ws')}/websocket`)).toBe(404);
      // Ordinary requests are unaffected.
      expect((await t.api('GET', '/server/ping')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('realtime over /websocket', () => {
  let t: TestHost;
  let reader: { token: string; userId: string };
  let stranger: { token: string; userId: string };
  beforeAll(async () => {
    t = await startHost({ env: ENV });
    await createCollection(t, 'posts', { title: 'string', status: 'string', secret: 'string' });
    await createCollection(t, 'hidden', { title: 'string' });
    // Reads published posts only, and only their title and status.
    reader = await createUser(t, 'rt-reader', [
      {
        collection: 'posts',
        action: 'read',
        permissions: { status: { _eq: 'published' } },
        fields: 'id,title,status',
      },
    ]);
    stranger = await createUser(t, 'rt-stranger', []);
  });
  afterAll(() => t?.close());

  const ws = () => t.url.replace('http', 'ws');

  it('authenticates with the handshake and answers ping with pong and the uid', async () => {
    const s = await openSocket(t.url);
    s.send({ type: 'auth', access_token: t.token, uid: 'a1' });
    expect(await s.next()).toEqual({ type: 'auth', status: 'ok', uid: 'a1' });
    s.send({ type: 'ping', uid: 7 });
    expect(await s.next()).toEqual({ type: 'pong', uid: 7 });
    s.close();
  });

  it('logs in with email and password and hands back a refresh token that authenticates again', async () => {
    const s = await openSocket(t.url);
    s.send({ type: 'auth', email: 'admin@example.com', password: 'admin-password' });
    const ok = await s.next();
    expect(ok).toMatchObject({ type: 'auth', status: 'ok' });
    expect(typeof ok.refresh_token).toBe('string');
    s.send({ type: 'auth', refresh_token: ok.refresh_token });
    const again = await s.next();
    expect(again.status).toBe('ok');
    expect(again.refresh_token).not.toBe(ok.refresh_token);
    s.close();
  });

  it('ends a handshake that does not authenticate: a wrong token, another message first, or silence', async () => {
    for (const first of [{ type: 'auth', access_token: 'nope' }, { type: 'ping' }]) {
      const s = await openSocket(t.url);
      s.send(first);
      expect(await s.next()).toEqual({
        type: 'auth',
        status: 'error',
        error: { code: 'AUTH_FAILED', message: 'Authentication handshake failed.' },
      });
      expect((await s.closed).code).toBe(1008);
    }
    const silent = await openSocket(t.url);
    const started = Date.now();
    expect((await silent.next()).error.code).toBe('AUTH_FAILED');
    expect((await silent.closed).code).toBe(1008);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('takes a token in the address at the upgrade, and answers 401 for a bad one', async () => {
    expect(await upgradeStatus(`${ws()}/websocket?access_token=bad`)).toBe(401);
    const s = await openSocket(t.url, `/websocket?access_token=${t.token}`);
    s.send({ type: 'ping' });
    expect(await s.next()).toEqual({ type: 'pong' });
    s.close();
  });

  it('says what it could not parse', async () => {
    const s = await openAuthenticated(t.url, t.token);
    for (const bad of ['not json', '[1]', '{"type": 3}', '{"type":"ping","uid":{"x":1}}']) {
      s.send(bad);
      expect(await s.next()).toEqual({
        type: 'server',
        status: 'error',
        error: { code: 'INVALID_PAYLOAD', message: 'Unable to parse the incoming message.' },
      });
    }
    s.send({ type: 'subscribe', uid: 'x' });
    const refused = await s.next();
    expect(refused).toMatchObject({ type: 'subscribe', status: 'error', uid: 'x', error: { code: 'INVALID_PAYLOAD' } });
    expect(refused.error.message).toMatch(/collection/);
    s.close();
  });

  it('subscribes to a collection: init with the query, then create, update and delete as they are committed', async () => {
    const first = (await t.api('POST', '/items/posts', { title: 'first', status: 'published' })).body.data;
    const s = await openAuthenticated(t.url, t.token);
    s.send({ type: 'subscribe', collection: 'posts', uid: 'posts', query: { fields: ['id', 'title'] } });
    expect(await s.next()).toEqual({
      type: 'subscription',
      event: 'init',
      data: [{ id: first.id, title: 'first' }],
      uid: 'posts',
    });
    const created = (await t.api('POST', '/items/posts', { title: 'second', status: 'draft' })).body.data;
    expect(await s.next()).toEqual({
      type: 'subscription',
      event: 'create',
      data: [{ id: created.id, title: 'second' }],
      uid: 'posts',
    });
    await t.api('PATCH', `/items/posts/${created.id}`, { title: 'second!' });
    expect(await s.next()).toMatchObject({ event: 'update', data: [{ id: created.id, title: 'second!' }] });
    await t.api('DELETE', `/items/posts/${created.id}`);
    expect(await s.next()).toEqual({ type: 'subscription', event: 'delete', data: [created.id], uid: 'posts' });
    // Unsubscribed: acknowledged, and nothing more arrives.
    s.send({ type: 'unsubscribe', uid: 'posts' });
    expect(await s.next()).toEqual({ type: 'subscription', event: 'unsubscribe', uid: 'posts' });
    await t.api('POST', '/items/posts', { title: 'unheard', status: 'draft' });
    expect(await s.none((m) => m.type === 'subscription')).toBeUndefined();
    s.close();
  });

  it('filters by event and follows one item', async () => {
    const item = (await t.api('POST', '/items/posts', { title: 'followed', status: 'published' })).body.data;
    const other = (await t.api('POST', '/items/posts', { title: 'other', status: 'published' })).body.data;
    const s = await openAuthenticated(t.url, t.token);
    s.send({ type: 'subscribe', collection: 'posts', event: 'update', uid: 'updates' });
    // With an event, Directus's init carries no data.
    expect(await s.next()).toEqual({ type: 'subscription', event: 'init', uid: 'updates' });
    s.send({ type: 'subscribe', collection: 'posts', item: item.id, uid: 'one', query: { fields: ['title'] } });
    expect(await s.next((m) => m.uid === 'one')).toEqual({
      type: 'subscription',
      event: 'init',
      data: { title: 'followed' },
      uid: 'one',
    });
    await t.api('POST', '/items/posts', { title: 'new', status: 'draft' });
    await t.api('PATCH', `/items/posts/${other.id}`, { title: 'other!' });
    const update = await s.next((m) => m.uid === 'updates');
    expect(update.event).toBe('update');
    expect(update.data.map((r: { id: number }) => r.id)).toEqual([other.id]);
    expect(await s.none((m) => m.uid === 'one' || m.event === 'create')).toBeUndefined();
    await t.api('PATCH', `/items/posts/${item.id}`, { title: 'followed!' });
    expect(await s.next((m) => m.uid === 'one')).toMatchObject({ event: 'update', data: { title: 'followed!' } });
    await t.api('DELETE', `/items/posts/${item.id}`);
    expect(await s.next((m) => m.uid === 'one' && m.event === 'delete')).toMatchObject({ data: String(item.id) });
    s.close();
  });

  it('sends a subscriber only the items and fields it may read, and only deletions of items it was shown', async () => {
    const shown = (await t.api('POST', '/items/posts', { title: 'public', status: 'published', secret: 's1' })).body
      .data;
    const draft = (await t.api('POST', '/items/posts', { title: 'draft', status: 'draft', secret: 's2' })).body.data;
    const s = await openAuthenticated(t.url, reader.token);
    s.send({ type: 'subscribe', collection: 'posts', uid: 'p' });
    const init = await s.next();
    expect(init.event).toBe('init');
    expect(init.data.every((r: Record<string, unknown>) => r.status === 'published' && !('secret' in r))).toBe(true);
    expect(init.data.some((r: { id: number }) => r.id === shown.id)).toBe(true);
    // A draft is neither announced when made nor when deleted; a published item is, without its secret.
    await t.api('POST', '/items/posts', { title: 'another draft', status: 'draft', secret: 's3' });
    await t.api('DELETE', `/items/posts/${draft.id}`);
    expect(await s.none((m) => m.type === 'subscription')).toBeUndefined();
    const published = (await t.api('POST', '/items/posts', { title: 'news', status: 'published', secret: 's4' })).body
      .data;
    expect(await s.next()).toEqual({
      type: 'subscription',
      event: 'create',
      data: [{ id: published.id, title: 'news', status: 'published' }],
      uid: 'p',
    });
    await t.api('DELETE', `/items/posts/${shown.id}`);
    expect(await s.next()).toMatchObject({ event: 'delete', data: [shown.id] });
    s.close();
  });

  it('reads a change once for subscribers with the same rights, and apart for each other subscriber', async () => {
    const admins = [await openAuthenticated(t.url, t.token), await openAuthenticated(t.url, t.token)];
    const limited = await openAuthenticated(t.url, reader.token);
    for (const s of [...admins, limited]) {
      s.send({ type: 'subscribe', collection: 'posts', event: 'create', uid: 'same' });
      expect((await s.next()).event).toBe('init');
    }
    const made = (await t.api('POST', '/items/posts', { title: 'shared read', status: 'published', secret: 's9' })).body
      .data;
    for (const s of admins)
      expect((await s.next()).data).toEqual([expect.objectContaining({ id: made.id, secret: 's9' })]);
    expect((await limited.next()).data).toEqual([{ id: made.id, title: 'shared read', status: 'published' }]);
    for (const s of [...admins, limited]) s.close();
  });

  it('refuses a subscription to a collection the caller may not read, even for future events only', async () => {
    const s = await openAuthenticated(t.url, stranger.token);
    for (const message of [
      { type: 'subscribe', collection: 'hidden', uid: 'h' },
      { type: 'subscribe', collection: 'hidden', uid: 'h', event: 'create' },
    ]) {
      s.send(message);
      expect(await s.next()).toEqual({
        type: 'subscribe',
        status: 'error',
        error: { code: 'FORBIDDEN', message: "You don't have permission to access this." },
        uid: 'h',
      });
    }
    for (const collection of ['nope', 'directus_fields', 'directus_collections', 'directus_relations']) {
      s.send({ type: 'subscribe', collection, uid: 'n' });
      expect(await s.next()).toMatchObject({ status: 'error', error: { code: 'INVALID_COLLECTION' }, uid: 'n' });
    }
    await t.api('POST', '/items/hidden', { title: 'unseen' });
    expect(await s.none((m) => m.type === 'subscription')).toBeUndefined();
    s.close();
  });

  it('stops a suspended user at the next change', async () => {
    const user = await createUser(t, 'rt-suspended', [{ collection: 'hidden', action: 'read' }]);
    const s = await openAuthenticated(t.url, user.token);
    s.send({ type: 'subscribe', collection: 'hidden', uid: 'h' });
    expect((await s.next()).event).toBe('init');
    expect((await t.api('PATCH', `/users/${user.userId}`, { status: 'suspended' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // the connection re-reads its user at most once a second
    await t.api('POST', '/items/hidden', { title: 'after suspension' });
    expect(await s.next()).toMatchObject({ type: 'auth', status: 'error', error: { code: 'AUTH_FAILED' } });
    expect((await s.closed).code).toBe(1008);
    expect(s.pending.filter((m) => m.type === 'subscription')).toEqual([]);
  });

  it('creates, reads, updates and deletes items with the connection’s permissions', async () => {
    const s = await openAuthenticated(t.url, t.token);
    s.send({ type: 'items', collection: 'posts', action: 'create', data: { title: 'ws', status: 'draft' }, uid: 1 });
    const created = await s.next();
    expect(created).toMatchObject({ type: 'items', uid: 1, data: { title: 'ws', status: 'draft' } });
    const id = created.data.id;
    s.send({ type: 'items', collection: 'posts', action: 'read', id, query: { fields: ['title'] }, uid: 2 });
    expect(await s.next()).toEqual({ type: 'items', data: { title: 'ws' }, uid: 2 });
    s.send({ type: 'items', collection: 'posts', action: 'update', id, data: { title: 'ws!' }, uid: 3 });
    expect((await s.next()).data.title).toBe('ws!');
    s.send({
      type: 'items',
      collection: 'posts',
      action: 'read',
      query: { filter: { title: { _eq: 'ws!' } }, fields: ['id'], meta: ['filter_count'] },
      uid: 4,
    });
    expect(await s.next()).toEqual({ type: 'items', data: [{ id }], meta: { filter_count: 1 }, uid: 4 });
    s.send({ type: 'items', collection: 'posts', action: 'delete', id, uid: 5 });
    expect(await s.next()).toEqual({ type: 'items', data: id, uid: 5 });
    // An update with neither keys nor a query would change every item: refused.
    s.send({ type: 'items', collection: 'posts', action: 'update', data: { title: 'all' }, uid: 6 });
    expect(await s.next()).toMatchObject({
      type: 'items',
      status: 'error',
      error: { code: 'INVALID_PAYLOAD' },
      uid: 6,
    });
    // System collections have their own routes, as in Directus.
    s.send({ type: 'items', collection: 'directus_users', action: 'read', uid: 7 });
    expect(await s.next()).toMatchObject({ status: 'error', error: { code: 'INVALID_COLLECTION' }, uid: 7 });
    s.close();

    const limited = await openAuthenticated(t.url, reader.token);
    limited.send({ type: 'items', collection: 'posts', action: 'create', data: { title: 'x' }, uid: 'c' });
    expect(await limited.next()).toMatchObject({ type: 'items', status: 'error', error: { code: 'FORBIDDEN' } });
    limited.close();
  });
});

describe('realtime authentication modes', () => {
  it('strict: the upgrade needs a user’s token in the address', async () => {
    const t = await startHost({ env: { ...ENV, WEBSOCKETS_REST_AUTH: 'strict' } });
    try {
      const base = t.url.replace('http', 'ws');
      expect(await upgradeStatus(`${base}/websocket`)).toBe(401);
      expect(await upgradeStatus(`${base}/websocket?access_token=wrong`)).toBe(401);
      expect(await upgradeStatus(`${base}/websocket?access_token=${t.token}`)).toBe(101);
    } finally {
      await t.close();
    }
  });

  it('public: connects as the public role; a failed auth falls back to it without closing', async () => {
    const t = await startHost({ env: { ...ENV, WEBSOCKETS_REST_AUTH: 'public' } });
    try {
      await createCollection(t, 'open_posts', { title: 'string' });
      await createCollection(t, 'closed_posts', { title: 'string' });
      await t.api('POST', '/permissions', { role: null, collection: 'open_posts', action: 'read', fields: '*' });
      const s = await openSocket(t.url);
      s.send({ type: 'subscribe', collection: 'open_posts', uid: 'o' });
      expect(await s.next()).toEqual({ type: 'subscription', event: 'init', data: [], uid: 'o' });
      s.send({ type: 'subscribe', collection: 'closed_posts', uid: 'c' });
      expect(await s.next()).toMatchObject({ status: 'error', error: { code: 'FORBIDDEN' } });
      s.send({ type: 'auth', access_token: 'wrong', uid: 'w' });
      expect(await s.next()).toEqual({
        type: 'auth',
        status: 'error',
        error: { code: 'AUTH_FAILED', message: 'Authentication failed.' },
        uid: 'w',
      });
      s.send({ type: 'auth', access_token: t.token });
      expect((await s.next()).status).toBe('ok');
      s.send({ type: 'subscribe', collection: 'closed_posts', uid: 'c' });
      expect((await s.next()).event).toBe('init');
      s.close();
    } finally {
      await t.close();
    }
  });

  it('an expired token: TOKEN_EXPIRED, then the connection must authenticate again in time', async () => {
    const t = await startHost({ env: { ...ENV, ACCESS_TOKEN_TTL: '2s' } });
    try {
      const login = await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' });
      const s = await openAuthenticated(t.url, login.body.data.access_token);
      expect(await s.next(undefined, 4000)).toEqual({
        type: 'auth',
        status: 'error',
        error: { code: 'TOKEN_EXPIRED', message: 'Token expired.' },
      });
      expect(await s.next(undefined, 3000)).toMatchObject({ error: { code: 'AUTH_TIMEOUT' } });
      expect((await s.closed).code).toBe(1008);
    } finally {
      await t.close();
    }
  });

  it('heartbeat: pings, keeps a client that answers, closes one that does not', async () => {
    const t = await startHost({
      env: { ...ENV, WEBSOCKETS_HEARTBEAT_ENABLED: 'true', WEBSOCKETS_HEARTBEAT_PERIOD: '1' },
    });
    try {
      const answering = await openAuthenticated(t.url, t.token);
      const silent = await openAuthenticated(t.url, t.token);
      answering.ws.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'ping') answering.send({ type: 'pong' });
      });
      expect(await silent.next((m) => m.type === 'ping', 3000)).toEqual({ type: 'ping' });
      expect((await silent.closed).code).toBe(1001);
      await new Promise((r) => setTimeout(r, 1500));
      answering.send({ type: 'ping', uid: 'still' });
      expect(await answering.next((m) => m.type === 'pong')).toEqual({ type: 'pong', uid: 'still' });
      answering.close();
    } finally {
      await t.close();
    }
  });
});

describe('extensions on the socket', () => {
  it("a trusted hook answers its own message type through Directus's client; a filter rewrites messages", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-rt-hooks-'));
    const trusted = writeHook(
      root,
      'rt-hello',
      '',
      `export default ({ filter, action }) => {
  filter('websocket.message', (message) => (message.type === 'shout' ? { type: 'ping', uid: 'shouted' } : message));
  action('websocket.message', ({ message, client }) => {
    if (message.type === 'hello') client.send(JSON.stringify({ type: 'hello', to: client.accountability.user, uid: message.uid }));
  });
};
`,
    );
    // Written exactly as for Directus: a sandboxed hook requesting no scope is granted the events it registers.
    const sandboxed = writePackage(path.join(root, 'rt-whoami'), {
      name: 'rt-whoami',
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'hook',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: {} },
      },
    });
    fs.mkdirSync(path.join(sandboxed, 'dist'));
    fs.writeFileSync(
      path.join(sandboxed, 'dist', 'index.js'),
      `export default ({ filter }) => {
  filter('websocket.message', (message, meta) => (message.type === 'whoami' ? { type: 'ping', uid: JSON.stringify(meta.client) } : message));
};
`,
    );
    const t = await startHost({ extensions: [trusted, sandboxed], env: ENV });
    try {
      const me = (await t.api('GET', '/users/me')).body.data.id;
      const s = await openAuthenticated(t.url, t.token);
      s.send({ type: 'hello', uid: 'h' });
      expect(await s.next()).toEqual({ type: 'hello', to: me, uid: 'h' });
      s.send({ type: 'shout' });
      expect(await s.next()).toEqual({ type: 'pong', uid: 'shouted' });
      // The sandbox is handed the connection's id and who it acts for, never the socket.
      s.send({ type: 'whoami' });
      const view = JSON.parse((await s.next()).uid);
      expect(view).toEqual({
        uid: expect.any(String),
        accountability: { user: me, role: expect.any(String), admin: true, app: true },
      });
      s.close();
    } finally {
      await t.close();
    }
  });
});
