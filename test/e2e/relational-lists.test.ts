// list-o2m and list-m2m in the item form of a real browser: rows are created, edited, removed
// and picked in drawers, nothing is written until the item is saved, and the saved change set
// is what the server applies (checked through the API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, createLanguages, createManyToMany, startHost, type TestHost } from '../helpers/host.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

describe.skipIf(Boolean(SKIP_REASON))('list-o2m and list-m2m in the item form', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];
  const ids: Record<string, number> = {};
  const get = async (url: string) => (await t.api('GET', url)).body.data;
  const drawer = '#dialog-outlet .v-drawer';
  const rows = (field: string) => page.locator(`[data-field=${field}] .relational-list .row`);
  const labels = (field: string) =>
    page
      .locator(`[data-field=${field}] .relational-list .row .label`)
      .allTextContents()
      .then((l) => l.map((s) => s.trim()));

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    await createCollection(t, 'notes', { title: 'string' });
    await createCollection(t, 'comments', {
      body: 'string',
      note: { type: 'integer', related_collection: 'notes' },
    });
    expect(
      (
        await t.api('POST', '/fields/notes', {
          field: 'comments',
          type: 'alias',
          meta: { special: ['o2m'], interface: 'list-o2m', options: { template: '{{body}}' } },
          related_collection: 'comments',
        })
      ).status,
    ).toBe(200);
    await createCollection(t, 'tags', { name: 'string' });
    await createManyToMany(t, {
      collection: 'notes',
      field: 'tags',
      related: 'tags',
      junction: 'notes_tags',
      meta: { interface: 'list-m2m', options: { template: '{{tags_id.name}}' } },
    });
    const [red, blue] = (await t.api('POST', '/items/tags', [{ name: 'red' }, { name: 'blue' }])).body.data;
    ids.red = red.id;
    ids.blue = blue.id;
    ids.note = (
      await t.api('POST', '/items/notes', {
        title: 'First',
        comments: [{ body: 'c1' }, { body: 'c2' }],
        tags: [{ tags_id: red.id }],
      })
    ).body.data.id;
    ids.orphan = (await t.api('POST', '/items/comments', { body: 'orphan' })).body.data.id;
    ids.stray = (await t.api('POST', '/items/comments', { body: 'stray' })).body.data.id;
    const comments = await get(`/items/comments?filter[note][_eq]=${ids.note}&fields=id,body&sort=id`);
    ids.c1 = comments[0].id;
    ids.c2 = comments[1].id;
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('edits one-to-many rows: create, edit, remove and add existing, saved as one change set', async () => {
    await navigate(page, `/content/notes/${ids.note}`);
    await eventually(() => labels('comments')).toEqual(['c1', 'c2']);
    await page.click('[data-field=comments] [data-test=create-o2m] .button');
    await page.locator(`${drawer} [data-field=body] input`).fill('c3');
    await page.click(`${drawer} [data-test=drawer-item-save] .button`);
    await eventually(() => labels('comments')).toEqual(['c1', 'c2', 'c3']);
    await rows('comments').filter({ hasText: 'c1' }).click();
    const body = page.locator(`${drawer} [data-field=body] input`);
    await eventually(() => body.inputValue()).toBe('c1');
    await body.fill('c1x');
    await page.click(`${drawer} [data-test=drawer-item-save] .button`);
    await eventually(() => labels('comments')).toEqual(['c1x', 'c2', 'c3']);
    await rows('comments').filter({ hasText: 'c2' }).locator('.remove').click();
    await eventually(() => rows('comments').filter({ hasText: 'c2' }).getAttribute('data-type')).toBe('deleted');
    await page.click('[data-field=comments] [data-test=select-o2m] .button');
    // Rows already listed are not offered again.
    await page.locator(`${drawer} tr.table-row[data-key="${ids.orphan}"]`).waitFor();
    expect(await page.locator(`${drawer} tr.table-row[data-key="${ids.c1}"]`).count()).toBe(0);
    await page.click(`${drawer} tr.table-row[data-key="${ids.orphan}"]`);
    await page.click(`${drawer} [data-test=drawer-collection-save] .button`);
    await eventually(() => labels('comments')).toEqual(['c1x', 'c2', 'orphan', 'c3']);
    // Nothing is written before the item is saved.
    expect((await get(`/items/comments/${ids.c1}?fields=body`)).body).toBe('c1');
  });

  it('edits many-to-many rows: picks an existing item, creates a related one, removes a link', async () => {
    await eventually(() => labels('tags')).toEqual(['red']);
    await page.click('[data-field=tags] [data-test=select-m2m] .button');
    await page.locator(`${drawer} tr.table-row[data-key="${ids.blue}"]`).waitFor();
    expect(await page.locator(`${drawer} tr.table-row[data-key="${ids.red}"]`).count()).toBe(0);
    await page.click(`${drawer} tr.table-row[data-key="${ids.blue}"]`);
    await page.click(`${drawer} [data-test=drawer-collection-save] .button`);
    await eventually(() => labels('tags')).toEqual(['red', 'blue']);
    await page.click('[data-field=tags] [data-test=create-m2m] .button');
    await page.locator(`${drawer} .drawer-item-related [data-field=name] input`).fill('green');
    await page.click(`${drawer} [data-test=drawer-item-save] .button`);
    await eventually(() => labels('tags')).toEqual(['red', 'blue', 'green']);
    await rows('tags').filter({ hasText: 'red' }).locator('.remove').click();
    await eventually(() => rows('tags').filter({ hasText: 'red' }).getAttribute('data-type')).toBe('deleted');
    await shot(page, 'relational-lists-before-save');
    await page.click('[data-test=save-item] .button');
    await page.waitForURL('**/admin/content/notes');

    const note = await get(`/items/notes/${ids.note}?fields=title,comments.body,tags.tags_id.name`);
    expect(note.comments.map((c: { body: string }) => c.body).sort()).toEqual(['c1x', 'c3', 'orphan']);
    expect(note.tags.map((x: { tags_id: { name: string } }) => x.tags_id.name).sort()).toEqual(['blue', 'green']);
    // The removed comment is unlinked (one_deselect_action nullify), not deleted.
    expect(await get(`/items/comments/${ids.c2}?fields=body,note`)).toEqual({ body: 'c2', note: null });
    expect(errors).toEqual([]);
  });

  it('a new item links existing related items and creates new ones on its first save', async () => {
    await navigate(page, '/content/notes/+');
    await page.locator('[data-field=title] input').fill('Second');
    await eventually(() => page.locator('[data-field=comments] .relational-list .no-items').count()).toBe(1);
    await page.click('[data-field=comments] [data-test=select-o2m] .button');
    await page.click(`${drawer} tr.table-row[data-key="${ids.stray}"]`);
    await page.click(`${drawer} [data-test=drawer-collection-save] .button`);
    await page.click('[data-field=comments] [data-test=create-o2m] .button');
    await page.locator(`${drawer} [data-field=body] input`).fill('n1');
    await page.click(`${drawer} [data-test=drawer-item-save] .button`);
    await eventually(() => labels('comments')).toEqual(['stray', 'n1']);
    await page.click('[data-test=save-item] .button');
    await page.waitForURL('**/admin/content/notes');
    const made = (await get('/items/notes?filter[title][_eq]=Second&fields=id,comments.body'))[0];
    expect(made.comments.map((c: { body: string }) => c.body).sort()).toEqual(['n1', 'stray']);
    expect(errors).toEqual([]);
  });
  it('a table layout shows the chosen columns, searches the linked rows, and opens a row in the drawer', async () => {
    const options = { template: '{{body}}', layout: 'table', fields: ['body', 'id'], enableSearchFilter: true };
    expect((await t.api('PATCH', '/fields/notes/comments', { meta: { options } })).status).toBe(200);
    // The app loaded the fields at sign-in: loading the item's page afresh reads the new options.
    await page.goto(new URL(`/admin/content/notes/${ids.note}`, page.url()).href);
    const table = page.locator('[data-field=comments] .relational-list .v-table');
    const cells = (column: string) =>
      table
        .locator(`tbody tr.table-row td:nth-child(${column === 'body' ? 1 : 2})`)
        .allTextContents()
        .then((l) => l.map((s) => s.trim()));
    await eventually(() =>
      table.locator('thead th[data-column]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column'))),
    ).toEqual(['body', 'id']);
    await eventually(() => cells('body').then((l) => l.sort())).toEqual(['c1x', 'c3', 'orphan']);
    const linked = await get(`/items/comments?filter[note][_eq]=${ids.note}&fields=id`);
    const byNumber = (a: number, b: number) => a - b;
    expect((await cells('id')).map(Number).sort(byNumber)).toEqual(
      linked.map((c: { id: number }) => c.id).sort(byNumber),
    );
    await page.locator('[data-field=comments] .relational-list .search input').fill('orph');
    await eventually(() => cells('body')).toEqual(['orphan']);
    await table.locator('tbody tr.table-row').first().click();
    await eventually(() => page.locator(`${drawer} [data-field=body] input`).inputValue()).toBe('orphan');
    expect(errors).toEqual([]);
  });

  it("edits an item's translations a language at a time or side by side, saved as one change set", async () => {
    await createLanguages(t);
    await createManyToMany(t, {
      collection: 'notes',
      field: 'translations',
      related: 'languages',
      junction: 'notes_translations',
      meta: {
        special: ['translations'],
        interface: 'translations',
        options: { languageField: 'name', defaultLanguage: 'en-US' },
      },
      keyTypes: { related: 'string' },
    });
    await t.api('POST', '/fields/notes_translations', { field: 'headline', type: 'string' });
    const note = (
      await t.api('POST', '/items/notes', {
        title: 'Translated',
        translations: { create: [{ languages_id: 'en-US', headline: 'Hello' }], update: [], delete: [] },
      })
    ).body.data.id;
    // Loaded afresh: the app learns of collections made after it started on its next load.
    await page.goto(`${t.url}/admin/content/notes/${note}`);
    const field = page.locator('[data-field=translations] [data-test=translations]');
    const pane = (i: number) => field.locator(`[data-pane="${i}"]`);
    // The default language first, its saved translation in the form.
    await eventually(() => pane(0).locator('[data-field=headline] input').inputValue()).toBe('Hello');
    expect(await pane(0).locator('[data-test=translations-language-0]').inputValue()).toBe('en-US');
    await pane(0).locator('[data-field=headline] input').fill('Hello there');
    // Side by side: German in the second pane, still empty; Arabic is drawn right to left.
    await field.locator('[data-test=translations-split] button').click();
    await pane(1).locator('[data-test=translations-language-1]').selectOption('de-DE');
    expect(await pane(1).locator('[data-field=headline] input').inputValue()).toBe('');
    await pane(1).locator('[data-field=headline] input').fill('Hallo');
    await pane(1).locator('[data-test=translations-language-1]').selectOption('ar-SA');
    expect(await pane(1).getAttribute('dir')).toBe('rtl');
    await pane(1).locator('[data-test=translations-language-1]').selectOption('de-DE');
    expect(await pane(1).locator('[data-field=headline] input').inputValue()).toBe('Hallo');
    // Nothing is written before the item is saved.
    expect((await get(`/items/notes_translations?filter[notes_id][_eq]=${note}`)).length).toBe(1);
    await shot(page, 'translations-side-by-side');
    await page.click('[data-test=save-item]');
    await eventually(async () =>
      (await get(`/items/notes_translations?filter[notes_id][_eq]=${note}&sort=languages_id`)).map(
        (r: { languages_id: string; headline: string }) => `${r.languages_id}=${r.headline}`,
      ),
    ).toEqual(['de-DE=Hallo', 'en-US=Hello there']);
    // Directus's translations display: a column drawing the German translation by a template.
    await t.api('PATCH', '/fields/notes/translations', {
      meta: { display: 'translations', display_options: { template: '{{headline}} (de)', defaultLanguage: 'de-DE' } },
    });
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const preset = await t.api('POST', '/presets', {
      user: me,
      collection: 'notes',
      layout: 'tabular',
      layout_query: { tabular: { fields: ['title', 'translations'], sort: ['id'] } },
    });
    expect(preset.status, JSON.stringify(preset.body)).toBe(200);
    await page.goto(`${t.url}/admin/content/notes`);
    await eventually(() =>
      page.locator(`[data-layout=tabular] tr[data-item="${note}"] [data-display=translations]`).textContent(),
    ).toBe('Hallo (de)');
    // Directus's `userLanguage`: the signed-in user's language first (before the default one).
    expect((await t.api('PATCH', '/users/me', { language: 'de-DE' })).status).toBe(200);
    await t.api('PATCH', '/fields/notes/translations', {
      meta: { options: { languageField: 'name', defaultLanguage: 'en-US', userLanguage: true } },
    });
    await page.goto(`${t.url}/admin/content/notes/${note}`);
    await eventually(() => pane(0).locator('[data-field=headline] input').inputValue()).toBe('Hallo');
    expect(await pane(0).locator('[data-test=translations-language-0]').inputValue()).toBe('de-DE');
    await t.api('PATCH', '/users/me', { language: null });
    expect(errors).toEqual([]);
  });
});
