import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase } from '../helpers/pg.js';
import { PG_MISSING, skipWithout } from '../helpers/requires.js';

describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))('the same host on PostgreSQL', () => {
  let t: TestHost;
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('annex_host');
    t = await startHost({
      extensions: ['extensions/annex-sample-bundle'],
      env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url },
    });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('runs items CRUD, queries, aggregates and permissions', async () => {
    await createCollection(t, 'cities', { name: 'string', population: 'integer', capital: 'boolean', info: 'json' });
    const created = await t.api('POST', '/items/cities', [
      { name: 'Lisbon', population: 545000, capital: true, info: { river: 'Tagus' } },
      { name: 'Porto', population: 232000, capital: false },
    ]);
    expect(created.body.data.map((c: any) => c.name)).toEqual(['Lisbon', 'Porto']);
    expect(created.body.data[0].info).toEqual({ river: 'Tagus' });
    const q = await t.api(
      'GET',
      `/items/cities?filter=${encodeURIComponent('{"capital":{"_eq":true}}')}&fields=name&meta=filter_count`,
    );
    expect(q.body).toEqual({ data: [{ name: 'Lisbon' }], meta: { filter_count: 1 } });
    const agg = await t.api('GET', '/items/cities?aggregate[sum]=population');
    expect(agg.body.data[0].sum.population).toBe(777000);
    const search = await t.api('GET', '/items/cities?search=ORT&fields=name');
    expect(search.body.data).toEqual([{ name: 'Porto' }]);
    const user = await createUser(t, 'pgreader', [{ collection: 'cities', action: 'read' }]);
    expect((await t.api('GET', '/items/cities', undefined, user.token)).status).toBe(200);
    expect((await t.api('POST', '/items/cities', { name: 'x' }, user.token)).status).toBe(403);
    const dup = await t.api('POST', '/users', { email: 'pgreader@example.com' });
    expect(dup.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
  });

  it('runs hooks and keeps extension settings across a restart', async () => {
    const shouted = await t.api('POST', '/items/cities', { name: 'shout:x' });
    expect(shouted.status).toBe(200);
    const bundle = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-bundle',
    );
    await t.api('PATCH', `/extensions/${bundle.id}`, { meta: { enabled: false } });
    t = await t.restart();
    expect((await t.api('GET', '/audit-log')).status).toBe(404);
    await t.api('PATCH', `/extensions/${bundle.id}`, { meta: { enabled: true } });
    expect((await t.api('GET', '/audit-log')).status).toBe(200);
  });

  it('keeps field groups and a project field on directus_users (a column named "group" included)', async () => {
    const group = { type: 'alias', meta: { special: ['alias', 'no-data', 'group'], interface: 'group-detail' } };
    await createCollection(t, 'pg_grouped', {
      outer: group,
      body: { type: 'text', meta: { group: 'outer', conditions: [{ rule: { body: { _eq: 'x' } }, readonly: true }] } },
    });
    const body = (await t.api('GET', '/fields/pg_grouped/body')).body.data.meta;
    expect(body).toMatchObject({ group: 'outer', conditions: [{ rule: { body: { _eq: 'x' } }, readonly: true }] });
    expect((await t.api('DELETE', '/fields/pg_grouped/outer')).status).toBeLessThan(300);
    expect((await t.api('GET', '/fields/pg_grouped/body')).body.data.meta.group).toBeNull();
    expect((await t.api('POST', '/fields/directus_users', { field: 'nickname', type: 'string' })).status).toBe(200);
    const me = (await t.api('GET', '/users/me')).body.data.id;
    expect((await t.api('PATCH', `/users/${me}`, { nickname: 'ada' })).status).toBe(200);
    expect((await t.api('GET', `/users/${me}`)).body.data.nickname).toBe('ada');
  });

  it("applies a SQLite host's schema snapshot (forced across vendors) in one transaction, and a failing one not at all", async () => {
    const source = await startHost();
    let snapshot: any;
    try {
      await createCollection(source, 'pg_authors', { name: 'string' });
      await createCollection(source, 'pg_books', {
        title: { type: 'string', meta: { note: 'Title' } },
        author: { type: 'integer', related_collection: 'pg_authors' },
      });
      snapshot = (await source.api('GET', '/schema/snapshot')).body.data;
    } finally {
      await source.close();
    }
    expect(snapshot.vendor).toBe('sqlite');
    const before = (await t.api('GET', '/schema/snapshot')).body.data;
    expect(before.vendor).toBe('postgres');
    // What this host has and the snapshot does not would be deleted: keep it by adding it to the snapshot.
    const wanted = {
      ...snapshot,
      collections: [...before.collections, ...snapshot.collections],
      fields: [...before.fields, ...snapshot.fields],
      relations: [...before.relations, ...snapshot.relations],
    };
    expect((await t.api('POST', '/schema/diff', wanted)).status).toBe(400);
    const { hash, diff } = (await t.api('POST', '/schema/diff?force', wanted)).body.data;
    // A failing field at the end: the transaction is rolled back on PostgreSQL too.
    const failing = structuredClone(diff);
    failing.fields.push({
      collection: 'cities',
      field: 'strict',
      diff: [
        {
          kind: 'N',
          rhs: { collection: 'cities', field: 'strict', type: 'string', meta: {}, schema: { is_nullable: false } },
        },
      ],
    });
    expect((await t.api('POST', '/schema/apply', { hash, diff: failing })).status).toBe(400);
    expect((await t.api('GET', '/collections/pg_books')).status).toBe(403);
    expect((await t.api('POST', '/schema/apply', { hash, diff })).status).toBe(204);
    expect((await t.api('POST', '/schema/diff?force', wanted)).status).toBe(204);
    const author = (await t.api('POST', '/items/pg_authors', { name: 'Ada' })).body.data.id;
    expect((await t.api('POST', '/items/pg_books', { title: 'Notes', author })).status).toBe(200);
    const read = await t.api('GET', '/items/pg_books?fields=title,author.name');
    expect(read.body.data).toEqual([{ title: 'Notes', author: { name: 'Ada' } }]);
  });
});
