import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMarketplaceServer, type MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import {
  ensureAppBuilt,
  eventually,
  login,
  navigate,
  openApp,
  openPage,
  shot,
  SKIP_REASON,
  type E2EBrowser,
} from './browser.js';
import { writeMarketAppExtensions } from './market-app-fixtures.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

const options = (page: Page, select: string) =>
  page.$$eval(`${select} option`, (els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));

describe.skipIf(Boolean(SKIP_REASON))('Settings → Data Model in a real browser', () => {
  let registry: MarketplaceServer;
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    const seed = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-e2e-dm-seed-'));
    writeMarketAppExtensions(seed);
    registry = await createMarketplaceServer({
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'annex-e2e-dm-market-')),
      port: 0,
    });
    await registry.listen();
    await registry.seedFromDirectory(seed, { username: 'annex', verified: true });
    t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
    await createCollection(t, 'reviews', { title: 'string' });
    await t.api('POST', '/items/reviews', { title: 'First' });
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await registry?.close();
  });

  it('installs an interface from the local marketplace', async () => {
    await navigate(page, '/settings/marketplace');
    await page.fill('[data-test=marketplace-search]', 'rating');
    await page.click('tr[data-registry-extension="annex-market-rating"]');
    await page.click('[data-test=install]');
    await eventually(() => page.locator('[data-test=installed-state]').textContent(), { timeout: 30_000 }).toBe(
      'active',
    );
    await eventually(() =>
      page.evaluate(() =>
        (window as any).__annex.registry.state.interfaces.some((i: { id: string }) => i.id === 'market-rating'),
      ),
    ).toBe(true);
    // Back to the list (the detail replaces it), then the second one.
    await navigate(page, '/settings/extensions');
    await navigate(page, '/settings/marketplace');
    await page.fill('[data-test=marketplace-search]', 'badge');
    await page.click('tr[data-registry-extension="annex-market-badge"]');
    await page.click('[data-test=install]');
    await eventually(
      () =>
        page.evaluate(() =>
          (window as any).__annex.registry.state.interfaces.some((i: { id: string }) => i.id === 'market-badge'),
        ),
      { timeout: 30_000 },
    ).toBe(true);
  });

  it('creates a collection from the UI', async () => {
    await navigate(page, '/settings/data-model');
    await page.fill('[data-test=collection-name]', 'critics');
    await page.click('[data-test=create-collection]');
    await page.waitForSelector('[data-model-page=critics]');
    expect((await t.api('GET', '/collections/critics')).status).toBe(200);
    const pk = (await t.api('GET', '/fields/critics/id')).body.data;
    expect(pk.schema).toMatchObject({ is_primary_key: true, has_auto_increment: true });
    // Creating it again shows the API's error code in the list page (the shell shared with Flows).
    const again = await t.api('POST', '/collections', { collection: 'critics', meta: {}, fields: [] });
    const before = errors.length;
    await navigate(page, '/settings/data-model');
    await page.fill('[data-test=collection-name]', 'critics');
    await page.click('[data-test=create-collection]');
    await eventually(() => page.getAttribute('[data-error-code]', 'data-error-code')).toBe(
      again.body.errors[0].extensions.code,
    );
    // The refused request is the one browser error this step causes (taken out for the final check).
    expect(errors.splice(before).map((e) => /status of (\d+)/.exec(e)?.[1])).toEqual([String(again.status)]);
    await navigate(page, '/settings/data-model/critics');
    await page.waitForSelector('[data-model-page=critics]');
    // Its own settings: a note, and hidden from the content navigation.
    await page.click('[data-test=collection-meta] summary');
    await page.fill('[data-test=collection-note]', 'People who review');
    await page.check('[data-test=collection-hidden]');
    await page.click('[data-test=save-collection]');
    await page.waitForSelector('[data-test=collection-saved]');
    expect((await t.api('GET', '/collections/critics')).body.data.meta).toMatchObject({
      note: 'People who review',
      hidden: true,
    });
    await navigate(page, '/content');
    await page.waitForSelector('[data-collection=reviews]');
    expect(await page.locator('[data-collection=critics]').count()).toBe(0);
  });

  it('adds a field using the installed interface, offering only interfaces whose types include the field type, and fills its options', async () => {
    await navigate(page, '/settings/data-model/reviews');
    await page.click('[data-test=create-field]');
    await page.fill('[data-test=field-key]', 'score');
    await page.selectOption('[data-test=field-type]', 'boolean');
    expect(await options(page, '[data-test=field-interface]')).not.toContain('market-rating');
    expect(await options(page, '[data-test=field-interface]')).toContain('boolean');
    await page.selectOption('[data-test=field-type]', 'integer');
    const offered = await options(page, '[data-test=field-interface]');
    expect(offered).toContain('market-rating');
    expect(offered).not.toContain('boolean');
    await page.selectOption('[data-test=field-interface]', 'market-rating');
    await page.fill('[data-test=interface-options] [data-field=max] input', '7');
    await page.fill('[data-test=interface-options] [data-field=symbol] input', '♥');
    await page.fill('[data-test=field-note]', 'How good, out of seven');
    await page.selectOption('[data-test=field-width]', 'half');
    await page.check('[data-test=field-required]');
    await shot(page, 'dm-01-field-editor');
    await page.click('[data-test=save-field]');
    await page.waitForSelector('tr[data-model-field=score]');
    const stored = (await t.api('GET', '/fields/reviews/score')).body.data;
    expect(stored.type).toBe('integer');
    expect(stored.meta).toMatchObject({
      interface: 'market-rating',
      options: { max: 7, symbol: '♥' },
      note: 'How good, out of seven',
      width: 'half',
      required: true,
      hidden: false,
      readonly: false,
    });
  });

  it('edits the field again: the stored options come back into the form; a display with its options is chosen', async () => {
    await page.click('tr[data-model-field=score]');
    await page.waitForSelector('[data-test=field-editor]');
    expect(await page.inputValue('[data-test=interface-options] [data-field=max] input')).toBe('7');
    await page.fill('[data-test=interface-options] [data-field=max] input', '6');
    const displays = await options(page, '[data-test=field-display]');
    expect(displays).toEqual(expect.arrayContaining(['raw', 'formatted-value']));
    expect(displays).not.toContain('boolean');
    await page.selectOption('[data-test=field-display]', 'formatted-value');
    await page.fill('[data-test=display-options] [data-field=suffix] input', ' pts');
    await page.click('[data-test=save-field]');
    await eventually(async () => (await t.api('GET', '/fields/reviews/score')).body.data.meta.options.max).toBe(6);
    expect((await t.api('GET', '/fields/reviews/score')).body.data.meta).toMatchObject({
      display: 'formatted-value',
      display_options: { suffix: ' pts' },
      note: 'How good, out of seven',
    });
  });

  it("fills an interface's own options component (Directus lets options be a component)", async () => {
    await page.click('[data-test=create-field]');
    await page.fill('[data-test=field-key]', 'tone');
    await page.selectOption('[data-test=field-type]', 'string');
    await page.selectOption('[data-test=field-interface]', 'market-badge');
    await page.fill('[data-test=interface-options] [data-test=badge-color]', 'teal');
    await page.click('[data-test=save-field]');
    await page.waitForSelector('tr[data-model-field=tone]');
    expect((await t.api('GET', '/fields/reviews/tone')).body.data.meta).toMatchObject({
      interface: 'market-badge',
      options: { color: 'teal' },
    });
  });

  it('opens an item and uses the interface', async () => {
    await navigate(page, '/content/reviews/1');
    const stars = page.locator('[data-field=score] .market-rating button');
    await eventually(() => stars.count()).toBe(6);
    await page.click('[data-field=score] [data-star="4"]');
    expect(await page.getAttribute('[data-field=tone] .market-badge', 'data-color')).toBe('teal');
    await page.fill('[data-field=tone] .market-badge', 'calm');
    await shot(page, 'dm-02-item-with-interface');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/reviews/1')).body.data.score).toBe(4);
    expect((await t.api('GET', '/items/reviews/1')).body.data.tone).toBe('calm');
    // The table layout shows the value with the display chosen in the data model.
    await navigate(page, '/content/reviews');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    await eventually(() =>
      page.locator('[data-layout=tabular] [data-display=formatted-value]').first().textContent(),
    ).toBe('4 pts');
  });

  it('creates a group field, puts a field in it, and the item form draws that field inside the group', async () => {
    await navigate(page, '/settings/data-model/reviews');
    await page.click('[data-test=create-field]');
    await page.fill('[data-test=field-key]', 'details');
    await page.selectOption('[data-test=field-type]', 'group');
    const offered = await options(page, '[data-test=field-interface]');
    expect(offered).toEqual(expect.arrayContaining(['group-detail', 'group-accordion', 'group-raw']));
    expect(offered).not.toContain('market-rating');
    expect(await page.locator('[data-test=field-display]').count()).toBe(0);
    await page.selectOption('[data-test=field-interface]', 'group-detail');
    await page.click('[data-test=save-field]');
    await page.waitForSelector('tr[data-model-field=details]');
    const group = (await t.api('GET', '/fields/reviews/details')).body.data;
    expect(group).toMatchObject({ type: 'alias', schema: null, meta: { interface: 'group-detail' } });
    expect(group.meta.special).toEqual(['alias', 'no-data', 'group']);

    await page.click('tr[data-model-field=tone]');
    await page.waitForSelector('[data-test=field-editor]');
    // Only group fields are offered as groups.
    const groups = await options(page, '[data-test=field-group]');
    expect(groups).toContain('details');
    expect(groups).not.toEqual(expect.arrayContaining(['title']));
    expect(groups).not.toContain('score');
    await page.selectOption('[data-test=field-group]', 'details');
    await page.click('[data-test=save-field]');
    await eventually(async () => (await t.api('GET', '/fields/reviews/tone')).body.data.meta.group).toBe('details');
    // Its other meta is kept.
    expect((await t.api('GET', '/fields/reviews/tone')).body.data.meta).toMatchObject({
      interface: 'market-badge',
      options: { color: 'teal' },
    });

    await navigate(page, '/content/reviews/1');
    const inGroup = page.locator('[data-field=details][data-interface=group-detail] [data-field=tone] .market-badge');
    await inGroup.waitFor();
    expect(await page.locator('[data-field=tone]').count()).toBe(1);
    await inGroup.fill('inside');
    await shot(page, 'dm-03-group-detail');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/reviews/1')).body.data.tone).toBe('inside');
    // Saving returns to the list; only then open the item again (else the two navigations race).
    await page.waitForURL(/\/content\/reviews$/);
    // The detail group closes on its header.
    await navigate(page, '/content/reviews/1');
    await page.locator('[data-field=details] [data-test=group-toggle]').click();
    await eventually(() => page.locator('[data-field=tone]').count()).toBe(0);
    // As an accordion (closed at first), each field in the group is a section opened by its header.
    await t.api('PATCH', '/fields/reviews/details', { meta: { interface: 'group-accordion' } });
    await page.reload(); // the app loads the fields again
    const section = page.locator('[data-field=details][data-interface=group-accordion] [data-section=tone]');
    await section.waitFor();
    expect(await page.locator('[data-field=tone]').count()).toBe(0);
    await section.locator('.accordion-header').click();
    await eventually(() => section.locator('[data-field=tone] .market-badge').inputValue()).toBe('inside');
    // With more than one section allowed open, a shift-click opens every section (as Directus's).
    await t.api('PATCH', '/fields/reviews/score', { meta: { group: 'details' } });
    await t.api('PATCH', '/fields/reviews/details', { meta: { options: { accordionMode: false } } });
    await page.reload();
    await page.locator('[data-section=score] .accordion-header').click({ modifiers: ['Shift'] });
    await eventually(() => page.locator('[data-field=details] .accordion-section > .v-form').count()).toBe(2);
    await t.api('PATCH', '/fields/reviews/score', { meta: { group: null } });
  });

  it("applies a field's conditions to the values on screen: a field hides and becomes required as another changes", async () => {
    await t.api('PATCH', '/fields/reviews/details', { meta: { interface: 'group-raw' } });
    await t.api('PATCH', '/fields/reviews/score', {
      meta: { conditions: [{ name: 'Hidden when quiet', rule: { tone: { _eq: 'quiet' } }, hidden: true }] },
    });
    await t.api('PATCH', '/fields/reviews/title', {
      meta: { conditions: [{ name: 'Required when loud', rule: { tone: { _eq: 'loud' } }, required: true }] },
    });
    await page.reload();
    const tone = page.locator('[data-field=tone] .market-badge');
    await tone.waitFor();
    expect(await page.locator('[data-field=score]').count()).toBe(1);
    await tone.fill('quiet');
    await eventually(() => page.locator('[data-field=score]').count()).toBe(0);
    await tone.fill('loud');
    await eventually(() => page.locator('[data-field=score]').count()).toBe(1);
    expect(await page.locator('[data-field=title] .field-required').count()).toBe(1);
    await tone.fill('calm');
    await eventually(() => page.locator('[data-field=title] .field-required').count()).toBe(0);
  });

  it("adds the project's own field to a system collection; its built-in fields stay locked", async () => {
    await navigate(page, '/settings/data-model');
    await page.click('[data-test=system-collections] [data-model-collection=directus_users]');
    await page.waitForSelector('tr[data-model-field=email][data-system]');
    expect(await page.locator('[data-test=delete-field-email]').count()).toBe(0);
    expect(await page.locator('[data-test=delete-collection]').count()).toBe(0);
    await page.click('[data-test=create-field]');
    await page.fill('[data-test=field-key]', 'nickname');
    await page.selectOption('[data-test=field-type]', 'string');
    await page.click('[data-test=save-field]');
    await page.waitForSelector('tr[data-model-field=nickname]:not([data-system])');
    const stored = (await t.api('GET', '/fields/directus_users/nickname')).body.data;
    expect(stored).toMatchObject({ type: 'string', meta: { system: false } });
    expect((await t.api('GET', '/fields/directus_users/email')).body.data.meta.system).toBe(true);
  });

  it('sets up a many-to-one relation from the UI', async () => {
    await navigate(page, '/settings/data-model/reviews');
    await page.click('[data-test=create-relation]');
    await page.selectOption('[data-test=relation-kind]', 'm2o');
    await page.fill('[data-test=relation-field]', 'critic');
    await page.selectOption('[data-test=relation-related]', 'critics');
    await page.click('[data-test=save-relation]');
    await page.waitForSelector('tr[data-model-field=critic]');
    const relation = (await t.api('GET', '/relations/reviews/critic')).body.data;
    expect(relation).toMatchObject({ collection: 'reviews', field: 'critic', related_collection: 'critics' });
  });

  it("adds Directus's translations field from the UI: a languages collection, the junction and the interface", async () => {
    await navigate(page, '/settings/data-model/reviews');
    await page.click('[data-test=create-relation]');
    await page.selectOption('[data-test=relation-kind]', 'translations');
    await page.fill('[data-test=relation-field]', 'translations');
    await page.click('[data-test=save-relation]');
    await page.waitForSelector('tr[data-model-field=translations]');
    expect((await t.api('GET', '/fields/reviews/translations')).body.data.meta).toMatchObject({
      special: ['translations'],
      interface: 'translations',
    });
    expect((await t.api('GET', '/items/languages?fields=code&sort=code')).body.data.length).toBe(5);
    expect((await t.api('POST', '/fields/reviews_translations', { field: 'summary', type: 'string' })).status).toBe(
      200,
    );
    // An item's form offers each language's summary.
    const created = await t.api('POST', '/items/reviews', { title: 'Second', score: 4 });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const review = created.body.data.id;
    await page.goto(`${t.url}/admin/content/reviews/${review}`);
    const translations = page.locator('[data-field=translations] [data-test=translations]');
    await translations.locator('[data-test=translations-language-0]').selectOption('fr-FR');
    await translations.locator('[data-field=summary] input').fill('Très bien');
    await page.click('[data-test=save-item]');
    await eventually(
      async () =>
        (
          await t.api(
            'GET',
            `/items/reviews_translations?filter[reviews_id][_eq]=${review}&fields=languages_id,summary`,
          )
        ).body.data,
    ).toEqual([{ languages_id: 'fr-FR', summary: 'Très bien' }]);
  });

  it('a non-admin gets no Settings module and sees only the collections they may read', async () => {
    await createCollection(t, 'secrets', { code: 'string' });
    await createUser(t, 'reader', [{ collection: 'reviews', action: 'read' }]);
    const other = await openPage(browser);
    await other.page.goto(`${t.url}/admin/login`);
    await other.page.fill('input[name=email]', 'reader@example.com');
    await other.page.fill('input[name=password]', 'secret-password');
    await other.page.click('[data-test=login-submit]');
    await other.page.waitForSelector('.module-bar [data-module=content]');
    const modules = await other.page.$$eval('.module-bar [data-module]', (els) =>
      els.map((e) => e.getAttribute('data-module')),
    );
    expect(modules).not.toContain('settings');
    await other.page.waitForSelector('[data-collection=reviews]');
    expect(await other.page.locator('[data-collection=secrets]').count()).toBe(0);
    // Read without create: the items are listed, the create button is not offered.
    await other.page.click('[data-collection=reviews]');
    await other.page.waitForSelector('[data-layout] [data-item], [data-layout] tr[data-item]');
    expect(await other.page.locator('[data-test=create-item]').count()).toBe(0);
    await other.page.close();
  });

  it('logged no unexpected browser errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
