import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, createManyToMany, startHost, type TestHost } from '../helpers/host.js';
import { ensureCorpus, extractCorpusPackage, widerCorpus } from '../helpers/compat.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

const fetched = SKIP_REASON ? { ok: false, reason: SKIP_REASON } : ensureCorpus('wider');
if (!fetched.ok) console.warn(`[e2e] wider compat corpus skipped: ${fetched.reason}`);

const GROUP_META = { special: ['alias', 'no-data', 'group'] };

/**
 * Fifteen more published Directus extensions (test/compat/wider-corpus.json), loaded unchanged
 * into one host: every one loads, the app registers each app entry with no fault, and the ones a
 * form or a table shows work there. Two are group interfaces: they get the group's fields and the
 * form's values from the form, render those fields, and hand edits back with `apply`.
 */
describe.skipIf(!fetched.ok)('the wider corpus of published Directus extensions', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    for (const e of widerCorpus()) extractCorpusPackage(e.name, t.extensionsPath);
    await t.host.kernel.extensions.rescan();
    // Sandboxed operations wait for an administrator's grant, as after a marketplace install.
    for (const row of (await t.api('GET', '/extensions')).body.data) {
      if (row.annex?.state === 'pending') await t.api('POST', `/extensions/${row.id}/grant`, {});
    }
    await createCollection(t, 'wide', {
      title: 'string',
      slug: { type: 'string', meta: { interface: 'extension-wpslug', options: { template: '{{title}}' } } },
      masked: { type: 'string', meta: { interface: 'extension-masked-input', options: { mask: '000-000' } } },
      link: { type: 'string', meta: { interface: 'input', display: 'extension-display-link' } },
      act: { type: 'string', meta: { interface: 'field-actions', display: 'field-actions' } },
      body: { type: 'json', meta: { interface: 'flexible-editor-interface', display: 'flexible-editor-display' } },
      modal: { type: 'alias', meta: { ...GROUP_META, interface: 'extension-group-modal' } },
      tour: { type: 'alias', meta: { ...GROUP_META, interface: 'directus-labs-tour-group-interface' } },
      in_modal: { type: 'string', meta: { group: 'modal', interface: 'input' } },
      in_tour: { type: 'string', meta: { group: 'tour', interface: 'input' } },
    });
    // A many-to-many through wide_tags, drawn by the tags-m2m interface.
    await createCollection(t, 'tags', { name: 'string' });
    await createManyToMany(t, {
      collection: 'wide',
      field: 'tags',
      related: 'tags',
      junction: 'wide_tags',
      meta: { interface: 'extension-tags-m2m', options: { referencingField: 'name' } },
    });
    const [red] = (await t.api('POST', '/items/tags', [{ name: 'red' }, { name: 'blue' }])).body.data;
    const created = await t.api('POST', '/items/wide', {
      title: 'Hello World',
      link: 'https://example.com',
      act: 'abc',
      tags: [{ tags_id: red.id }],
    });
    expect(created.status).toBe(200);
    ({ browser, page, errors } = await openApp(t));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads every package, sandboxed operations included once granted', async () => {
    const rows = (await t.api('GET', '/extensions')).body.data.filter((r: any) => r.bundle === null);
    const state = (name: string) => {
      const row = rows.find((r: any) => r.annex?.name === name);
      return row
        ? `${row.annex.state}${row.annex.last_error ? `: ${JSON.stringify(row.annex.last_error)}` : ''}`
        : 'missing';
    };
    expect(Object.fromEntries(widerCorpus().map((e) => [e.name, state(e.name)]))).toEqual(
      Object.fromEntries(widerCorpus().map((e) => [e.name, 'active'])),
    );
  });

  it('registers every app entry without a fault', async () => {
    const state = await page.evaluate(() => {
      const s = (window as any).__annex.registry.state;
      const ids = (k: string) => s[k].map((c: any) => c.id);
      return {
        i: ids('interfaces'),
        d: ids('displays'),
        m: ids('modules'),
        o: ids('operations'),
        p: ids('panels'),
        faults: s.faults,
      };
    });
    expect(state.faults).toEqual([]);
    expect(state.i).toEqual(
      expect.arrayContaining([
        'extension-wpslug',
        'extension-masked-input',
        'field-actions',
        'flexible-editor-interface',
        'extension-group-modal',
        'directus-labs-tour-group-interface',
        'extension-tags-m2m',
      ]),
    );
    expect(state.d).toEqual(
      expect.arrayContaining(['extension-display-link', 'field-actions', 'flexible-editor-display']),
    );
    expect(state.m).toContain('generate-types');
    expect(state.p).toEqual(expect.arrayContaining(['html-panel', 'custom-query']));
    expect(state.o).toEqual(
      expect.arrayContaining([
        'directus-labs-ai-writer-operation',
        'directus-labs-ai-transcription',
        'directus-labs-image-moderation-operation',
        'directus-labs-focal-point-detection-operation',
        'directus-extension-typesense-rebuild-search-index',
      ]),
    );
  });

  it('renders each interface in the item form; wpslug reads the field-data the form passes', async () => {
    await navigate(page, '/content/wide/1');
    const field = (name: string) => page.locator(`[data-field=${name}]`);
    await field('body').locator('button').first().waitFor();
    await field('masked').locator('input').first().waitFor();
    // tags-m2m reads the relation and the related items through the app's stores and API.
    await eventually(() => field('tags').locator('.v-chip').allTextContents()).toEqual(['red']);
    // Without `field-data` wpslug's preview reads "undefined"; with it, the field's key.
    await eventually(() => field('slug').textContent()).toContain('slug');
    expect(await field('slug').textContent()).not.toContain('undefined');
    expect(await page.locator('.extension-fault').count()).toBe(0);
    expect(await page.getByText('is not available').count()).toBe(0);
    // The masked input (built for Directus 9) draws its border with Directus 9's variable names.
    const border = await field('masked')
      .locator('.input')
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return { style: s.borderTopStyle, width: s.borderTopWidth, background: s.backgroundColor };
      });
    expect(border).toEqual({ style: 'solid', width: '1px', background: 'rgb(255, 255, 255)' });
    await shot(page, 'wider-01-item-form');
  });

  it('a group interface renders its fields inside it, and an edit there is saved', async () => {
    const tour = page.locator('[data-field=tour][data-interface="directus-labs-tour-group-interface"]');
    const inTour = tour.locator('[data-field=in_tour] input');
    await inTour.fill('toured');
    // Fields in a group are drawn by the group, not at the form's top level.
    expect(
      await page.locator('.item-form > .v-form > [data-field=in_tour], .v-form > [data-field=in_modal]').count(),
    ).toBe(0);
    // The modal group: its button opens a dialog holding the group's field.
    await page.locator('[data-field=modal] button').first().click();
    const dialog = page.locator('[role=dialog]').filter({ has: page.locator('[data-field=in_modal]') });
    await dialog.waitFor();
    await dialog.locator('[data-field=in_modal] input').fill('in a dialog');
    await shot(page, 'wider-02-group-modal');
    await dialog
      .locator('button')
      .filter({ hasText: /done|close|apply/i })
      .first()
      .click()
      .catch(() => page.keyboard.press('Escape'));
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/wide/1')).body.data.in_tour).toBe('toured');
    expect((await t.api('GET', '/items/wide/1')).body.data.in_modal).toBe('in a dialog');
  });

  it('shows the displays in the tabular layout', async () => {
    await navigate(page, '/content/wide');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    const row = page.locator('[data-layout=tabular] tr[data-item="1"]');
    await row.waitFor();
    await eventually(() => row.locator('a[href="https://example.com"]').count()).toBeGreaterThan(0);
    expect(await row.locator('.render-display[data-display="extension-display-link"]').count()).toBe(0);
    await shot(page, 'wider-03-tabular');
  });

  it('opens the generate-types module', async () => {
    await navigate(page, '/generate-types');
    await eventually(() => page.locator('.private-view').getByText('TypeScript').count()).toBeGreaterThan(0);
  });

  it('logged no page error', () => {
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
