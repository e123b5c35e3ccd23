import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { openAuthenticated, openSocket } from '../helpers/realtime.js';

let t: TestHost;
let reader: { token: string; userId: string };
beforeAll(async () => {
  t = await startHost({
    env: {
      WEBSOCKETS_ENABLED: 'true',
      WEBSOCKETS_HEARTBEAT_ENABLED: 'false',
      WEBSOCKETS_RATE_LIMIT: '20',
      WEBSOCKETS_MAX_BUFFERED: '65536',
    },
  });
  await createCollection(t, 'posts', { title: 'string', status: 'string', secret: 'string' });
  await createCollection(t, 'big', { body: 'text' });
  reader = await createUser(t, 'rd', [
    { collection: 'posts', action: 'read', permissions: { status: { _eq: 'published' } }, fields: 'id,title,status' },
  ]);
});
afterAll(() => t?.close());

describe('explore', () => {
  it('item delete oracle', async () => {
    const draft = (await t.api('POST', '/items/posts', { title: 'd', status: 'draft', secret: 'x' })).body.data;
    const s = await openAuthenticated(t.url, reader.token);
    s.send({ type: 'subscribe', collection: 'posts', uid: 'i', item: draft.id, event: 'delete' });
    console.log(JSON.stringify(await s.next()));
    s.send({ type: 'subscribe', collection: 'posts', uid: 'j', item: draft.id, event: 'update' });
    console.log(JSON.stringify(await s.next()));
    s.send({ type: 'subscribe', collection: 'posts', uid: 'k', item: 99999, event: 'delete' });
    console.log(JSON.stringify(await s.next()));
    await t.api('PATCH', `/items/posts/${draft.id}`, { title: 'd2' });
    await t.api('DELETE', `/items/posts/${draft.id}`);
    await new Promise((r) => setTimeout(r, 500));
    console.log('pending', JSON.stringify(s.pending));
    s.close();
  });
  it('flood', async () => {
    const s = await openAuthenticated(t.url, t.token);
    for (let i = 0; i < 400; i++) s.send({ type: 'ping', uid: i });
    const c = await s.closed;
    const pongs = s.pending.filter((m) => m.type === 'pong').length;
    const ex = s.pending.filter((m) => m.error?.code === 'REQUESTS_EXCEEDED').length;
    console.log('flood', c, pongs, ex, s.pending.length);
  });
  it('slow', async () => {
    const s = await openAuthenticated(t.url, t.token);
    s.send({ type: 'subscribe', collection: 'big', uid: 'b' });
    await s.next();
    let closed = false;
    s.closed.then(() => (closed = true));
    (s.ws as any)._socket.pause();
    const body = 'x'.repeat(200_000);
    const start = Date.now();
    for (let i = 0; i < 60; i++) {
      const r = await t.api('POST', '/items/big', { body });
      if (r.status !== 200) console.log(r.status);
    }
    console.log('created in', Date.now() - start, 'closed?', closed, process.memoryUsage().rss / 1e6);
    const p = Date.now();
    console.log((await t.api('GET', '/server/ping')).status, Date.now() - p);
    await new Promise((r) => setTimeout(r, 1000));
    console.log('closed?', closed);
    (s.ws as any)._socket.resume();
    const c = await s.closed;
    console.log('closed', c, s.pending.length, Date.now() - start);
  }, 60000);
});
