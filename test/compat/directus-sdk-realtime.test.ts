import {
  authentication,
  createDirectus,
  createItem,
  deleteItem,
  realtime,
  rest,
  staticToken,
  updateItem,
} from '@directus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';

// Directus's own client, unchanged, against Annex's realtime API: its handshake, its heartbeat
// replies, its subscriptions (async generators matched by uid) and its raw messages.
type Schema = { notes: { id: number; title: string }[] };

let t: TestHost;
beforeAll(async () => {
  t = await startHost({ env: { WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_HEARTBEAT_PERIOD: '1' } });
  await createCollection(t, 'notes', { title: 'string' });
});
afterAll(() => t?.close());

/** Takes the generator's next message within `ms`. */
async function next<T>(it: AsyncGenerator<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
  });
  try {
    const { value } = await Promise.race([it.next(), timeout]);
    return value as T;
  } finally {
    clearTimeout(timer);
  }
}

describe('@directus/sdk realtime() against Annex', () => {
  it('logs in, connects with the handshake, and follows a collection through REST changes', async () => {
    const client = createDirectus<Schema>(t.url, { globals: { WebSocket: WebSocket as never } })
      .with(authentication('json'))
      .with(rest())
      .with(realtime({ reconnect: false }));
    await client.login('admin@example.com', 'admin-password');
    await client.connect();
    try {
      const { subscription, unsubscribe } = await client.subscribe('notes', {
        query: { fields: ['id', 'title'] },
      });
      expect(await next(subscription)).toMatchObject({ type: 'subscription', event: 'init', data: [] });
      const created = await client.request(createItem('notes', { title: 'from the sdk' }));
      expect(await next(subscription)).toMatchObject({
        event: 'create',
        data: [{ id: created.id, title: 'from the sdk' }],
      });
      await client.request(updateItem('notes', created.id, { title: 'edited' }));
      expect(await next(subscription)).toMatchObject({ event: 'update', data: [{ id: created.id, title: 'edited' }] });
      // Beats of one second: the SDK answers the pings, so the connection outlives several.
      await new Promise((r) => setTimeout(r, 2500));
      await client.request(deleteItem('notes', created.id));
      expect(await next(subscription)).toMatchObject({ event: 'delete', data: [created.id] });
      unsubscribe();
    } finally {
      client.disconnect();
    }
  });

  it('strict mode: a static token goes in the address; raw items messages answer with their uid', async () => {
    const strict = await startHost({ env: { WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_REST_AUTH: 'strict' } });
    try {
      await createCollection(strict, 'notes', { title: 'string' });
      const client = createDirectus<Schema>(strict.url, { globals: { WebSocket: WebSocket as never } })
        .with(staticToken(strict.token))
        .with(realtime({ authMode: 'strict', reconnect: false }));
      await client.connect();
      const answers: Record<string, unknown>[] = [];
      const off = client.onWebSocket('message', (m: Record<string, unknown>) => void answers.push(m));
      client.sendMessage({ type: 'items', collection: 'notes', action: 'create', data: { title: 'raw' } });
      const until = Date.now() + 5000;
      while (!answers.some((m) => m.type === 'items') && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      // The SDK numbers its messages; the answer carries the same uid.
      expect(answers.find((m) => m.type === 'items')).toMatchObject({
        type: 'items',
        data: { title: 'raw' },
        uid: expect.any(String),
      });
      off();
      client.disconnect();
    } finally {
      await strict.close();
    }
  });
});
