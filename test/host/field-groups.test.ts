import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';

const GROUP = { type: 'alias', meta: { special: ['alias', 'no-data', 'group'], interface: 'group-detail' } };

/**
 * Directus's form structure in directus_fields: `meta.group` puts a field in a group field (an
 * alias whose `special` includes group), `meta.conditions` and `meta.translations` are kept for
 * the app. A group must be a group field of the same collection and cannot contain itself; the
 * fields of a deleted group move up to the group it was in.
 */
describe('field groups, conditions and translations', () => {
  let t: TestHost;
  const meta = async (field: string) => (await t.api('GET', `/fields/grouped/${field}`)).body.data.meta;
  const code = (res: { body: any }) => res.body.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'grouped', {
      title: 'string',
      outer: GROUP,
      inner: { ...GROUP, meta: { ...GROUP.meta, group: 'outer' } },
      body: {
        type: 'text',
        meta: {
          group: 'inner',
          conditions: [{ name: 'Locked when published', rule: { title: { _eq: 'x' } }, readonly: true }],
          translations: [{ language: 'de-DE', translation: 'Inhalt' }],
        },
      },
    });
  });
  afterAll(async () => t?.close());

  it('stores and returns meta.group, conditions and translations as Directus does', async () => {
    expect((await meta('inner')).group).toBe('outer');
    const body = await meta('body');
    expect(body.group).toBe('inner');
    expect(body.conditions).toEqual([{ name: 'Locked when published', rule: { title: { _eq: 'x' } }, readonly: true }]);
    expect(body.translations).toEqual([{ language: 'de-DE', translation: 'Inhalt' }]);
    expect((await meta('title')).group).toBeNull();
    expect((await meta('title')).conditions).toBeNull();
    // A group holds no data: an item has no column for it.
    const created = await t.api('POST', '/items/grouped', { title: 'a', body: 'text' });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body.data).sort()).toEqual(['body', 'id', 'title']);
  });

  it('moves a field between groups and back to the top level with PATCH /fields', async () => {
    expect((await t.api('PATCH', '/fields/grouped/title', { meta: { group: 'outer' } })).status).toBe(200);
    expect((await meta('title')).group).toBe('outer');
    expect((await t.api('PATCH', '/fields/grouped/title', { meta: { group: null } })).status).toBe(200);
    expect((await meta('title')).group).toBeNull();
  });

  it('refuses a group that is not a group field, is missing, or would contain itself', async () => {
    for (const group of ['title', 'nope', 42]) {
      const res = await t.api('PATCH', '/fields/grouped/body', { meta: { group } });
      expect(res.status, String(group)).toBe(400);
      expect(code(res)).toBe('INVALID_PAYLOAD');
    }
    // outer → inner → outer would be a cycle; a group in itself is one too.
    expect(code(await t.api('PATCH', '/fields/grouped/outer', { meta: { group: 'inner' } }))).toBe('INVALID_PAYLOAD');
    expect(code(await t.api('PATCH', '/fields/grouped/inner', { meta: { group: 'inner' } }))).toBe('INVALID_PAYLOAD');
    // A group field that stops being one while fields sit in it.
    expect(code(await t.api('PATCH', '/fields/grouped/inner', { meta: { special: ['alias', 'no-data'] } }))).toBe(
      'INVALID_PAYLOAD',
    );
    expect(code(await t.api('PATCH', '/fields/grouped/body', { meta: { conditions: { rule: {} } } }))).toBe(
      'INVALID_PAYLOAD',
    );
    // Nothing was changed by the refused requests.
    expect((await meta('body')).group).toBe('inner');
    expect((await meta('outer')).group).toBeNull();
    expect((await meta('inner')).special).toEqual(['alias', 'no-data', 'group']);
    // A new field and a new collection are checked the same way.
    const field = await t.api('POST', '/fields/grouped', { field: 'stray', type: 'string', meta: { group: 'title' } });
    expect(code(field)).toBe('INVALID_PAYLOAD');
    const collection = await t.api('POST', '/collections', {
      collection: 'loose',
      fields: [{ field: 'a', type: 'string', meta: { group: 'b' } }],
    });
    expect(code(collection)).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', '/collections/loose')).status).not.toBe(200);
  });

  it("moves a deleted group's fields up to the group it was in", async () => {
    expect((await t.api('DELETE', '/fields/grouped/inner')).status).toBeLessThan(300);
    expect((await meta('body')).group).toBe('outer');
    expect((await t.api('DELETE', '/fields/grouped/outer')).status).toBeLessThan(300);
    expect((await meta('body')).group).toBeNull();
    expect((await t.api('GET', '/items/grouped')).body.data[0].body).toBe('text');
  });
});
