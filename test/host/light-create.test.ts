import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { recordSql } from '../helpers/sql.js';

/*
 * On SQLite a plain create runs as compiled statements in a light transaction
 * (host/src/services/sqlite-create.ts): the same rows, atomic, and a schema change is seen at once.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startHost();
  await createCollection(t, 'notes', { text: { type: 'string', schema: { is_unique: true } } });
});
afterAll(() => t?.close());

const count = async (table: string, where: Record<string, unknown>) =>
  Number(((await t.host.knex(table).where(where).count({ n: '*' })) as { n: number }[])[0]!.n);

describe('a create on the light path', () => {
  it('writes a field added after earlier creates (response, row and revision)', async () => {
    const first = await t.api('POST', '/items/notes', { text: 'before' });
    expect(first.body.data).toEqual({ id: first.body.data.id, text: 'before' });
    expect((await t.api('POST', '/fields/notes', { field: 'views', type: 'integer' })).status).toBe(200);
    const { sql, result: res } = await recordSql(t.host.knex, () =>
      t.api('POST', '/items/notes', { text: 'after', views: 3 }),
    );
    expect(res.status).toBe(200);
    // The light path's transaction (knex's own begins with a plain BEGIN).
    expect(sql.slice(1, 2).concat(sql.slice(-1))).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
    expect(res.body.data).toEqual({ id: res.body.data.id, text: 'after', views: 3 });
    expect(await t.host.knex('notes').where({ id: res.body.data.id }).first()).toEqual({
      id: res.body.data.id,
      text: 'after',
      views: 3,
    });
    // The earlier column set still writes, now with the new column in what it returns.
    const again = await t.api('POST', '/items/notes', { text: 'same columns as before' });
    expect(again.body.data).toEqual({ id: again.body.data.id, text: 'same columns as before', views: null });
    const revision = await t.host
      .knex('directus_revisions')
      .where({ collection: 'notes', item: String(res.body.data.id) })
      .first();
    expect(JSON.parse(revision.data)).toEqual({ id: res.body.data.id, text: 'after', views: 3 });
    expect(JSON.parse(revision.delta)).toEqual({ text: 'after', views: 3 });
    const activity = await t.host.knex('directus_activity').where({ id: revision.activity }).first();
    expect(activity).toMatchObject({ action: 'create', collection: 'notes', item: String(res.body.data.id) });
  });

  it('answers a duplicate with RECORD_NOT_UNIQUE and records nothing for it', async () => {
    await t.api('POST', '/items/notes', { text: 'once' });
    const activities = await count('directus_activity', { collection: 'notes' });
    const res = await t.api('POST', '/items/notes', { text: 'once' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    expect(await count('directus_activity', { collection: 'notes' })).toBe(activities);
  });

  it('keeps neither the item nor its activity when the revision cannot be written', async () => {
    await t.host.knex.raw(
      `create trigger refuse_revision before insert on directus_revisions when json_extract(new.data, '$.text') = 'refused' begin select raise(abort, 'refused'); end`,
    );
    try {
      const activities = await count('directus_activity', { collection: 'notes' });
      const res = await t.api('POST', '/items/notes', { text: 'refused' });
      expect(res.status).toBe(500);
      expect(await count('notes', { text: 'refused' })).toBe(0);
      expect(await count('directus_activity', { collection: 'notes' })).toBe(activities);
      // The connection is not left in a transaction: the next create commits.
      expect((await t.api('POST', '/items/notes', { text: 'accepted' })).status).toBe(200);
      expect(await count('notes', { text: 'accepted' })).toBe(1);
    } finally {
      await t.host.knex.raw('drop trigger refuse_revision');
    }
  });
});
