import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase, PG_URL } from '../helpers/pg.js';

// Directus's count(field): the related items of a one-to-many, in fields and filters.
const vendors = [{ name: 'SQLite', pg: false }, ...(PG_URL ? [{ name: 'PostgreSQL', pg: true }] : [])];

describe.each(vendors)('count() on $name', ({ pg }) => {
  let t: TestHost;
  let db: { url: string; drop(): Promise<void> } | undefined;
  const get = (query: string, token?: string) => t.api('GET', `/items/authors?${query}`, undefined, token);
  beforeAll(async () => {
    db = pg ? await createTestDatabase('annex_count') : undefined;
    t = await startHost(db ? { env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url } } : {});
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'posts', {
      title: 'string',
      status: 'string',
      author: { type: 'integer', related_collection: 'authors' },
    });
    const o2m = { type: 'alias', meta: { special: ['o2m'] } };
    expect(
      (await t.api('POST', '/fields/authors', { field: 'posts', related_collection: 'posts', ...o2m })).status,
    ).toBe(200);
    // A collection related to itself: categories and their children.
    await createCollection(t, 'categories', {
      label: 'string',
      parent: { type: 'integer', related_collection: 'categories' },
    });
    expect(
      (await t.api('POST', '/fields/categories', { field: 'children', related_collection: 'categories', ...o2m }))
        .status,
    ).toBe(200);
    const [ana, bo] = (await t.api('POST', '/items/authors', [{ name: 'Ana' }, { name: 'Bo' }, { name: 'Cy' }])).body
      .data;
    await t.api('POST', '/items/posts', [
      { title: 'a1', status: 'published', author: ana.id },
      { title: 'a2', status: 'draft', author: ana.id },
      { title: 'a3', status: 'published', author: ana.id },
      { title: 'b1', status: 'published', author: bo.id },
    ]);
    const root = (await t.api('POST', '/items/categories', { label: 'root' })).body.data.id;
    await t.api('POST', '/items/categories', [
      { label: 'x', parent: root },
      { label: 'y', parent: root },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('reads count(field) as <field>_count beside other fields', async () => {
    const res = await get('fields=name,count(posts)&sort=name');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([
      { name: 'Ana', posts_count: 3 },
      { name: 'Bo', posts_count: 1 },
      { name: 'Cy', posts_count: 0 },
    ]);
    const gql = await t.api('POST', '/graphql', { query: '{ authors(sort: ["name"]) { name posts_func { count } } }' });
    expect(gql.body.data.authors.map((a: any) => a.posts_func.count)).toEqual([3, 1, 0]);
    const self = await t.api('GET', '/items/categories?fields=label,count(children)&sort=label');
    expect(self.body.data).toEqual([
      { label: 'root', children_count: 2 },
      { label: 'x', children_count: 0 },
      { label: 'y', children_count: 0 },
    ]);
  });

  it('sorts by count(field) and by a date part', async () => {
    const res = await get('fields=name&sort=-count(posts),name');
    expect(res.body.data.map((a: { name: string }) => a.name)).toEqual(['Ana', 'Bo', 'Cy']);
    const asc = await get('fields=name&sort=count(posts),name');
    expect(asc.body.data.map((a: { name: string }) => a.name)).toEqual(['Cy', 'Bo', 'Ana']);
  });

  it('filters by count(field), in a group too', async () => {
    const names = async (filter: object) =>
      (await get(`fields=name&sort=name&filter=${encodeURIComponent(JSON.stringify(filter))}`)).body.data.map(
        (a: { name: string }) => a.name,
      );
    expect(await names({ 'count(posts)': { _gte: 1 } })).toEqual(['Ana', 'Bo']);
    expect(await names({ 'count(posts)': { _eq: 0 } })).toEqual(['Cy']);
    expect(await names({ _or: [{ 'count(posts)': { _gt: 2 } }, { name: { _eq: 'Cy' } }] })).toEqual(['Ana', 'Cy']);
    const self = await t.api('GET', `/items/categories?fields=label&filter[count(children)][_gt]=0`);
    expect(self.body.data).toEqual([{ label: 'root' }]);
  });

  it("counts only the related items the caller may read, and needs the one-to-many and the related collection's key", async () => {
    const reader = await createUser(t, 'count-reader', [
      { collection: 'authors', action: 'read', fields: '*' },
      { collection: 'posts', action: 'read', fields: '*', permissions: { status: { _eq: 'published' } } },
    ]);
    const res = await get('fields=name,count(posts)&sort=name', reader.token);
    expect(res.body.data.map((a: any) => a.posts_count)).toEqual([2, 1, 0]);
    const two = await get(`fields=name&filter=${encodeURIComponent('{"count(posts)":{"_gte":3}}')}`, reader.token);
    expect(two.body.data).toEqual([]);

    // Without read on posts, or without the posts field, or without the foreign key: refused, not zero.
    const noPosts = await createUser(t, 'count-noposts', [{ collection: 'authors', action: 'read', fields: '*' }]);
    expect((await get('fields=name,count(posts)', noPosts.token)).status).toBe(403);
    // `*` covers what the caller may read: the one-to-many to an unreadable collection is left out; named, it is refused.
    const all = await get('sort=name', noPosts.token);
    expect(all.status).toBe(200);
    expect(all.body.data[0]).toEqual({ id: expect.any(Number), name: 'Ana' });
    expect((await get('fields=name,posts', noPosts.token)).status).toBe(403);
    expect((await get(`filter=${encodeURIComponent('{"count(posts)":{"_gt":0}}')}`, noPosts.token)).status).toBe(403);
    const noAlias = await createUser(t, 'count-noalias', [
      { collection: 'authors', action: 'read', fields: 'id,name' },
      { collection: 'posts', action: 'read', fields: '*' },
    ]);
    expect((await get('fields=name,count(posts)', noAlias.token)).status).toBe(403);
    const noKey = await createUser(t, 'count-nokey', [
      { collection: 'authors', action: 'read', fields: '*' },
      { collection: 'posts', action: 'read', fields: 'id,title' },
    ]);
    expect((await get('fields=name,count(posts)', noKey.token)).status).toBe(403);
  });

  it('takes count() in a permission rule: a role that reads only the authors who wrote something', async () => {
    const writersOnly = await createUser(t, 'count-rule', [
      { collection: 'authors', action: 'read', fields: '*', permissions: { 'count(posts)': { _gt: 0 } } },
      { collection: 'posts', action: 'read', fields: '*' },
    ]);
    const res = await get('fields=name&sort=name', writersOnly.token);
    expect(res.body.data.map((a: { name: string }) => a.name)).toEqual(['Ana', 'Bo']);
  });

  it('refuses count() of a field that is no one-to-many, with a coded error', async () => {
    for (const q of [
      'fields=count(name)',
      `filter=${encodeURIComponent('{"count(name)":{"_gt":0}}')}`,
      'groupBy=count(posts)&aggregate[count]=*',
    ]) {
      const res = await get(q);
      expect([q, res.body.errors?.[0]?.extensions?.code]).toEqual([q, 'INVALID_QUERY']);
    }
  });
});
