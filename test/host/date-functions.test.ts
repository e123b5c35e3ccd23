import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase, PG_URL } from '../helpers/pg.js';

// Directus's date functions (`year(date)` …) in groupBy and filters, the same on both databases.
const vendors = [{ name: 'SQLite', pg: false }, ...(PG_URL ? [{ name: 'PostgreSQL', pg: true }] : [])];

describe.each(vendors)('date functions on $name', ({ pg }) => {
  let t: TestHost;
  let db: { url: string; drop(): Promise<void> } | undefined;
  const q = (query: string) => t.api('GET', `/items/orders?${query}`);
  beforeAll(async () => {
    db = pg ? await createTestDatabase('annex_datefn') : undefined;
    t = await startHost(db ? { env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url } } : {});
    await createCollection(t, 'orders', {
      placed: 'timestamp',
      shipped: 'date',
      amount: 'integer',
      secret: { type: 'string', meta: { special: ['conceal'] } },
    });
    const rows = [
      ['2023-12-31T23:30:00.000Z', '2023-12-30', 5],
      ['2024-01-15T08:05:09.000Z', '2024-01-16', 10],
      ['2024-01-20T08:45:00.000Z', '2024-01-21', 20],
      ['2024-03-02T17:00:00.000Z', null, 40],
    ];
    const created = await t.api(
      'POST',
      '/items/orders',
      rows.map(([placed, shipped, amount]) => ({ placed, shipped, amount })),
    );
    expect(created.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('groups by year and month, answered as <field>_<fn> as Directus does', async () => {
    const res = await q('groupBy[]=year(placed)&groupBy[]=month(placed)&aggregate[sum]=amount');
    expect(res.status).toBe(200);
    const rows = res.body.data
      .map((r: any) => [r.placed_year, r.placed_month, r.sum.amount])
      .sort((a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(rows).toEqual([
      [2023, 12, 5],
      [2024, 1, 30],
      [2024, 3, 40],
    ]);
  });

  it('takes every date part, a timestamp read in UTC, a date field too', async () => {
    const parts = 'year,month,day,hour,minute,second,weekday'.split(',');
    const res = await q(
      `groupBy=${parts.map((p) => `${p}(placed)`).join(',')}&aggregate[count]=*&filter[amount][_eq]=10`,
    );
    expect(res.status).toBe(200);
    // 2024-01-15 was a Monday.
    expect(res.body.data).toEqual([
      {
        placed_year: 2024,
        placed_month: 1,
        placed_day: 15,
        placed_hour: 8,
        placed_minute: 5,
        placed_second: 9,
        placed_weekday: 1,
        count: 1,
      },
    ]);
    const shipped = await q('groupBy=day(shipped)&aggregate[count]=*&filter[amount][_in]=5,10');
    expect(shipped.body.data.map((r: any) => r.shipped_day).sort()).toEqual([16, 30]);
  });

  it('filters by a date function, in the REST and the GraphQL form, and by $NOW(adjustment)', async () => {
    const rest = await q(`filter=${encodeURIComponent('{"year(placed)":{"_eq":2024},"month(placed)":{"_gte":2}}')}`);
    expect(rest.status).toBe(200);
    expect(rest.body.data.map((r: any) => r.amount)).toEqual([40]);
    const nested = await q(
      `filter=${encodeURIComponent('{"_or":[{"year(placed)":{"_lt":2024}},{"day(shipped)":{"_in":[21]}}]}')}&sort=amount`,
    );
    expect(nested.body.data.map((r: any) => r.amount)).toEqual([5, 20]);
    // From a query string the value is text, compared as the number it is.
    const text = await q('filter[year(placed)][_eq]=2023&filter[day(placed)][_in]=31,1');
    expect(text.body.data.map((r: any) => r.amount)).toEqual([5]);
    const empty = await q(`filter=${encodeURIComponent('{"month(shipped)":{"_null":true}}')}`);
    expect(empty.body.data.map((r: any) => r.amount)).toEqual([40]);
    const since = async (adjust: string) =>
      (await q(`filter=${encodeURIComponent(JSON.stringify({ placed: { _gte: `$NOW(${adjust})` } }))}`)).body.data
        .length;
    expect(await since('-100 years')).toBe(4);
    expect(await since('+1 day')).toBe(0);
    const gql = await t.api('POST', '/graphql', {
      query: '{ orders(filter: { placed_func: { year: { _eq: 2023 } } }) { amount } }',
    });
    expect(gql.body).toEqual({ data: { orders: [{ amount: 5 }] } });
  });

  it('reads date functions as fields, beside plain fields or alone', async () => {
    const res = await q('fields=amount,year(placed),weekday(shipped)&sort=amount&limit=2');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { amount: 5, placed_year: 2023, shipped_weekday: 6 },
      { amount: 10, placed_year: 2024, shipped_weekday: 2 },
    ]);
    const alone = await q('fields=month(placed)&filter[amount][_eq]=40');
    expect(alone.body.data).toEqual([{ placed_month: 3 }]);
    // GraphQL's form: Directus's `<field>_func` objects.
    const gql = await t.api('POST', '/graphql', {
      query:
        '{ orders(sort: ["amount"], limit: 2) { amount placed_func { year month hour } shipped_func { weekday } } }',
    });
    expect(gql.body).toEqual({
      data: {
        orders: [
          { amount: 5, placed_func: { year: 2023, month: 12, hour: 23 }, shipped_func: { weekday: 6 } },
          { amount: 10, placed_func: { year: 2024, month: 1, hour: 8 }, shipped_func: { weekday: 2 } },
        ],
      },
    });
    const count = await q('fields=count(placed)');
    expect(count.body.errors[0].message).toMatch(/takes a one-to-many/);
  });

  it('sorts a list by a date part', async () => {
    const res = await q('fields=amount&sort=-month(placed),amount');
    expect(res.body.data.map((r: any) => r.amount)).toEqual([5, 40, 10, 20]);
    const reader = await createUser(t, 'datefn-sort', [{ collection: 'orders', action: 'read', fields: 'amount' }]);
    expect((await t.api('GET', '/items/orders?sort=year(placed)', undefined, reader.token)).status).toBe(403);
  });

  it('sorts grouped results by an aggregate or a group, as Directus does (sort=-count.id)', async () => {
    const byMonth = await q('groupBy=month(placed)&aggregate[sum]=amount&sort=-sum.amount&limit=2');
    expect(byMonth.body.data.map((r: any) => [r.placed_month, r.sum.amount])).toEqual([
      [3, 40],
      [1, 30],
    ]);
    const byGroup = await q('groupBy=month(placed)&aggregate[count]=*&sort=month(placed)');
    expect(byGroup.body.data.map((r: any) => r.placed_month)).toEqual([1, 3, 12]);
    const plain = await q('groupBy=amount&aggregate[count]=*&sort=-amount');
    expect(plain.body.data.map((r: any) => r.amount)).toEqual([40, 20, 10, 5]);
    const bad = await q('groupBy=amount&aggregate[count]=*&sort=placed');
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_QUERY');
  });

  it('takes the distinct sums and averages Directus offers', async () => {
    const res = await q('aggregate[sumDistinct]=amount&aggregate[avgDistinct]=amount');
    expect(res.body.data[0].sumDistinct.amount).toBe(75);
    expect(res.body.data[0].avgDistinct.amount).toBe(18.75);
  });

  it('refuses unknown functions, a function on a non-date or hidden field, and fields the caller may not read', async () => {
    const code = async (query: string) => (await q(query)).body.errors?.[0]?.extensions?.code;
    expect(await code('groupBy=decade(placed)&aggregate[count]=*')).toBe('INVALID_QUERY');
    expect((await q('groupBy=decade(placed)&aggregate[count]=*')).body.errors[0].message).toMatch(/Unknown function/);
    expect(await code('groupBy=year(amount)&aggregate[count]=*')).toBe('INVALID_QUERY');
    expect(await code('groupBy=year(secret)&aggregate[count]=*')).toBe('INVALID_QUERY');
    expect(await code('groupBy=year(nope)&aggregate[count]=*')).toBe('INVALID_QUERY');
    expect(await code('groupBy=year(placed))&aggregate[count]=*')).toBe('INVALID_QUERY');
    expect(await code(`filter=${encodeURIComponent('{"year(placed)":2024}')}`)).toBe('INVALID_QUERY');
    expect(await code(`filter=${encodeURIComponent('{"placed_func":{"year":{"_eq":1},"month":{"_eq":1}}}')}`)).toBe(
      'INVALID_QUERY',
    );

    // A reader without `placed` may neither group nor filter by a function of it (no oracle on it).
    const user = await createUser(t, 'datefn', [{ collection: 'orders', action: 'read', fields: 'amount' }]);
    const as = (query: string) => t.api('GET', `/items/orders?${query}`, undefined, user.token);
    expect((await as('groupBy=year(placed)&aggregate[count]=*')).status).toBe(403);
    expect((await as(`filter=${encodeURIComponent('{"year(placed)":{"_eq":2024}}')}`)).status).toBe(403);
    expect((await as('fields=year(placed)')).status).toBe(403);
    expect((await as('aggregate[sum]=amount')).status).toBe(200);
  });
});
