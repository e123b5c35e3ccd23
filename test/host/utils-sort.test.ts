import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTUS_EVENTS } from '../../host/src/events/directus-events.js';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { eventually, writeHook } from '../helpers/write-extension.js';

type Seen = { event: string; meta: Record<string, unknown>; admin: unknown };
const seen = (): Seen[] => ((globalThis as { __sortEvents?: Seen[] }).__sortEvents ??= []);

let t: TestHost;
beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-sort-'));
  writeHook(
    root,
    'sort-recorder',
    '',
    `export default ({ action }) => {
  for (const e of ['items.sort', 'tasks.items.sort']) action(e, (meta, ctx) => { (globalThis.__sortEvents ??= []).push({ event: e, meta, admin: ctx?.accountability?.admin }); });
};
`,
  );
  t = await startHost({ extensions: [path.join(root, 'sort-recorder')] });
  const created = await t.api('POST', '/collections', {
    collection: 'tasks',
    meta: { sort_field: 'sort' },
    fields: [
      { field: 'title', type: 'string' },
      { field: 'sort', type: 'integer' },
    ],
  });
  expect(created.status).toBe(200);
  await createCollection(t, 'plain', { title: 'string' });
  const textSort = await t.api('POST', '/collections', {
    collection: 'labels',
    meta: { sort_field: 'rank' },
    fields: [{ field: 'rank', type: 'string' }],
  });
  expect(textSort.status).toBe(200);
});
afterAll(() => t?.close());

/** Puts tasks a..e in order 1..5 and returns their ids by title. */
async function seed(): Promise<Record<string, number>> {
  const old = (await t.api('GET', '/items/tasks?fields=id&limit=-1')).body.data.map((r: { id: number }) => r.id);
  if (old.length) expect((await t.api('DELETE', '/items/tasks', old)).status).toBe(204);
  const rows = (
    await t.api(
      'POST',
      '/items/tasks',
      ['a', 'b', 'c', 'd', 'e'].map((title, i) => ({ title, sort: i + 1 })),
    )
  ).body.data;
  return Object.fromEntries(rows.map((r: { id: number; title: string }) => [r.title, r.id]));
}

const order = async () =>
  (await t.api('GET', '/items/tasks?fields=title,sort&sort=sort&limit=-1')).body.data as {
    title: string;
    sort: number;
  }[];
const titles = async () => (await order()).map((r) => r.title).join('');

describe('POST /utils/sort/:collection', () => {
  it('moves an item down to the place of another, shifting the rows between up', async () => {
    const id = await seed();
    const res = await t.api('POST', '/utils/sort/tasks', { item: id.b, to: id.d });
    expect(res.status).toBe(204);
    expect(await order()).toEqual([
      { title: 'a', sort: 1 },
      { title: 'c', sort: 2 },
      { title: 'd', sort: 3 },
      { title: 'b', sort: 4 },
      { title: 'e', sort: 5 },
    ]);
  });

  it('moves an item up, shifting the rows between down; string keys as the app sends them work too', async () => {
    const id = await seed();
    expect((await t.api('POST', '/utils/sort/tasks', { item: String(id.e), to: String(id.b) })).status).toBe(204);
    expect(await order()).toEqual([
      { title: 'a', sort: 1 },
      { title: 'e', sort: 2 },
      { title: 'b', sort: 3 },
      { title: 'c', sort: 4 },
      { title: 'd', sort: 5 },
    ]);
  });

  it('numbers rows without a sort value (last) and duplicates before moving', async () => {
    const id = await seed();
    expect((await t.api('PATCH', '/items/tasks', { keys: [id.a, id.b], data: { sort: 1 } })).status).toBe(200);
    expect((await t.api('PATCH', `/items/tasks/${id.c}`, { sort: null })).status).toBe(200);
    expect((await t.api('POST', '/utils/sort/tasks', { item: id.c, to: id.a })).status).toBe(204);
    // Renumbered: a1 b2 d4 e5 c6 (null last) → c takes a's place.
    expect(await order()).toEqual([
      { title: 'c', sort: 1 },
      { title: 'a', sort: 2 },
      { title: 'b', sort: 3 },
      { title: 'd', sort: 4 },
      { title: 'e', sort: 5 },
    ]);
  });

  it('answers INVALID_PAYLOAD for a collection without a sort field or a bad body, changing nothing', async () => {
    const id = await seed();
    const plain = (await t.api('POST', '/items/plain', [{ title: 'x' }, { title: 'y' }])).body.data;
    const noSort = await t.api('POST', '/utils/sort/plain', { item: plain[0].id, to: plain[1].id });
    expect(noSort.status).toBe(400);
    expect(noSort.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const labels = (await t.api('POST', '/items/labels', [{ rank: 'b' }, { rank: 'a' }])).body.data;
    const textField = await t.api('POST', '/utils/sort/labels', { item: labels[0].id, to: labels[1].id });
    expect(textField.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', '/items/labels?fields=rank&sort=id')).body.data).toEqual([{ rank: 'b' }, { rank: 'a' }]);
    for (const body of [{ item: id.a }, { item: { x: 1 }, to: id.b }, [], 'nope']) {
      const bad = await t.api('POST', '/utils/sort/tasks', body);
      expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    }
    expect(await titles()).toBe('abcde');
  });

  it('answers FORBIDDEN for an unknown item or collection, changing nothing', async () => {
    const id = await seed();
    const unknown = await t.api('POST', '/utils/sort/tasks', { item: 999999, to: id.a });
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.api('POST', '/utils/sort/tasks', { item: id.a, to: 999999 })).body.errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.api('POST', '/utils/sort/nowhere', { item: 1, to: 2 })).body.errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );
    expect(await titles()).toBe('abcde');
  });

  it('needs update permission on the collection including the sort field', async () => {
    const id = await seed();
    const reader = await createUser(t, 'sort-reader', [{ collection: 'tasks', action: 'read' }]);
    const titleOnly = await createUser(t, 'sort-titles', [{ collection: 'tasks', action: 'update', fields: 'title' }]);
    const sorter = await createUser(t, 'sort-sorter', [{ collection: 'tasks', action: 'update', fields: 'sort' }]);
    for (const tok of [reader.token, titleOnly.token, null]) {
      const denied = await t.api('POST', '/utils/sort/tasks', { item: id.a, to: id.c }, tok);
      expect(denied.status).toBe(403);
      expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect(await titles()).toBe('abcde');
    // Positive control: the same call with update on the sort field moves the item.
    expect((await t.api('POST', '/utils/sort/tasks', { item: id.a, to: id.c }, sorter.token)).status).toBe(204);
    expect(await titles()).toBe('bcade');
  });

  it("emits items.sort and <collection>.items.sort with Directus's meta to action hooks", async () => {
    expect(DIRECTUS_EVENTS.find((e) => e.name === 'items.sort' && e.kind === 'action')?.emitted).toBe(true);
    const id = await seed();
    seen().length = 0;
    expect((await t.api('POST', '/utils/sort/tasks', { item: id.d, to: id.a })).status).toBe(204);
    const got = await eventually(
      async () => seen(),
      (s) => s.length >= 2,
    );
    expect(got.map((s) => s.event).sort()).toEqual(['items.sort', 'tasks.items.sort']);
    for (const s of got) {
      // Directus's emitter adds the event name to the meta.
      expect(s.meta).toEqual({ event: s.event, collection: 'tasks', item: id.d, to: id.a });
      expect(s.admin).toBe(true);
    }
  });
});
