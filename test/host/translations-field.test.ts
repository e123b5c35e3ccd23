import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createLanguages, createManyToMany, startHost, type TestHost } from '../helpers/host.js';

/**
 * Directus's translations field: an alias (`special: translations`) over a many-to-many to a
 * languages collection keyed by code, read and written as a many-to-many is.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startHost();
  await createLanguages(t);
  await createCollection(t, 'articles', { slug: 'string' });
  await createManyToMany(t, {
    collection: 'articles',
    field: 'translations',
    related: 'languages',
    junction: 'articles_translations',
    meta: { special: ['translations'], interface: 'translations', options: { languageField: 'name' } },
    keyTypes: { related: 'string' },
  });
  expect((await t.api('POST', '/fields/articles_translations', { field: 'title', type: 'string' })).status).toBe(200);
});
afterAll(() => t?.close());

describe('a translations field', () => {
  it("is Directus's many-to-many in /relations (its junction field) and in reads", async () => {
    const rels = (await t.api('GET', '/relations/articles_translations')).body.data;
    const back = rels.find((r: any) => r.field === 'articles_id');
    expect(back.meta).toMatchObject({ one_field: 'translations', junction_field: 'languages_id' });
    const created = await t.api('POST', '/items/articles', {
      slug: 'hello',
      translations: {
        create: [
          { languages_id: 'en-US', title: 'Hello' },
          { languages_id: 'de-DE', title: 'Hallo' },
        ],
        update: [],
        delete: [],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const read = await t.api(
      'GET',
      `/items/articles/${created.body.data.id}?fields=slug,translations.title,translations.languages_id.name`,
    );
    expect(read.body.data.translations.map((r: any) => `${r.languages_id.name}: ${r.title}`).sort()).toEqual([
      'English: Hello',
      'German: Hallo',
    ]);
  });

  it('updates one language and adds another through the change set the interface sends', async () => {
    const article = (await t.api('GET', '/items/articles?filter[slug][_eq]=hello&fields=id,translations.*')).body
      .data[0];
    const de = article.translations.find((r: any) => r.languages_id === 'de-DE');
    const res = await t.api('PATCH', `/items/articles/${article.id}`, {
      translations: {
        create: [{ languages_id: 'ar-SA', title: 'مرحبا' }],
        update: [{ id: de.id, title: 'Guten Tag' }],
        delete: [],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = (
      await t.api('GET', `/items/articles_translations?filter[articles_id][_eq]=${article.id}&sort=languages_id`)
    ).body.data;
    expect(rows.map((r: any) => [r.languages_id, r.title])).toEqual([
      ['ar-SA', 'مرحبا'],
      ['de-DE', 'Guten Tag'],
      ['en-US', 'Hello'],
    ]);
  });
});
