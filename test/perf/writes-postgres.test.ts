import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { recordSql } from '../helpers/sql.js';
import { createTestDatabase } from '../helpers/pg.js';
import { PG_MISSING, skipWithout } from '../helpers/requires.js';

describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))('writes on PostgreSQL', () => {
  let t: TestHost;
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('annex_writes');
    t = await startHost({ env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url } });
    await createCollection(t, 'plain', { text: 'string' });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('creates an item in 5 round trips: auth, BEGIN, the insert, activity and revision in one statement, COMMIT', async () => {
    await t.api('POST', '/items/plain', { text: 'warm' });
    const { sql, result: res } = await recordSql(t.host.knex, () => t.api('POST', '/items/plain', { text: 'x' }));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ id: res.body.data.id, text: 'x' });
    expect(sql.filter((s) => /directus_revisions/.test(s))).toHaveLength(1);
    expect(sql).toHaveLength(5);
    const revisions = await t.api(
      'GET',
      `/revisions?filter[collection][_eq]=plain&filter[item][_eq]=${res.body.data.id}`,
    );
    expect(revisions.body.data).toHaveLength(1);
    expect(revisions.body.data[0].data).toEqual({ id: res.body.data.id, text: 'x' });
    expect(revisions.body.data[0].delta).toEqual({ text: 'x' });
    const activity = await t.api('GET', `/activity/${revisions.body.data[0].activity}`);
    expect(activity.body.data).toMatchObject({ action: 'create', collection: 'plain', item: String(res.body.data.id) });
  });
});
