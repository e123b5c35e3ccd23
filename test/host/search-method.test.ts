import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

/** Directus's SEARCH method: the query (or keys) in the body, same answers and permissions as GET. */
describe('SEARCH /items/:collection and the system collections', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'books', { title: 'string', pages: 'integer' });
    await t.api('POST', '/items/books', [
      { title: 'Dune', pages: 412 },
      { title: 'Emma', pages: 320 },
      { title: 'Ulysses', pages: 730 },
    ]);
  });
  afterAll(async () => t?.close());

  it('answers the query in the body as GET answers it in the URL', async () => {
    const query = { filter: { pages: { _gt: 400 } }, fields: ['title'], sort: ['-pages'], meta: 'filter_count' };
    const res = await t.api('SEARCH', '/items/books', { query });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [{ title: 'Ulysses' }, { title: 'Dune' }], meta: { filter_count: 2 } });
    const get = await t.api(
      'GET',
      `/items/books?filter=${encodeURIComponent(JSON.stringify(query.filter))}&fields=title&sort=-pages&meta=filter_count`,
    );
    expect(get.body).toEqual(res.body);
    // Keys, as Directus takes them.
    expect((await t.api('SEARCH', '/items/books', { keys: [1, 3], query: { fields: ['title'] } })).body.data).toEqual([
      { title: 'Dune' },
      { title: 'Ulysses' },
    ]);
    expect((await t.api('SEARCH', '/users', { query: { fields: ['email'] } })).body.data).toHaveLength(1);
  });

  it('keeps permissions and refuses a bad query with a coded error', async () => {
    const { token } = await createUser(t, 'short', [
      { collection: 'books', action: 'read', permissions: { pages: { _lt: 400 } }, fields: 'title' },
    ]);
    expect((await t.api('SEARCH', '/items/books', { query: { fields: ['title'] } }, token)).body.data).toEqual([
      { title: 'Emma' },
    ]);
    expect((await t.api('SEARCH', '/items/books', {}, null)).status).toBe(403);
    const bad = await t.api('SEARCH', '/items/books', { query: 'pages > 1' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await t.api('SEARCH', '/items/books', { query: { filter: { pages: { _bogus: 1 } } } })).status).toBe(400);
  });
});
