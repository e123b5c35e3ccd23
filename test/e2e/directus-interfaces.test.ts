import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollection, createManyToMany, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

const ALIAS = ['alias', 'no-data'];
const CHOICES = [
  { text: 'Red', value: 'red' },
  { text: 'Blue', value: 'blue' },
  { text: 'Green', value: 'green' },
];

/**
 * Directus's own interfaces that data models and extensions' option forms name — dividers and
 * notices, radio buttons and checkboxes, color and icon pickers, the repeater, hashes, the field
 * picker — drawn in the item form and saved with Directus's value shapes.
 */
describe.skipIf(Boolean(SKIP_REASON))("Directus's interfaces in the item form", () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];
  let photosFolder: string;
  let flowId: string;
  const field = (name: string) => page.locator(`[data-field=${name}]`);

  beforeAll(async () => {
    ensureAppBuilt();
    // A public suggestions endpoint for input-autocomplete-api (it calls its URL without the app's credentials).
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-suggest-'));
    writeEndpoint(root, 'suggest', '', {
      raw: `const CITIES = [{ name: 'Lisbon', code: 'LIS' }, { name: 'Porto', code: 'OPO' }, { name: 'Paris', code: 'PAR' }];
export default (router) => {
  router.get('/', (req, res) => {
    const q = String(req.query.q ?? '').toLowerCase();
    res.json({ data: { cities: CITIES.filter((c) => c.name.toLowerCase().startsWith(q)) } });
  });
};
`,
    });
    t = await startHost({ extensions: [path.join(root, 'suggest')] });
    await createCollection(t, 'things', {
      title: 'string',
      section: {
        type: 'alias',
        meta: { special: ALIAS, interface: 'presentation-divider', options: { title: 'Looks', icon: 'palette' } },
      },
      hint: {
        type: 'alias',
        meta: {
          special: ALIAS,
          interface: 'presentation-notice',
          options: { color: 'warning', text: 'Pick with care' },
        },
      },
      tone: { type: 'string', meta: { interface: 'select-radio', options: { choices: CHOICES } } },
      stage: {
        type: 'string',
        meta: {
          interface: 'select-dropdown',
          note: '$t:stage_note',
          options: {
            choices: [
              { text: '$t:stage.draft', value: 'draft' },
              { text: '$t:stage.live', value: 'live' },
            ],
          },
        },
      },
      tags: { type: 'json', meta: { interface: 'select-multiple-checkbox', options: { choices: CHOICES } } },
      shades: { type: 'csv', meta: { interface: 'select-multiple-dropdown', options: { choices: CHOICES } } },
      color: { type: 'string', meta: { interface: 'select-color', display: 'color' } },
      icon: { type: 'string', meta: { interface: 'select-icon', display: 'icon' } },
      rule: {
        type: 'json',
        meta: { interface: 'system-filter', display: 'formatted-json-value', options: { collectionName: 'things' } },
      },
      body_html: { type: 'text', meta: { interface: 'input-rich-text-html' } },
      body_md: { type: 'text', meta: { interface: 'input-rich-text-md' } },
      city: {
        type: 'string',
        meta: {
          interface: 'input-autocomplete-api',
          options: {
            url: '/suggest?q={{value}}',
            resultsPath: 'data.cities',
            textPath: 'name',
            valuePath: 'code',
            rate: 0,
          },
        },
      },
      linked: {
        type: 'json',
        meta: {
          interface: 'collection-item-dropdown',
          options: { selectedCollection: 'things', template: '{{title}}' },
        },
      },
      links: {
        type: 'json',
        meta: {
          interface: 'list',
          options: {
            template: '{{label}}',
            fields: [
              { field: 'label', type: 'string', name: 'Label', meta: { interface: 'input', width: 'half' } },
              { field: 'url', type: 'string', name: 'URL', meta: { interface: 'input', width: 'half' } },
            ],
          },
        },
      },
      secret: { type: 'hash', meta: { interface: 'input-hash' } },
      sort_by: { type: 'string', meta: { interface: 'system-field', options: { collectionName: 'things' } } },
      cover: {
        type: 'uuid',
        related_collection: 'directus_files',
        meta: { special: ['file'], interface: 'file-image', display: 'image' },
      },
    });
    // Directus's `files` field: a many-to-many to directus_files through things_files.
    await createManyToMany(t, {
      collection: 'things',
      field: 'attachments',
      related: 'directus_files',
      junction: 'things_files',
      keyTypes: { related: 'uuid' },
      meta: { special: ['files'], interface: 'files', options: { template: '{{directus_files_id.title}}' } },
    });
    expect((await t.api('POST', '/items/things', { title: 'First' })).status).toBe(200);
    // Custom translations for the `$t:` strings of the stage field (one key left without one).
    await t.api('POST', '/translations', [
      { language: 'en-US', key: 'stage_note', value: 'Where the thing is' },
      { language: 'en-US', key: 'stage.draft', value: 'Still a draft' },
    ]);
    // Directus's system pickers, as extensions' option forms name them, on fields of their own.
    await createCollection(t, 'pickers', {
      target: { type: 'string', meta: { interface: 'system-collection' } },
      targets: { type: 'json', meta: { interface: 'system-collections' } },
      folder: { type: 'uuid', meta: { interface: 'system-folder' } },
      language: { type: 'string', meta: { interface: 'system-language' } },
      body: { type: 'json', meta: { interface: 'system-raw-editor' } },
      subject: { type: 'string', meta: { interface: 'system-raw-editor' } },
      columns: { type: 'json', meta: { interface: 'system-fields', options: { collectionName: 'things' } } },
      tree: { type: 'json', meta: { interface: 'system-field-tree', options: { collectionField: 'target' } } },
      flow: { type: 'uuid', meta: { interface: 'system-flow-select' } },
      widget: { type: 'string', meta: { interface: 'system-interface' } },
      pin: { type: 'string', meta: { interface: 'system-input-password' } },
    });
    const alpha = (await t.api('POST', '/folders', { name: 'Alpha' })).body.data.id;
    photosFolder = (await t.api('POST', '/folders', { name: 'Photos', parent: alpha })).body.data.id;
    const flow = await t.api('POST', '/flows', {
      name: 'Notify',
      trigger: 'manual',
      status: 'active',
      options: { collections: ['things'] },
    });
    expect(flow.status).toBe(200);
    flowId = flow.body.data.id;
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws each one, presentation fields without a label', async () => {
    await navigate(page, '/content/things/1');
    await field('section').locator('.presentation-divider').waitFor();
    expect(await field('section').textContent()).toContain('Looks');
    expect(await field('section').locator('.field-label').count()).toBe(0);
    expect(await field('hint').locator('.v-notice').textContent()).toContain('Pick with care');
    expect(await page.getByText('is not available').count()).toBe(0);
    expect(await page.locator('.extension-fault').count()).toBe(0);
    // The field picker lists the collection's fields (not its primary key or its presentation fields).
    const picker = await field('sort_by').locator('option').allTextContents();
    expect(picker.map((s) => s.trim())).toEqual(expect.arrayContaining(['Title', 'Tone', 'Color']));
    expect(picker.map((s) => s.trim())).not.toContain('Section');
    expect(picker.map((s) => s.trim())).not.toContain('Id');
    await shot(page, 'interfaces-01-form');
    // Opened and left untouched, the form has nothing unsaved: leaving asks nothing.
    await navigate(page, '/content/things', { keepGuard: true });
    await page.waitForURL(/\/content\/things$/);
    expect(await page.locator('[data-test=unsaved-changes]').count()).toBe(0);
  });

  it("shows the custom translations of $t: strings in a field's note and choices", async () => {
    await navigate(page, '/content/things/1');
    await field('stage').locator('.field-note').waitFor();
    expect(await field('stage').locator('.field-note').textContent()).toBe('Where the thing is');
    const options = await field('stage').locator('option').allTextContents();
    expect(options.map((o) => o.trim())).toEqual(expect.arrayContaining(['Still a draft', 'Live']));
  });

  it('edits custom translations in Settings → Translations, and the form shows them', async () => {
    await navigate(page, '/settings/translations');
    const row = page.locator('tr[data-translation="stage.draft"]');
    await row.waitFor();
    await row.locator('[data-test=translation-edit]').fill('Draft v2');
    await row.locator('[data-test=translation-edit]').press('Tab');
    await page.fill('[data-test=translation-key]', 'stage.live');
    await page.fill('[data-test=translation-value]', 'Live now');
    await page.locator('[data-test=translation-add] button').click();
    await page.locator('tr[data-translation="stage.live"]').waitFor();
    const stored = (await t.api('GET', '/translations?fields=key,value&sort=key')).body.data;
    expect(stored).toEqual(
      expect.arrayContaining([
        { key: 'stage.draft', value: 'Draft v2' },
        { key: 'stage.live', value: 'Live now' },
      ]),
    );
    await navigate(page, '/content/things/1');
    await field('stage').locator('option').first().waitFor({ state: 'attached' });
    const options = (await field('stage').locator('option').allTextContents()).map((o) => o.trim());
    expect(options).toEqual(expect.arrayContaining(['Draft v2', 'Live now']));
  });

  it("saves each one's value in Directus's shape", async () => {
    await field('tone').getByLabel('Blue').check();
    await field('tags').getByLabel('Red').check();
    await field('tags').getByLabel('Green').check();
    await field('color').locator('input[type=text]').fill('#ff8800');
    await field('icon').locator('input').fill('star');
    await eventually(() => field('icon').locator('[data-icon=star]').count()).toBe(1);
    await field('links').getByText('Create New').click();
    await field('links').locator('[data-field=label] input').fill('Home');
    await field('links').locator('[data-field=url] input').fill('https://example.com');
    await field('secret').locator('input').fill('s3cret-value');
    // The visual filter builder: a rule on the collection's title, its value typed in.
    await field('rule').locator('[data-test=filter-add]').selectOption('title');
    const ruleValue = field('rule').locator('[data-filter-field=title] [data-test=filter-value]');
    await ruleValue.fill('First');
    await ruleValue.press('Tab');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.tone).toBe('blue');
    const item = (await t.api('GET', '/items/things/1')).body.data;
    expect(item).toMatchObject({
      tags: ['red', 'green'],
      color: '#ff8800',
      icon: 'star',
      links: [{ label: 'Home', url: 'https://example.com' }],
      rule: { title: { _eq: 'First' } },
    });
    // A hash field stores a hash, never the typed secret, and the form does not show it back.
    expect(item.secret).not.toBe('s3cret-value');
    await page.waitForURL(/\/content\/things$/);
    await navigate(page, '/content/things/1');
    await field('secret').locator('input').waitFor();
    expect(await field('secret').locator('input').inputValue()).toBe('');
    expect(await field('links').locator('.list-row-toggle').textContent()).toBe('Home');
  });

  it('uploads an image into a file-image field, shows it, removes it and picks it again from the library', async () => {
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 10, g: 160, b: 60 } } })
      .png()
      .toBuffer();
    await navigate(page, '/content/things/1');
    await field('cover')
      .locator('input[type=file]')
      .setInputFiles({ name: 'green.png', mimeType: 'image/png', buffer: png });
    const img = field('cover').locator('img.file-preview');
    await img.waitFor();
    await eventually(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await img.getAttribute('src')).toMatch(/^\/assets\/[0-9a-f-]{36}\?width=480/);
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.cover).toMatch(/^[0-9a-f-]{36}$/);
    const id = (await t.api('GET', '/items/things/1')).body.data.cover;
    // The related file reads through the relation, as any many-to-one does.
    expect((await t.api('GET', '/items/things/1?fields=cover.filename_download,cover.width')).body.data.cover).toEqual({
      filename_download: 'green.png',
      width: 48,
    });
    await page.waitForURL(/\/content\/things$/);
    await navigate(page, '/content/things/1');
    await field('cover').locator('[data-test=file-remove] button').click();
    await field('cover').locator('[data-test=file-choose] button').click();

    await page.locator(`#dialog-outlet .v-drawer tr.table-row[data-key="${id}"]`).click();
    await eventually(() => field('cover').locator(`[data-file="${id}"]`).count()).toBe(1);
    await shot(page, 'interfaces-02-file-image');
  });

  it('shows the image, color, icon and JSON displays in the table', async () => {
    await navigate(page, '/content/things');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    const row = page.locator('[data-layout=tabular] tr[data-item="1"]');
    await row.waitFor();
    const img = row.locator('img[data-display=image]');
    await eventually(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await row.locator('[data-display=color]').textContent()).toBe('#ff8800');
    expect(await row.locator('[data-display=icon] [data-icon=star]').count()).toBe(1);
    expect(await row.locator('[data-display=formatted-json-value]').textContent()).toBe('{"title":{"_eq":"First"}}');
    await shot(page, 'interfaces-03-displays');
  });

  it('edits rich text (HTML and Markdown); hostile HTML in a stored value is neither run nor kept', async () => {
    const hostile =
      '<p>Hi <b>there</b></p><img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>' +
      '<a href="java\tscript:window.__pwned=3">bad</a><a href="https://example.com" onclick="window.__pwned=4">ok</a>' +
      '<iframe src="https://example.com"></iframe><p style="position:fixed">styled</p>';
    expect((await t.api('PATCH', '/items/things/1', { body_html: hostile })).status).toBe(200);
    await navigate(page, '/content/things/1');
    const editor = field('body_html').locator('.editor');
    await editor.waitFor();
    const html = await editor.innerHTML();
    expect(html).toContain('<b>there</b>');
    expect(html).toContain('<a href="https://example.com">ok</a>');
    expect(html).not.toMatch(/onerror|onclick|<script|<iframe|javascript|style=/i);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' and more');
    await field('body_md').locator('textarea').fill('hello');
    await field('body_md').locator('textarea').selectText();
    await field('body_md').locator('[data-tool=format_bold]').click();
    await eventually(() => field('body_md').locator('textarea').inputValue()).toBe('**hello**');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.body_md).toBe('**hello**');
    const saved = (await t.api('GET', '/items/things/1')).body.data.body_html;
    expect(saved).toContain('and more');
    expect(saved).not.toMatch(/onerror|onclick|<script|<iframe|javascript|style=/i);
    await page.waitForURL(/\/content\/things$/);
  });

  it('picks one item of a collection with collection-item-dropdown, stored as {key, collection}', async () => {
    await navigate(page, '/content/things/1');
    await field('linked').locator('[data-test=item-choose] button').click();
    await page.locator('#dialog-outlet .v-drawer tr.table-row[data-key="1"]').click();
    await eventually(() => field('linked').locator('.chosen').textContent()).toBe('First');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.linked).toEqual({
      key: 1,
      collection: 'things',
    });
    await page.waitForURL(/\/content\/things$/);
  });

  it("links files to an item through Directus's files field", async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'notes.txt');
    const uploaded = await fetch(`${t.url}/files`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Bearer ${t.token}` },
    }).then((r) => r.json());
    const fileId = uploaded.data.id;
    await navigate(page, '/content/things/1');
    await field('attachments').locator('[data-test=select-m2m] button').click();
    await page.locator(`#dialog-outlet .v-drawer tr.table-row[data-key="${fileId}"]`).click();
    await page.click('#dialog-outlet [data-test=drawer-collection-save] .button');
    await eventually(() => field('attachments').locator('.row .label').allTextContents()).toEqual(['notes']);
    await page.click('[data-test=save-item]');
    await eventually(
      async () =>
        (await t.api('GET', '/items/things/1?fields=attachments.directus_files_id.filename_download')).body.data
          .attachments,
    ).toEqual([{ directus_files_id: { filename_download: 'notes.txt' } }]);
    await page.waitForURL(/\/content\/things$/);

    // Uploaded from the field: the new files are stored and linked with the item's save.
    await navigate(page, '/content/things/1');
    await field('attachments').locator('[data-test=upload-files] button').click();
    await field('attachments')
      .locator('.files-upload input[type=file]')
      .setInputFiles([
        { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') },
        { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('b') },
      ]);
    await eventually(() => field('attachments').locator('.row .label').allTextContents()).toEqual(['notes', 'a', 'b']);
    await page.click('[data-test=save-item]');
    await eventually(async () =>
      (
        await t.api('GET', '/items/things/1?fields=attachments.directus_files_id.filename_download')
      ).body.data.attachments.map((a: any) => a.directus_files_id.filename_download),
    ).toEqual(['notes.txt', 'a.txt', 'b.txt']);
    await page.waitForURL(/\/content\/things$/);
  });

  it('suggests values from a URL with input-autocomplete-api and stores the chosen value', async () => {
    await navigate(page, '/content/things/1');
    await field('city').locator('input').pressSequentially('P');
    const options = field('city').locator('[role=option]');
    await eventually(() => options.allTextContents()).toEqual(['Porto', 'Paris']);
    await options.filter({ hasText: 'Paris' }).click();
    await eventually(() => field('city').locator('input').inputValue()).toBe('PAR');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.city).toBe('PAR');
    await page.waitForURL(/\/content\/things$/);
  });

  it('builds a filter visually: operators by type, groups matching any, raw JSON a click away', async () => {
    await navigate(page, '/content/things/1');
    const rule = field('rule');
    await rule.locator('[data-filter-field=title]').waitFor();
    // A string's operators, not a number's only.
    const ops = await rule
      .locator('[data-filter-field=title] [data-test=filter-operator] option')
      .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(ops).toEqual(expect.arrayContaining(['_eq', '_contains', '_starts_with', '_null']));
    await rule.locator('[data-filter-field=title] [data-test=filter-operator]').selectOption('_contains');
    // A group of two rules, any of which may hold.
    await rule.locator('[data-test=filter-add]').last().selectOption('$group');
    const group = rule.locator('li[data-path="1"]');
    await group.locator('[data-test=filter-logic]').selectOption('_or');
    await group.locator('[data-test=filter-add]').selectOption('tone');
    await group.locator('[data-filter-field=tone] [data-test=filter-operator]').selectOption('_in');
    await group.locator('[data-filter-field=tone] [data-test=filter-value]').fill('red, blue');
    await group.locator('[data-filter-field=tone] [data-test=filter-value]').press('Tab');
    await group.locator('[data-test=filter-add]').selectOption('color');
    await group.locator('[data-filter-field=color] [data-test=filter-operator]').selectOption('_null');
    await rule.locator('[data-test=filter-raw]').click();
    await eventually(async () => JSON.parse(await rule.locator('textarea').inputValue())).toEqual({
      _and: [
        { title: { _contains: 'First' } },
        { _or: [{ tone: { _in: ['red', 'blue'] } }, { color: { _null: true } }] },
      ],
    });
    // The raw JSON is highlighted: keys, strings and punctuation under the textarea's own text.
    expect(await rule.locator('.interface-input-code .highlight .tok-property').count()).toBeGreaterThan(0);
    await shot(page, 'interfaces-filter-raw-json');
    await rule.locator('[data-test=filter-raw]').click();
    // Removing rules down to one leaves that one node, not an _and of one.
    await group.locator('[data-test=filter-remove]').first().click();
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/things/1')).body.data.rule).toEqual({
      title: { _contains: 'First' },
    });
    await page.waitForURL(/\/content\/things$/);
  });

  it("filters the collection's items with the builder, and keeps the filter in the user's preset", async () => {
    expect((await t.api('POST', '/items/things', { title: 'Second', tone: 'green' })).status).toBe(200);
    await navigate(page, '/content/things');
    // The list was open already (the last save returned to it): load it again for the new item.
    await page.reload();
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(2);
    await page.locator('[data-test=filter-toggle] button').click();
    const filter = page.locator('[data-test=collection-filter]');
    await filter.locator('[data-test=filter-add]').selectOption('tone');
    // A rule still waiting for its value filters nothing.
    expect(await page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(2);
    await filter.locator('[data-filter-field=tone] [data-test=filter-value]').fill('green');
    await filter.locator('[data-filter-field=tone] [data-test=filter-value]').press('Tab');
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(1);
    expect(await page.locator('[data-layout=tabular] tr[data-item="2"]').count()).toBe(1);
    await eventually(async () => {
      const presets = (await t.api('GET', '/presets?filter[collection][_eq]=things')).body.data;
      return presets.map((p: any) => (typeof p.filter === 'string' ? JSON.parse(p.filter) : p.filter));
    }).toEqual([{ tone: { _eq: 'green' } }]);
    // Kept across a reload, and shown on the toggle.
    await page.reload();
    await eventually(() => page.locator('[data-test=filter-count]').textContent()).toBe('1');
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(1);
    await page.locator('[data-test=filter-toggle] button').click();
    await page.locator('[data-test=collection-filter] [data-test=filter-remove]').click();
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(2);
  });

  it("lists an item's revisions and reverts it to an earlier one", async () => {
    const id = (await t.api('POST', '/items/things', { title: 'Draft one' })).body.data.id;
    await t.api('PATCH', `/items/things/${id}`, { title: 'Draft two' });
    const revisions = (await t.api('GET', `/revisions?filter[collection][_eq]=things&filter[item][_eq]=${id}&sort=id`))
      .body.data;
    await navigate(page, `/content/things/${id}`);
    const panel = page.locator('[data-test=item-revisions]');
    await panel.locator('summary').click();
    await eventually(() => panel.locator('li[data-revision]').count()).toBe(2);
    // The newest is the item as it is: it has no revert.
    expect(await panel.locator(`li[data-revision="${revisions[1].id}"] [data-test=revert]`).count()).toBe(0);
    // Compare: the changed field's value before and after the change; a creation has no before.
    const newest = panel.locator(`li[data-revision="${revisions[1].id}"]`);
    await newest.locator('[data-test=compare] button').click();
    const title = newest.locator('[data-test=revision-changes] tr[data-field=title]');
    await eventually(() => title.locator('[data-test=before]').textContent()).toBe('Draft one');
    expect(await title.locator('[data-test=after]').textContent()).toBe('Draft two');
    const oldest = panel.locator(`li[data-revision="${revisions[0].id}"]`);
    await oldest.locator('[data-test=compare] button').click();
    const created = oldest.locator('[data-test=revision-changes] tr[data-field=title]');
    await eventually(() => created.locator('[data-test=after]').textContent()).toBe('Draft one');
    expect((await created.locator('[data-test=before]').textContent())?.trim()).toBe('');
    await panel.locator(`li[data-revision="${revisions[0].id}"] [data-test=revert] button`).click();
    await eventually(async () => (await t.api('GET', `/items/things/${id}`)).body.data.title).toBe('Draft one');
    await eventually(() => field('title').locator('input').inputValue()).toBe('Draft one');
    await eventually(() => panel.locator('li[data-revision]').count()).toBe(3);
  });

  it("sets and saves each of Directus's system pickers (collections, folder, language, raw text, fields, field tree, flow, interface, password)", async () => {
    await navigate(page, '/content/pickers/+');
    await field('target').locator('select').selectOption('things');
    await field('targets').getByLabel('Things', { exact: true }).check();
    await field('targets').getByLabel('Pickers', { exact: true }).check();
    // The folder picker lists the tree and shows the chosen folder's path.
    await field('folder').locator('[data-test=system-folder]').click();
    await page.locator(`[data-folder="${photosFolder}"]`).click();
    await eventually(() => field('folder').locator('input').inputValue()).toBe('Alpha / Photos');
    expect(await field('language').locator('option[value=de-DE]').textContent()).toMatch(/German/);
    await field('language').locator('select').selectOption('de-DE');
    // The raw editor keeps {{ placeholders }}: a JSON field stores the parsed object, a string the text.
    await field('body').locator('textarea').fill('{"to": "{{ $trigger.email }}"}');
    await field('subject').locator('input').fill('Hello {{ name }}');
    // Fields in order: three added from the field list, the last dragged to the top, one removed.
    for (const name of ['title', 'tone', 'color', 'icon']) {
      await field('columns').locator('[data-test=add-field]').click();
      await page.locator(`.v-field-list [data-field=${name}]`).click();
    }
    await field('columns').locator('[data-key=icon] [data-test=remove-field]').click();
    await field('columns')
      .locator('[data-key=color] .drag-handle')
      .dragTo(field('columns').locator('[data-key=title]'));
    await eventually(() =>
      field('columns')
        .locator('[data-key]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))),
    ).toEqual(['color', 'title', 'tone']);
    // The field tree follows the collection picked above and opens a relation on demand.
    const tree = field('tree');
    expect(await tree.getByRole('checkbox', { name: 'Filename Download' }).count()).toBe(0);
    await tree.getByRole('checkbox', { name: 'Title', exact: true }).click();
    const cover = tree
      .locator('li.v-checkbox-tree-node')
      .filter({ has: page.locator(':scope > .row', { hasText: 'Cover' }) });
    await cover.locator(':scope > .row .arrow').click();
    await cover.getByRole('checkbox', { name: 'Filename Download', exact: true }).click();
    await field('flow').locator('select').selectOption(flowId);
    await field('widget').locator('select').selectOption('select-radio');
    // The password field hides what is typed until its eye is clicked.
    await field('pin').locator('input').fill('1234');
    expect(await field('pin').locator('input').getAttribute('type')).toBe('password');
    await field('pin').locator('[data-test=toggle-password]').click();
    expect(await field('pin').locator('input').getAttribute('type')).toBe('text');
    expect(await page.getByText('is not available').count()).toBe(0);
    await page.click('[data-test=save-item]');
    await page.waitForURL(/\/content\/pickers$/);
    const saved = (await t.api('GET', '/items/pickers?limit=1')).body.data[0];
    expect(saved).toMatchObject({
      target: 'things',
      targets: ['things', 'pickers'],
      folder: photosFolder,
      language: 'de-DE',
      body: { to: '{{ $trigger.email }}' },
      subject: 'Hello {{ name }}',
      columns: ['color', 'title', 'tone'],
      tree: ['title', 'cover.filename_download'],
      flow: flowId,
      widget: 'select-radio',
      pin: '1234',
    });
  });

  it('logged no page error', () => {
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
