import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

/**
 * A create answers with the new item as the caller reads it. The insert's RETURNING row stands in
 * for the read-back query when only the key is asked for and the read permission has no item
 * filter (host/src/services/created-row.ts); otherwise the item is read from the database.
 */
describe('POST /items answers with the item as read back', () => {
  let t: TestHost;
  const selects: string[] = [];
  const onQuery = (q: { sql: string }) => {
    if (/^select .* from [`"]notes[`"]/i.test(q.sql)) selects.push(q.sql);
  };
  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'notes', {
      text: 'string',
      flag: { type: 'boolean', schema: { default_value: true } },
      count: { type: 'integer', schema: { default_value: 5 } },
      tags: 'json',
    });
    t.host.knex.on('query', onQuery);
  });
  afterAll(() => {
    t?.host.knex.off('query', onQuery);
    return t?.close();
  });

  it('as an admin: the same item a GET returns (defaults, casts), without a second read', async () => {
    selects.length = 0;
    const res = await t.api('POST', '/items/notes', { text: 'a', tags: ['x', 1] });
    expect(res.status).toBe(200);
    expect(selects).toEqual([]);
    const read = await t.api('GET', `/items/notes/${res.body.data.id}`);
    expect(res.body.data).toEqual(read.body.data);
    expect(res.body.data).toMatchObject({ text: 'a', flag: true, count: 5, tags: ['x', 1] });
  });

  it('asked for fields: only those', async () => {
    const res = await t.api('POST', '/items/notes?fields=id,count', { text: 'b' });
    expect(Object.keys(res.body.data).sort()).toEqual(['count', 'id']);
  });

  it('a read permission with an item filter is applied by reading from the database', async () => {
    const u = await createUser(t, 'filtered', [
      { collection: 'notes', action: 'create' },
      { collection: 'notes', action: 'read', permissions: { text: { _eq: 'mine' } } },
    ]);
    selects.length = 0;
    const hidden = await t.api('POST', '/items/notes', { text: 'other' }, u.token);
    expect(hidden.status).toBe(204);
    const shown = await t.api('POST', '/items/notes', { text: 'mine' }, u.token);
    expect(shown.status).toBe(200);
    expect(shown.body.data.text).toBe('mine');
    expect(selects).toHaveLength(2);
  });

  it('a read permission limited to fields shows only those', async () => {
    const u = await createUser(t, 'narrow', [
      { collection: 'notes', action: 'create' },
      { collection: 'notes', action: 'read', fields: 'id,text' },
    ]);
    const res = await t.api('POST', '/items/notes', { text: 'n', count: 9 }, u.token);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: res.body.data.id, text: 'n' });
  });
});
