// The components Directus registers that Annex added last (v-field-select, export-sidebar-detail,
// docs-wrapper, public-view, shared-view) and user-popover, used by a module in a real browser:
// fields are added and removed, a JSON file is imported and a CSV exported, the user card loads.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { writePackage } from '../helpers/write-extension.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

const MODULE = (userId: string) => `
import { defineModule } from '@directus/extensions-sdk';
import { h, ref, resolveComponent as r } from 'vue';

const Page = {
  setup() {
    const fields = ref(['title']);
    const refreshed = ref(0);
    const downloads = ref(0);
    const docTitle = ref('');
    return () => h(r('private-view'), { title: 'Views demo' }, {
      sidebar: () => h(r('export-sidebar-detail'), { collection: 'notes', layoutQuery: { fields: ['id', 'title'], limit: 10 }, onRefresh: () => refreshed.value++, onDownload: () => downloads.value++ }),
      default: () => h('div', { class: 'views-demo' }, [
        h(r('v-field-select'), { collection: 'notes', modelValue: fields.value, 'onUpdate:modelValue': (v) => (fields.value = v) }),
        h('span', { 'data-test': 'fields-out' }, fields.value.join(',')),
        h('span', { 'data-test': 'refreshed' }, String(refreshed.value)),
        h('span', { 'data-test': 'downloads' }, String(downloads.value)),
        h(r('user-popover'), { user: ${JSON.stringify(userId)} }, () => h('span', { 'data-test': 'popover-trigger' }, 'who?')),
        h(r('docs-wrapper'), { frontmatter: { title: 'Guide', pageClass: 'page-reference' }, 'onUpdate:title': (v) => (docTitle.value = v) }, () => h('p', { 'data-test': 'doc-body' }, 'doc')),
        h('span', { 'data-test': 'doc-title' }, docTitle.value),
        h('div', { class: 'frames' }, [
          h(r('shared-view'), { inline: true }, { title: () => h('h1', { 'data-test': 'shared-title' }, 'Shared note'), default: () => h('p', { 'data-test': 'shared-body' }, 'shared') }),
          h(r('public-view'), { wide: true }, { default: () => h('p', { 'data-test': 'public-body' }, 'public'), notice: () => h('span', { 'data-test': 'public-notice' }, 'notice') }),
        ]),
      ]),
    });
  },
};
export default defineModule({ id: 'annex-views-demo', name: 'Views', icon: 'widgets', routes: [{ path: '', component: Page }] });
`;

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

describe.skipIf(Boolean(SKIP_REASON))(
  'v-field-select, export-sidebar-detail, user-popover and the view frames in a real browser',
  () => {
    let t: TestHost;
    let browser: E2EBrowser;
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      ensureAppBuilt();
      t = await startHost();
      await createCollection(t, 'notes', { title: 'string', body: 'string' });
      await t.api('POST', '/items/notes', [{ title: 'First note' }, { title: 'Second, "quoted"' }]);
      const me = (await t.api('GET', '/users/me')).body.data;
      writePackage(
        `${t.extensionsPath}/annex-views-demo`,
        {
          name: 'annex-views-demo',
          version: '1.0.0',
          type: 'module',
          'directus:extension': { type: 'module', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
        },
        { 'dist/index.js': MODULE(me.id) },
      );
      await t.host.kernel.extensions.rescan();
      ({ browser, page, errors } = await openApp(t));
      await navigate(page, '/annex-views-demo');
      await page.waitForSelector('.private-view .views-demo', { timeout: 90_000 });
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('v-field-select removes a field on a chip click and adds one from its menu', async () => {
      await page.waitForSelector('.v-field-select .v-chip[data-field=title]');
      await page.click('.v-field-select .v-chip[data-field=title]');
      await eventually(() => page.textContent('[data-test=fields-out]')).toBe('');
      await page.click('.v-field-select .add .v-button .button, .v-field-select .add button');
      await page.click('#menu-outlet .v-list-item[data-field=body]');
      await eventually(() => page.textContent('[data-test=fields-out]')).toBe('body');
    });

    it('export-sidebar-detail imports a JSON file into the collection and exports the layout query as CSV', async () => {
      await page.click('.sidebar-detail[data-sidebar-detail="Import / Export"] .toggle');
      await page.setInputFiles('.export-sidebar-detail .import-file', {
        name: 'notes.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify([{ title: 'Imported' }])),
      });
      await page.click('.export-sidebar-detail .import-button .button, .export-sidebar-detail .import-button');
      await eventually(() => page.textContent('[data-test=refreshed]')).toBe('1');
      const titles = (await t.api('GET', '/items/notes?fields=title&sort=id')).body.data.map(
        (n: { title: string }) => n.title,
      );
      expect(titles).toEqual(['First note', 'Second, "quoted"', 'Imported']);
      // A file that is not JSON is refused with a code, and nothing is imported.
      await page.setInputFiles('.export-sidebar-detail .import-file', {
        name: 'bad.json',
        mimeType: 'application/json',
        buffer: Buffer.from('[oops'),
      });
      await page.click('.export-sidebar-detail .import-button .button, .export-sidebar-detail .import-button');
      await eventually(() => page.getAttribute('.export-sidebar-detail [data-code]', 'data-code')).toBe(
        'INVALID_PAYLOAD',
      );
      expect((await t.api('GET', '/items/notes?meta=filter_count&limit=1')).body.meta.filter_count).toBe(3);

      await page.click('.export-sidebar-detail .download-local');
      await eventually(() => page.textContent('[data-test=downloads]')).toBe('1');
      await page.click('.export-sidebar-detail .export-button .button, .export-sidebar-detail .export-button');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#dialog-outlet .start-export .button, #dialog-outlet .start-export'),
      ]);
      expect(download.suggestedFilename()).toBe('notes.csv');
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\n')).toEqual(['id,title', '1,First note', '2,"Second, ""quoted"""', '3,Imported']);
      await shot(page, 'components-views-export');
    });

    it("user-popover shows the user's card on hover", async () => {
      await page.hover('[data-test=popover-trigger]');
      await page.waitForSelector('#menu-outlet .user-popover-box .email', { timeout: 15_000 });
      expect(await page.textContent('#menu-outlet .user-popover-box .email')).toBe('admin@example.com');
    });

    it('docs-wrapper reports its front matter title; shared-view and public-view render their slots', async () => {
      expect(await page.textContent('[data-test=doc-title]')).toBe('Guide');
      expect(await page.locator('.docs-wrapper.page-reference [data-test=doc-body]').count()).toBe(1);
      expect(await page.locator('.shared-view.inline [data-test=shared-title]').count()).toBe(1);
      expect(await page.locator('.shared-view .content [data-test=shared-body]').count()).toBe(1);
      expect(await page.locator('.public-view .container.wide .content [data-test=public-body]').count()).toBe(1);
      expect(await page.locator('.public-view .notice [data-test=public-notice]').count()).toBe(1);
      const unknown = await page.$$eval('*', (els) => [
        ...new Set(
          els
            .map((e) => e.tagName.toLowerCase())
            .filter((n) =>
              /^(v-|private-view$|sidebar-detail$|export-sidebar-detail$|user-popover$|docs-wrapper$|shared-view$|public-view$)/.test(
                n,
              ),
            ),
        ),
      ]);
      expect(unknown).toEqual([]);
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    });
  },
);
