import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
beforeAll(async () => {
  t = await startHost({ extensions: ['extensions/annex-sample-endpoint'] });
  await createCollection(t, 'books', { title: 'string', pages: 'integer', meta: 'json' });
  await t.api('POST', '/items/books', [
    { title: 'Dune', pages: 412 },
    { title: 'Emma', pages: 320 },
    { title: 'Ulysses', pages: 730 },
  ]);
});
afterAll(() => t?.close());

const gql = (query: string, variables?: object, token?: string | null, system = false) =>
  t.api('POST', system ? '/graphql/system' : '/graphql', { query, variables }, token);

describe('GraphQL', () => {
  it('queries items with filter, sort, limit and field selection', async () => {
    const res = await gql('{ books(filter: { pages: { _gt: 400 } }, sort: ["-pages"], limit: 5) { title pages } }');
    expect(res.body).toEqual({
      data: {
        books: [
          { title: 'Ulysses', pages: 730 },
          { title: 'Dune', pages: 412 },
        ],
      },
    });
    const byId = await gql('query($id: ID!) { books_by_id(id: $id) { title } }', { id: '2' });
    expect(byId.body.data.books_by_id).toEqual({ title: 'Emma' });
    // Directus's shape: the aggregates are selected, the groups come back under `group`.
    const agg = await gql('{ books_aggregated { sum { pages } countAll count { title } } }');
    expect(agg.body.data.books_aggregated).toEqual([{ sum: { pages: 1462 }, countAll: 3, count: { title: 3 } }]);
    const grouped = await gql(
      '{ books_aggregated(groupBy: ["title"], sort: ["-max.pages"], limit: 2) { group max { pages } } }',
    );
    expect(grouped.body.errors).toBeUndefined();
    expect(grouped.body.data.books_aggregated.map((r: any) => Object.keys(r.group))).toEqual([['title'], ['title']]);
    const [first, second] = grouped.body.data.books_aggregated.map((r: any) => r.max.pages);
    expect(first).toBeGreaterThanOrEqual(second);
    // The old Annex form (an `aggregate` argument) is not Directus's and does not validate.
    const old = await gql('{ books_aggregated(aggregate: { sum: ["pages"] }) { countAll } }');
    expect(old.body.errors[0].message).toMatch(/Unknown argument "aggregate"/);
  });

  it('mutates items and reports coded errors', async () => {
    const created = await gql(
      'mutation { create_books_item(data: { title: "Beloved", pages: 324, meta: { a: 1 } }) { id title meta } }',
    );
    expect(created.body.data.create_books_item).toMatchObject({ title: 'Beloved', meta: { a: 1 } });
    const id = created.body.data.create_books_item.id;
    const updated = await gql(`mutation { update_books_item(id: ${id}, data: { pages: 325 }) { pages } }`);
    expect(updated.body.data.update_books_item.pages).toBe(325);
    const deleted = await gql(`mutation { delete_books_item(id: ${id}) { id } }`);
    expect(String(deleted.body.data.delete_books_item.id)).toBe(String(id));
    const badFilter = await gql('{ books(filter: { nope: { _eq: 1 } }) { title } }');
    expect(badFilter.body.errors[0].extensions.code).toBe('INVALID_QUERY');
    const syntax = await gql('{ books { ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
  });

  it('updates many items with one change (update_…_items) or each with its own (update_…_batch, all or nothing)', async () => {
    const made = await gql(
      'mutation { create_books_items(data: [{ title: "A", pages: 1 }, { title: "B", pages: 2 }]) { id } }',
    );
    const [a, b] = made.body.data.create_books_items.map((r: { id: string }) => r.id);
    const many = await gql(`mutation { update_books_items(ids: [${a}, ${b}], data: { pages: 10 }) { title pages } }`);
    expect(many.body.data.update_books_items).toEqual([
      { title: 'A', pages: 10 },
      { title: 'B', pages: 10 },
    ]);
    const batch = await gql(
      `mutation { update_books_batch(data: [{ id: ${a}, pages: 11 }, { id: ${b}, title: "B2" }]) { title pages } }`,
    );
    expect(batch.body.data.update_books_batch).toEqual([
      { title: 'A', pages: 11 },
      { title: 'B2', pages: 10 },
    ]);
    // One item that cannot be updated (it does not exist): none of the batch is kept.
    const bad = await gql(
      `mutation { update_books_batch(data: [{ id: ${a}, pages: 12 }, { id: 999999, pages: 1 }]) { id } }`,
    );
    expect(bad.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(`{ books_by_id(id: ${a}) { pages } }`)).body.data.books_by_id.pages).toBe(11);
    await gql(`mutation { delete_books_items(ids: [${a}, ${b}]) { ids } }`);
  });

  it('builds the schema from what the role may read', async () => {
    const user = await createUser(t, 'gqlreader', [{ collection: 'books', action: 'read', fields: 'id,title' }]);
    const ok = await gql('{ books(limit: 1, sort: ["title"]) { title } }', undefined, user.token);
    expect(ok.body.data.books).toEqual([{ title: 'Dune' }]);
    // Its create input has no field it may not write (none here): the mutation does not validate.
    const denied = await gql('mutation { create_books_item(data: { title: "x" }) { id } }', undefined, user.token);
    expect(denied.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
    expect((await t.api('GET', '/items/books?filter[title][_eq]=x', undefined)).body.data).toEqual([]);
    // Nor are fields it may not read in its types (introspection shows only what it has).
    const fields = await gql('{ __type(name: "books") { fields { name } } }', undefined, user.token);
    expect(fields.body.data.__type.fields.map((f: any) => f.name).sort()).toEqual(['id', 'title']);
    const anonymous = await gql('{ books { title } }', undefined, null);
    expect(anonymous.body.errors[0].message).toMatch(/Cannot query field "books"/);
  });

  it('lists and toggles extensions on /graphql/system (admins only)', async () => {
    const list = await gql(
      '{ extensions { id name state schema { type } meta { enabled } } }',
      undefined,
      undefined,
      true,
    );
    const sample = list.body.data.extensions.find((e: any) => e.name === 'annex-sample-endpoint');
    expect(sample).toMatchObject({ state: 'active', schema: { type: 'endpoint' }, meta: { enabled: true } });
    const off = await gql(
      'mutation($id: ID!) { update_extensions_item(id: $id, data: { meta: { enabled: false } }) { state meta { enabled } } }',
      { id: sample.id },
      undefined,
      true,
    );
    expect(off.body.data.update_extensions_item).toEqual({ state: 'inactive', meta: { enabled: false } });
    expect((await t.api('GET', '/annex-sample-endpoint')).status).toBe(404);
    await gql(
      'mutation($id: ID!) { update_extensions_item(id: $id, data: { meta: { enabled: true } }) { state } }',
      { id: sample.id },
      undefined,
      true,
    );
    expect((await t.api('GET', '/annex-sample-endpoint')).status).toBe(200);
    const user = await createUser(t, 'gqlplain', []);
    const denied = await gql('{ extensions { id } }', undefined, user.token, true);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const locked = (await gql('{ extensions { id name } }', undefined, undefined, true)).body.data.extensions.find(
      (e: any) => e.name === '@annex/builtin-extensions',
    );
    const refused = await gql(
      'mutation($id: ID!) { update_extensions_item(id: $id, data: { meta: { enabled: false } }) { state } }',
      { id: locked.id },
      undefined,
      true,
    );
    expect(refused.body.errors[0].extensions.code).toBe('HOST_EXTENSION_LOCKED');
  });
});
