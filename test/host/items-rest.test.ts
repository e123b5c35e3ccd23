import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
beforeAll(async () => {
  t = await startHost();
  await createCollection(t, 'articles', {
    title: 'string',
    views: 'integer',
    published: 'boolean',
    tags: 'json',
    owner: 'uuid',
  });
});
afterAll(() => t.close());

describe('items over REST', () => {
  it('creates, reads, updates and deletes', async () => {
    const created = await t.api('POST', '/items/articles', {
      title: 'Hello',
      views: 3,
      published: true,
      tags: ['a', 'b'],
    });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ title: 'Hello', views: 3, published: true, tags: ['a', 'b'] });
    const id = created.body.data.id;
    expect((await t.api('GET', `/items/articles/${id}`)).body.data.title).toBe('Hello');
    const patched = await t.api('PATCH', `/items/articles/${id}`, { views: 4 });
    expect(patched.body.data.views).toBe(4);
    expect((await t.api('DELETE', `/items/articles/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/items/articles/${id}`)).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers the Directus query shape: fields, filter, sort, limit, offset, search, meta', async () => {
    await t.api('POST', '/items/articles', [
      { title: 'alpha', views: 10 },
      { title: 'beta', views: 20 },
      { title: 'gamma', views: 30 },
      { title: 'delta', views: 40 },
    ]);
    const q = encodeURIComponent(JSON.stringify({ views: { _gte: 20 } }));
    const res = await t.api(
      'GET',
      `/items/articles?filter=${q}&sort=-views&limit=2&offset=1&fields=title,views&meta=total_count,filter_count`,
    );
    expect(res.body.data).toEqual([
      { title: 'gamma', views: 30 },
      { title: 'beta', views: 20 },
    ]);
    expect(res.body.meta.filter_count).toBe(3);
    expect(res.body.meta.total_count).toBeGreaterThanOrEqual(4);
    const brackets = await t.api('GET', '/items/articles?filter[title][_in]=alpha,delta&fields=title&sort=title');
    expect(brackets.body.data.map((r: any) => r.title)).toEqual(['alpha', 'delta']);
    const search = await t.api('GET', '/items/articles?search=AMM&fields=title');
    expect(search.body.data).toEqual([{ title: 'gamma' }]);
    const or = await t.api(
      'GET',
      `/items/articles?fields=title&sort=title&filter=${encodeURIComponent(JSON.stringify({ _or: [{ title: { _starts_with: 'al' } }, { views: { _between: [35, 45] } }] }))}`,
    );
    expect(or.body.data.map((r: any) => r.title)).toEqual(['alpha', 'delta']);
    const agg = await t.api('GET', '/items/articles?aggregate[sum]=views&aggregate[count]=*');
    expect(agg.body.data[0].sum.views).toBeGreaterThanOrEqual(100);
    // Directus's shapes: `count` of `*` alone and `countAll` flat, a count of fields under `count`.
    const total = (await t.api('GET', '/items/articles?aggregate[count]=id')).body.data[0].count.id as number;
    expect(agg.body.data[0].count).toBe(total);
    expect((await t.api('GET', '/items/articles?aggregate[countAll]=*')).body.data).toEqual([{ countAll: total }]);
    expect((await t.api('GET', '/items/articles?aggregate[count]=*,id')).body.data).toEqual([
      { count: { '*': total, id: total } },
    ]);
    // Grouped, sorted by the flat count (seed tools do `sort: ['-count']`).
    const grouped = await t.api('GET', '/items/articles?groupBy=views&aggregate[count]=*&sort=-count,views&limit=2');
    expect(grouped.status, JSON.stringify(grouped.body)).toBe(200);
    expect(grouped.body.data.every((r: { count: unknown }) => typeof r.count === 'number')).toBe(true);
  });

  it('refuses a filter nested past 100 levels with INVALID_QUERY, and answers one within it', async () => {
    const nested = (levels: number) =>
      encodeURIComponent(`${'{"_and":['.repeat(levels)}{"title":{"_eq":"alpha"}}${']}'.repeat(levels)}`);
    const within = await t.api('GET', `/items/articles?fields=title&filter=${nested(90)}`);
    expect(within.status).toBe(200);
    expect(within.body.data.map((a: { title: string }) => a.title)).toEqual(['alpha']);
    const past = await t.api('GET', `/items/articles?fields=title&filter=${nested(150)}`);
    expect(past.status).toBe(400);
    expect(past.body.errors[0].extensions.code).toBe('INVALID_QUERY');
  });

  it('rejects bad input with Directus codes and changes nothing', async () => {
    const before = (await t.api('GET', '/items/articles?aggregate[count]=*')).body.data[0].count;
    const malformed = await t.api('POST', '/items/articles', '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', '/items/nope')).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const badFilter = await t.api('GET', `/items/articles?filter=${encodeURIComponent('{"nope":{"_eq":1}}')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].extensions.code).toBe('INVALID_QUERY');
    const badOp = await t.api('GET', `/items/articles?filter=${encodeURIComponent('{"title":{"_regexp":1}}')}`);
    expect(badOp.body.errors[0].extensions.code).toBe('INVALID_QUERY');
    const wrongType = await t.api('POST', '/items/articles', { views: 'many' });
    expect(wrongType.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const unknownField = await t.api('POST', '/items/articles', { colour: 'red' });
    expect(unknownField.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const proto = await t.api('GET', '/items/articles?filter[__proto__][x]=1');
    expect(proto.body.errors[0].extensions.code).toBe('INVALID_QUERY');
    expect((await t.api('GET', '/items/articles?aggregate[count]=*')).body.data[0].count).toBe(before);
    expect((await t.api('GET', '/nowhere')).body.errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.api('GET', '/items/directus_users')).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('enforces collection permissions per role and public access', async () => {
    await createCollection(t, 'notes', { body: 'text', secret: 'string' });
    await t.api('POST', '/items/notes', { body: 'hello', secret: 's1' });
    const reader = await createUser(t, 'reader', [{ collection: 'notes', action: 'read', fields: 'id,body' }]);
    expect((await t.api('GET', '/items/notes', undefined, null)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const read = await t.api('GET', '/items/notes', undefined, reader.token);
    expect(read.status).toBe(200);
    expect(read.body.data[0]).toEqual({ id: 1, body: 'hello' });
    expect(
      (await t.api('GET', '/items/notes?fields=secret', undefined, reader.token)).body.errors[0].extensions.code,
    ).toBe('FORBIDDEN');
    const create = await t.api('POST', '/items/notes', { body: 'nope' }, reader.token);
    expect(create.status).toBe(403);
    expect((await t.api('DELETE', '/items/notes/1', undefined, reader.token)).status).toBe(403);
    expect((await t.api('GET', '/items/articles', undefined, reader.token)).status).toBe(403);
    // Item-level permission filter.
    const own = await createUser(t, 'owner', [
      { collection: 'articles', action: 'read', permissions: { owner: { _eq: '$CURRENT_USER' } } },
      { collection: 'articles', action: 'update', permissions: { owner: { _eq: '$CURRENT_USER' } } },
    ]);
    const mine = await t.api('POST', '/items/articles', { title: 'mine', owner: own.userId });
    const theirs = await t.api('POST', '/items/articles', { title: 'theirs' });
    const visible = await t.api('GET', '/items/articles?fields=title', undefined, own.token);
    expect(visible.body.data).toEqual([{ title: 'mine' }]);
    expect((await t.api('PATCH', `/items/articles/${theirs.body.data.id}`, { title: 'x' }, own.token)).status).toBe(
      403,
    );
    expect(
      (await t.api('PATCH', `/items/articles/${mine.body.data.id}`, { title: 'mine!' }, own.token)).body.data.title,
    ).toBe('mine!');
    // Public role permission.
    await t.api('POST', '/permissions', { role: null, collection: 'notes', action: 'read', fields: '*' });
    expect((await t.api('GET', '/items/notes', undefined, null)).status).toBe(200);
  });

  it("enforces a permission's validation rules on what a write submits, and the create filter on the new item", async () => {
    await createCollection(t, 'offers', { name: 'string', price: 'integer', status: 'string' });
    const seller = await createUser(t, 'seller', [
      { collection: 'offers', action: 'read' },
      {
        collection: 'offers',
        action: 'create',
        permissions: { status: { _eq: 'draft' } },
        validation: { _and: [{ price: { _gt: 0 } }, { name: { _submitted: true } }] },
      },
      { collection: 'offers', action: 'update', validation: { price: { _lte: 1000 } } },
    ]);
    const count = async () => (await t.api('GET', '/items/offers?aggregate[count]=*')).body.data[0].count;
    const zero = await t.api('POST', '/items/offers', { name: 'a', price: 0, status: 'draft' }, seller.token);
    expect(zero.status).toBe(400);
    expect(zero.body.errors).toEqual([
      {
        message: 'Validation failed for field "price". Value has to be greater than "0".',
        extensions: { code: 'FAILED_VALIDATION', field: 'price', type: 'gt', valid: 0 },
      },
    ]);
    // Every failed rule is its own error, as in Directus.
    const both = await t.api('POST', '/items/offers', { price: -1, status: 'draft' }, seller.token);
    expect(both.body.errors.map((e: any) => [e.extensions.field, e.extensions.type])).toEqual([
      ['price', 'gt'],
      ['name', 'required'],
    ]);
    // Valid, but outside the create permission's item filter: refused, and nothing was kept.
    const published = await t.api('POST', '/items/offers', { name: 'b', price: 5, status: 'published' }, seller.token);
    expect(published.status).toBe(403);
    expect(await count()).toBe(0);
    const ok = await t.api('POST', '/items/offers', { name: 'c', price: 5, status: 'draft' }, seller.token);
    expect(ok.status).toBe(200);
    expect(await count()).toBe(1);
    // An update is checked on what it sends: a rule on a field it leaves out does not apply.
    const tooMuch = await t.api('PATCH', `/items/offers/${ok.body.data.id}`, { price: 2000 }, seller.token);
    expect(tooMuch.body.errors[0].extensions).toMatchObject({
      code: 'FAILED_VALIDATION',
      field: 'price',
      type: 'lte',
      valid: 1000,
    });
    expect(
      (await t.api('PATCH', `/items/offers/${ok.body.data.id}`, { name: 'c2' }, seller.token)).body.data,
    ).toMatchObject({ name: 'c2', price: 5 });
    // A batch with one invalid item writes none of them.
    const batch = await t.api(
      'POST',
      '/items/offers',
      [
        { name: 'd', price: 1, status: 'draft' },
        { name: 'e', price: 1, status: 'sold' },
      ],
      seller.token,
    );
    expect(batch.status).toBe(403);
    expect(await count()).toBe(1);
    // GraphQL answers with the same code.
    const gql = await t.api(
      'POST',
      '/graphql',
      { query: 'mutation { create_offers_item(data: { name: "f", price: 0, status: "draft" }) { id } }' },
      seller.token,
    );
    expect(gql.body.errors[0].extensions.code).toBe('FAILED_VALIDATION');
    // Admins have no permission rows, so no rules.
    expect((await t.api('POST', '/items/offers', { price: 0, status: 'sold' })).status).toBe(200);
  });

  it("enforces a field's own rules (meta.validation) for every writer, with its validation_message", async () => {
    await createCollection(t, 'skus', {
      code: {
        type: 'string',
        meta: {
          validation: { code: { _regex: '^[A-Z]{3}-\\d+$' } },
          validation_message: 'Use three capitals, a dash and digits.',
        },
      },
      qty: { type: 'integer', meta: { validation: { _and: [{ qty: { _gte: 0 } }] } } },
    });
    const field = (await t.api('GET', '/fields/skus/code')).body.data;
    expect(field.meta).toMatchObject({
      validation: { code: { _regex: '^[A-Z]{3}-\\d+$' } },
      validation_message: 'Use three capitals, a dash and digits.',
    });
    // Administrators too: the rule describes the data, not a role.
    const badCode = await t.api('POST', '/items/skus', { code: 'abc' });
    expect(badCode.body.errors).toEqual([
      {
        message: 'Use three capitals, a dash and digits.',
        extensions: { code: 'FAILED_VALIDATION', field: 'code', type: 'regex' },
      },
    ]);
    const badQty = await t.api('POST', '/items/skus', { code: 'ABC-1', qty: '-1' });
    expect(badQty.body.errors[0].message).toBe(
      'Validation failed for field "qty". Value has to be greater than or equal to "0".',
    );
    const ok = await t.api('POST', '/items/skus', { code: 'ABC-1', qty: '5' });
    expect(ok.status).toBe(200);
    // A rule on a field the update leaves out does not apply.
    expect((await t.api('PATCH', `/items/skus/${ok.body.data.id}`, { qty: 3 })).status).toBe(200);
    expect((await t.api('PATCH', `/items/skus/${ok.body.data.id}`, { code: 'nope' })).status).toBe(400);
    // Rules are changed and removed through the field's meta; a malformed one is refused.
    expect(
      (await t.api('PATCH', '/fields/skus/qty', { meta: { validation: 'qty > 0' } })).body.errors[0].extensions.code,
    ).toBe('INVALID_PAYLOAD');
    expect((await t.api('PATCH', '/fields/skus/qty', { meta: { validation: null } })).status).toBe(200);
    expect((await t.api('POST', '/items/skus', { code: 'ABC-2', qty: -1 })).status).toBe(200);
  });

  it("fills the fields a write leaves out from the permission's presets, as Directus does", async () => {
    await createCollection(t, 'drafts', { title: 'string', status: 'string', owner: 'string', reviewed: 'boolean' });
    const writer = await createUser(t, 'drafter', [
      { collection: 'drafts', action: 'read' },
      {
        collection: 'drafts',
        action: 'create',
        fields: 'title',
        presets: { status: 'draft', owner: '$CURRENT_USER' },
        validation: { status: { _eq: 'draft' } },
      },
      { collection: 'drafts', action: 'update', fields: 'title', presets: { reviewed: false } },
    ]);
    const made = await t.api('POST', '/items/drafts', { title: 'a' }, writer.token);
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.data).toMatchObject({ title: 'a', status: 'draft', owner: writer.userId });
    // A preset fills what is left out; it does not open the field to the role.
    expect((await t.api('POST', '/items/drafts', { title: 'b', status: 'published' }, writer.token)).status).toBe(403);
    await t.api('PATCH', `/items/drafts/${made.body.data.id}`, { reviewed: true });
    expect(
      (await t.api('PATCH', `/items/drafts/${made.body.data.id}`, { title: 'a2' }, writer.token)).body.data,
    ).toMatchObject({ title: 'a2', reviewed: false });
  });

  it('logs in, refreshes, logs out, and rejects bad tokens', async () => {
    const bad = await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'wrong' }, null);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    const login = await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null);
    const refreshed = await t.api('POST', '/auth/refresh', { refresh_token: login.body.data.refresh_token }, null);
    expect(refreshed.body.data.access_token).toBeTypeOf('string');
    expect(
      (await t.api('POST', '/auth/refresh', { refresh_token: login.body.data.refresh_token }, null)).body.errors[0]
        .extensions.code,
    ).toBe('INVALID_CREDENTIALS');
    expect(
      (await t.api('POST', '/auth/logout', { refresh_token: refreshed.body.data.refresh_token }, null)).status,
    ).toBe(204);
    expect((await t.api('GET', '/users/me', undefined, 'garbage')).body.errors[0].extensions.code).toBe(
      'INVALID_TOKEN',
    );
    expect((await t.api('GET', '/users/me', undefined, refreshed.body.data.access_token)).body.data.email).toBe(
      'admin@example.com',
    );
    const users = await t.api('GET', '/users?fields=email,password');
    expect(users.body.data.find((u: any) => u.email === 'admin@example.com').password).toBe('**********');
  });
});

describe('item budget', () => {
  it('a read under an item budget loads at most what still fits, plus one, and is refused past it', async () => {
    await t.api(
      'POST',
      '/items/articles',
      Array.from({ length: 12 }, (_, i) => ({ title: `budget-${i}` })),
    );
    const kernel = (t.host as any).kernel;
    const read = (left: number, query: object) =>
      new kernel.services.ItemsService('articles', {
        accountability: { user: null, role: null, admin: true },
        rowBudget: { left },
      }).readByQuery(query);
    const limits: unknown[] = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
      if (/^select .* from [`"]articles[`"]/i.test(q.sql) && /\blimit\b/i.test(q.sql)) limits.push(q.bindings?.at(-1));
    };
    kernel.knex.on('query', onQuery);
    try {
      const err = await read(5, { limit: -1, filter: { title: { _starts_with: 'budget-' } } }).catch(
        (e: { code: string }) => e,
      );
      expect(err.code).toBe('INVALID_QUERY');
      expect(await read(20, { limit: 3, filter: { title: { _starts_with: 'budget-' } } })).toHaveLength(3);
      expect(await read(12, { limit: -1, filter: { title: { _starts_with: 'budget-' } } })).toHaveLength(12);
    } finally {
      kernel.knex.removeListener('query', onQuery);
    }
    // Unlimited asks loaded 6 and 13 rows at most (budget + 1); a smaller limit stands.
    expect(limits).toEqual([6, 3, 13]);
  });
});
