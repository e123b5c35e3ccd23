import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { openGraphQLSocket, upgradeStatus } from '../helpers/realtime.js';

/*
 * Attacks on the GraphQL subscriptions socket (docs/realtime.md): oversized and long documents,
 * protocol abuse, connection exhaustion and a subscriber that stops reading. Each test fails if
 * the defence it names were missing.
 */
const ENV = {
  WEBSOCKETS_ENABLED: 'true',
  WEBSOCKETS_HEARTBEAT_ENABLED: 'false',
  WEBSOCKETS_MAX_MESSAGE_SIZE: '4096',
  WEBSOCKETS_MAX_BUFFERED: '65536',
  WEBSOCKETS_GRAPHQL_CONN_LIMIT: '4',
  GRAPHQL_QUERY_TOKEN_LIMIT: '200',
  WEBSOCKETS_MAX_PENDING: '20',
};

describe('attacks on the GraphQL socket', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost({ env: ENV });
    await createCollection(t, 'big', { body: 'text' });
  });
  afterAll(() => t?.close());

  /** An acknowledged raw `graphql-transport-ws` connection as the administrator. */
  async function connection() {
    const c = await openGraphQLSocket(t.url);
    c.send({ type: 'connection_init', payload: { access_token: t.token } });
    const until = Date.now() + 3000;
    while (!c.messages.some((m) => m.type === 'connection_ack') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(c.messages.some((m) => m.type === 'connection_ack')).toBe(true);
    return c;
  }
  const waitFor = async (check: () => boolean, ms = 3000) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return check();
  };

  it('a document past GRAPHQL_QUERY_TOKEN_LIMIT is refused before it runs; the connection stays usable', async () => {
    const c = await connection();
    const aliases = Array.from({ length: 120 }, (_, i) => `a${i}: big { id }`).join(' ');
    c.send({ id: 'long', type: 'subscribe', payload: { query: `{ ${aliases} }` } });
    expect(await waitFor(() => c.messages.some((m) => m.id === 'long' && m.type === 'error'))).toBe(true);
    expect(c.messages.find((m) => m.id === 'long').payload[0].message).toBe('Failed to parse GraphQL document.');
    c.send({ id: 'ok', type: 'subscribe', payload: { query: '{ big { id } }' } });
    expect(await waitFor(() => c.messages.some((m) => m.id === 'ok' && m.type === 'next'))).toBe(true);
    c.ws.close();
  });

  it('a frame over WEBSOCKETS_MAX_MESSAGE_SIZE closes the connection (1009)', async () => {
    const c = await connection();
    c.send({ id: 'huge', type: 'subscribe', payload: { query: `{ big { id } } # ${'x'.repeat(8000)}` } });
    expect((await c.closed).code).toBe(1009);
  });

  it('a second connection_init (4429) and a reused subscription id (4409) close the connection', async () => {
    const twice = await connection();
    twice.send({ type: 'connection_init', payload: { access_token: t.token } });
    expect((await twice.closed).code).toBe(4429);
    const reused = await connection();
    reused.send({ id: 's', type: 'subscribe', payload: { query: 'subscription { big_mutated { key } }' } });
    reused.send({ id: 's', type: 'subscribe', payload: { query: 'subscription { big_mutated { key } }' } });
    expect((await reused.closed).code).toBe(4409);
  });

  it('WEBSOCKETS_GRAPHQL_CONN_LIMIT bounds the connections (403 past it); a closed one frees its place', async () => {
    const open = await Promise.all([1, 2, 3, 4].map(() => connection()));
    expect(await upgradeStatus(`${t.url.replace('http', 'ws')}/graphql`)).toBe(403);
    open[0]!.ws.close();
    await open[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await connection();
    for (const c of [...open.slice(1), again]) c.ws.close();
    await Promise.all([...open.slice(1), again].map((c) => c.closed));
  });

  it('a subscriber that stops reading is not buffered for: its subscription waits, then ends WEBSOCKETS_MAX_PENDING changes behind', async () => {
    const c = await connection();
    c.send({
      id: 'big',
      type: 'subscribe',
      payload: { query: 'subscription { big_mutated { key data { id body } } }' },
    });
    await new Promise((r) => setTimeout(r, 150));
    const socket = (c.ws as unknown as { _socket: net.Socket })._socket;
    socket.pause();
    // Large items fill the kernel's buffers: the next send waits, and the subscription with it
    // (graphql-ws pulls the next event only when a send is done) ...
    const body = 'z'.repeat(200_000);
    for (let i = 0; i < 40; i++)
      expect((await t.api('POST', '/items/big', { body }, undefined, 10_000)).status).toBe(200);
    // ... while the changes it has not read pile up as keys, up to WEBSOCKETS_MAX_PENDING (20).
    for (let i = 0; i < 30; i++) await t.api('POST', '/items/big', { body: 'small' });
    expect((await t.api('GET', '/server/ping')).status).toBe(200);
    socket.resume();
    expect(await waitFor(() => c.messages.some((m) => m.id === 'big' && m.type === 'error'), 15_000)).toBe(true);
    const error = c.messages.find((m) => m.id === 'big' && m.type === 'error');
    expect(error.payload[0].extensions.code).toBe('LIMIT_EXCEEDED');
    // Not every change was sent: the subscriber was let go, not caught up at the host's expense.
    expect(c.messages.filter((m) => m.id === 'big' && m.type === 'next').length).toBeLessThan(70);
    c.ws.close();
  }, 60_000);
});
