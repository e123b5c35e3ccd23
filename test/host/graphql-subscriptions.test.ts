import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { openGraphQLSocket, upgradeStatus } from '../helpers/realtime.js';
import { writeHook } from '../helpers/write-extension.js';

// Directus's GraphQL subscriptions (docs/realtime.md): `<collection>_mutated` over graphql-ws's
// `graphql-transport-ws` protocol at WEBSOCKETS_GRAPHQL_PATH, with graphql-ws's own client.
const ENV = {
  WEBSOCKETS_ENABLED: 'true',
  WEBSOCKETS_GRAPHQL_AUTH_TIMEOUT: '1',
  WEBSOCKETS_HEARTBEAT_ENABLED: 'false',
  WEBSOCKETS_MAX_SUBSCRIPTIONS: '3',
};

/** A graphql-ws client of the host (lazy: false, so it connects at once), closed by the test. */
function client(t: TestHost, token: string | undefined, extra: { url?: string } = {}): Client {
  return createClient({
    url: extra.url ?? `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token === undefined ? undefined : { access_token: token },
    onNonLazyError: () => undefined,
  });
}

/** Subscribes; each result is queued for `next()`; `done` resolves when the server completes or errs. */
function subscribe(c: Client, query: string, variables?: Record<string, unknown>) {
  const results: any[] = [];
  const waiters = new Set<() => void>();
  let ended: { error?: unknown } | undefined;
  const done = new Promise<{ error?: unknown }>((resolve) => {
    c.subscribe(
      { query, variables },
      {
        next: (r) => {
          results.push(r);
          for (const w of [...waiters]) w();
        },
        error: (error) => {
          ended = { error };
          resolve(ended);
          for (const w of [...waiters]) w();
        },
        complete: () => {
          ended = {};
          resolve(ended);
          for (const w of [...waiters]) w();
        },
      },
    );
  });
  return {
    done,
    results,
    /** The next result within `ms`, or undefined. */
    next(ms = 5000): Promise<any> {
      return new Promise((resolve) => {
        const check = () => {
          if (results.length) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(results.shift());
          } else if (ended) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(undefined);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(undefined);
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** graphql-ws's subscription is active once the server acknowledged it; a short wait lets the server register it. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('GraphQL subscriptions over /graphql', () => {
  let t: TestHost;
  let reader: { token: string; userId: string };
  let stranger: { token: string; userId: string };
  beforeAll(async () => {
    t = await startHost({ env: ENV });
    await createCollection(t, 'posts', { title: 'string', status: 'string', secret: 'string' });
    // Reads published posts only, and only their title and status.
    reader = await createUser(t, 'gql-reader', [
      { collection: 'posts', action: 'read', permissions: { status: { _eq: 'published' } }, fields: 'id,title,status' },
    ]);
    stranger = await createUser(t, 'gql-stranger', []);
  });
  afterAll(() => t?.close());

  it('sends Directus’s create, update and delete events of a collection, with the selected fields', async () => {
    const c = client(t, t.token);
    try {
      const s = subscribe(c, 'subscription { posts_mutated { key event data { id title } } }');
      await settle();
      const created = await t.api('POST', '/items/posts', { title: 'first', status: 'draft', secret: 's' });
      const id = created.body.data.id;
      expect(await s.next()).toEqual({
        data: { posts_mutated: { key: String(id), event: 'create', data: { id: String(id), title: 'first' } } },
      });
      await t.api('PATCH', `/items/posts/${id}`, { title: 'renamed' });
      expect(await s.next()).toEqual({
        data: { posts_mutated: { key: String(id), event: 'update', data: { id: String(id), title: 'renamed' } } },
      });
      await t.api('DELETE', `/items/posts/${id}`);
      expect(await s.next()).toEqual({ data: { posts_mutated: { key: String(id), event: 'delete', data: null } } });
    } finally {
      await c.dispose();
    }
  });

  it('follows one kind of event with the `event` argument, one event per changed key', async () => {
    const c = client(t, t.token);
    try {
      const s = subscribe(c, 'subscription($e: EventEnum) { posts_mutated(event: $e) { key event } }', {
        e: 'update',
      });
      await settle();
      const a = (await t.api('POST', '/items/posts', { title: 'a' })).body.data.id;
      const b = (await t.api('POST', '/items/posts', { title: 'b' })).body.data.id;
      await t.api('PATCH', '/items/posts', { keys: [a, b], data: { title: 'both' } });
      const events = [await s.next(), await s.next()].map((r) => r.data.posts_mutated);
      expect(events).toEqual([
        { key: String(a), event: 'update' },
        { key: String(b), event: 'update' },
      ]);
      expect(await s.next(300)).toBeUndefined();
    } finally {
      await c.dispose();
    }
  });

  it('reads a change once for all the subscriptions that select the same with the same rights', async () => {
    // Selects of posts during one create, with no subscriber and with three.
    const selects = async () => {
      let n = 0;
      const count = (q: { sql: string }) => {
        if (/^select/i.test(q.sql) && /from [`"]posts[`"]/i.test(q.sql)) n++;
      };
      t.host.knex.on('query', count);
      try {
        await t.api('POST', '/items/posts', { title: 'counted' });
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        t.host.knex.off('query', count);
      }
      return n;
    };
    const alone = await selects();
    const clients = [client(t, t.token), client(t, t.token), client(t, t.token)];
    try {
      const subs = clients.map((c) =>
        subscribe(c, 'subscription { posts_mutated(event: create) { key data { title } } }'),
      );
      await settle();
      const followed = await selects();
      for (const s of subs) expect((await s.next()).data.posts_mutated.data).toEqual({ title: 'counted' });
      expect(followed - alone).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });

  it('sends a row-limited reader only what it may read, and only deletions of items it was sent', async () => {
    const c = client(t, reader.token);
    try {
      const s = subscribe(c, 'subscription { posts_mutated { key event data { title status } } }');
      await settle();
      const draft = (await t.api('POST', '/items/posts', { title: 'draft', status: 'draft' })).body.data.id;
      const shown = (await t.api('POST', '/items/posts', { title: 'pub', status: 'published' })).body.data.id;
      expect((await s.next()).data.posts_mutated).toEqual({
        key: String(shown),
        event: 'create',
        data: { title: 'pub', status: 'published' },
      });
      await t.api('DELETE', `/items/posts/${draft}`);
      await t.api('DELETE', `/items/posts/${shown}`);
      expect((await s.next()).data.posts_mutated).toEqual({ key: String(shown), event: 'delete', data: null });
      expect(await s.next(300)).toBeUndefined();
    } finally {
      await c.dispose();
    }
  });

  it('refuses fields and collections the caller may not read (they are not in its schema)', async () => {
    for (const [token, query] of [
      [reader.token, 'subscription { posts_mutated { key data { secret } } }'],
      [stranger.token, 'subscription { posts_mutated { key } }'],
    ] as const) {
      const c = client(t, token);
      try {
        // A role that may read nothing has no Subscription type: the operation answers an error result.
        const s = subscribe(c, query);
        const { error } = await s.done;
        expect(JSON.stringify(error ?? s.results)).toMatch(
          /Cannot query field|Schema is not configured to execute subscription/,
        );
        expect(s.results.every((r) => r.errors && !r.data)).toBe(true);
      } finally {
        await c.dispose();
      }
    }
  });

  it('runs queries and mutations over the socket as over HTTP; HTTP refuses a subscription', async () => {
    const c = client(t, t.token);
    try {
      const s = subscribe(c, 'mutation { create_posts_item(data: { title: "over ws" }) { title } }');
      expect(await s.next()).toEqual({ data: { create_posts_item: { title: 'over ws' } } });
      expect(await s.done).toEqual({});
    } finally {
      await c.dispose();
    }
    const res = await t.api('POST', '/graphql', { query: 'subscription { posts_mutated { key } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
  });

  it('ends a suspended user’s connection at the next change', async () => {
    const user = await createUser(t, 'gql-suspended', [{ collection: 'posts', action: 'read' }]);
    // The raw protocol: graphql-ws's client would reconnect.
    const raw = await openGraphQLSocket(t.url);
    raw.send({ type: 'connection_init', payload: { access_token: user.token } });
    await new Promise((r) => setTimeout(r, 100));
    expect(raw.messages[0]).toEqual({ type: 'connection_ack' });
    raw.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { posts_mutated { key } }' } });
    await settle();
    expect((await t.api('PATCH', `/users/${user.userId}`, { status: 'suspended' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // past the re-read interval
    await t.api('POST', '/items/posts', { title: 'after suspension' });
    expect((await raw.closed).code).toBe(4403);
    expect(raw.messages.filter((m) => m.type === 'next')).toEqual([]);
  });
});

describe('the GraphQL socket’s handshake and limits', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost({ env: ENV });
    await createCollection(t, 'notes', { title: 'string' });
  });
  afterAll(() => t?.close());

  const raw = (protocol?: string) => openGraphQLSocket(t.url, { protocol });

  it('closes a handshake without a valid token (4403), or without connection_init in time (4408)', async () => {
    const none = await raw();
    none.send({ type: 'connection_init' });
    expect((await none.closed).code).toBe(4403);
    const wrong = await raw();
    wrong.send({ type: 'connection_init', payload: { access_token: 'forged' } });
    expect((await wrong.closed).code).toBe(4403);
    const silent = await raw();
    expect((await silent.closed).code).toBe(4408);
  });

  it('refuses another subprotocol (4406) and a subscribe before the acknowledgement (4401)', async () => {
    const other = await raw('graphql-ws');
    expect((await other.closed).code).toBe(4406);
    const early = await raw();
    early.send({ id: '1', type: 'subscribe', payload: { query: '{ notes { id } }' } });
    expect((await early.closed).code).toBe(4401);
  });

  it('accepts a token in the address; a bad one is refused at the upgrade (401)', async () => {
    const ws = `${t.url.replace('http', 'ws')}/graphql`;
    expect(await upgradeStatus(`${ws}?access_token=forged`)).toBe(401);
    const c = client(t, undefined, { url: `${ws}?access_token=${t.token}` });
    try {
      const s = subscribe(c, '{ notes { id } }');
      expect(await s.next()).toEqual({ data: { notes: [] } });
    } finally {
      await c.dispose();
    }
  });

  it('holds at most WEBSOCKETS_MAX_SUBSCRIPTIONS operations per connection', async () => {
    const c = client(t, t.token);
    try {
      const held = [1, 2, 3].map(() => subscribe(c, 'subscription { notes_mutated { key } }'));
      await settle();
      const { error } = await subscribe(c, 'subscription { notes_mutated { key } }').done;
      expect(JSON.stringify(error)).toMatch(/LIMIT_EXCEEDED/);
      // The three held ones still hear changes.
      await t.api('POST', '/items/notes', { title: 'x' });
      for (const s of held) expect((await s.next()).data.notes_mutated.key).toBeTruthy();
    } finally {
      await c.dispose();
    }
  });

  it('closes a connection that floods it with messages (1008)', async () => {
    const r = await raw();
    r.send({ type: 'connection_init', payload: { access_token: t.token } });
    for (let i = 0; i < 500; i++) r.send({ type: 'ping' });
    expect((await r.closed).code).toBe(1008);
    // The host still answers.
    expect((await t.api('GET', '/server/ping')).status).toBe(200);
  });

  it('closes a connection that breaks the protocol (4400)', async () => {
    const r = await raw();
    r.ws.send('not json');
    expect((await r.closed).code).toBe(4400);
  });
});

describe('Directus’s websocket.* events on the GraphQL socket', () => {
  it('a trusted hook sees the connection, its authentication (and may decide it), its messages (a filter may rewrite them) and its close', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-gql-hooks-'));
    const hook = writeHook(
      root,
      'gql-events',
      '',
      `export default ({ filter, action }) => {
  const seen = (globalThis.__gqlEvents ??= []);
  for (const event of ['websocket.connect', 'websocket.auth.success', 'websocket.auth.failure', 'websocket.close'])
    action(event, ({ client }) => seen.push([event, client.uid, client.accountability.user]));
  action('websocket.message', ({ message }) => seen.push(['websocket.message', message.type]));
  filter('websocket.message', (message) =>
    message.type === 'subscribe' && message.payload.query === 'REWRITE ME'
      ? { ...message, payload: { query: '{ rewritten: notes { id } }' } }
      : message,
  );
  // Directus's custom authentication: an API key of the hook's own acts for an administrator.
  filter('websocket.authenticate', (accountability, meta) =>
    meta.message.access_token === 'api-key-123' ? { user: null, role: null, admin: true, app: false } : accountability,
  );
};
`,
    );
    const t = await startHost({ extensions: [hook], env: ENV });
    try {
      await createCollection(t, 'notes', { title: 'string' });
      const me = (await t.api('GET', '/users/me')).body.data.id;
      const seen = ((globalThis as { __gqlEvents?: unknown[][] }).__gqlEvents ??= []);
      const c = client(t, t.token);
      const s = subscribe(c, 'REWRITE ME');
      expect(await s.next()).toEqual({ data: { rewritten: [] } });
      await c.dispose();
      await new Promise((r) => setTimeout(r, 200));
      const uid = seen.find((e) => e[0] === 'websocket.connect')?.[1];
      expect(typeof uid).toBe('string');
      expect(seen).toEqual(
        expect.arrayContaining([
          ['websocket.connect', uid, null],
          ['websocket.message', 'connection_init'],
          ['websocket.auth.success', uid, me],
          ['websocket.message', 'subscribe'],
          ['websocket.close', uid, me],
        ]),
      );
      // The hook's key connects where a forged token does not.
      const keyed = client(t, 'api-key-123');
      expect(await subscribe(keyed, '{ notes { id } }').next()).toEqual({ data: { notes: [] } });
      await keyed.dispose();
      const forged = client(t, 'forged');
      await new Promise((r) => setTimeout(r, 300));
      await forged.dispose();
      expect(seen.some((e) => e[0] === 'websocket.auth.failure')).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('GraphQL socket modes', () => {
  it('strict mode refuses an upgrade without a token (401); WEBSOCKETS_GRAPHQL_ENABLED=false frees the path', async () => {
    const t = await startHost({ env: { ...ENV, WEBSOCKETS_GRAPHQL_AUTH: 'strict' } });
    try {
      expect(await upgradeStatus(`${t.url.replace('http', 'ws')}/graphql`)).toBe(401);
    } finally {
      await t.close();
    }
    const off = await startHost({ env: { ...ENV, WEBSOCKETS_GRAPHQL_ENABLED: 'false' } });
    try {
      expect(await upgradeStatus(`${off.url.replace('http', 'ws')}/graphql`)).toBe(404);
      expect(await upgradeStatus(`${off.url.replace('http', 'ws')}/websocket`)).toBe(101);
    } finally {
      await off.close();
    }
  });

  it('public mode lets a connection without a token follow what the public may read, and nothing else', async () => {
    const t = await startHost({ env: { ...ENV, WEBSOCKETS_GRAPHQL_AUTH: 'public' } });
    try {
      await createCollection(t, 'open_posts', { title: 'string' });
      await createCollection(t, 'closed_posts', { title: 'string' });
      await t.api('POST', '/permissions', { role: null, collection: 'open_posts', action: 'read', fields: '*' });
      const c = client(t, undefined);
      try {
        const open = subscribe(c, 'subscription { open_posts_mutated { key data { title } } }');
        const { error } = await subscribe(c, 'subscription { closed_posts_mutated { key } }').done;
        expect(JSON.stringify(error)).toMatch(/Cannot query field/);
        await settle();
        await t.api('POST', '/items/open_posts', { title: 'for all' });
        expect((await open.next()).data.open_posts_mutated.data).toEqual({ title: 'for all' });
      } finally {
        await c.dispose();
      }
    } finally {
      await t.close();
    }
  });
});
