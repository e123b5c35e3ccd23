import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import {
  ensureAppBuilt,
  eventually,
  markWindow,
  navigate,
  openApp,
  shot,
  SKIP_REASON,
  windowMarked,
  type E2EBrowser,
} from './browser.js';
import { skipWithout } from '../helpers/requires.js';

/** Rewrites a built file the way a bundler does (write, then rename over). */
function rewrite(file: string, edit: (code: string) => string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, edit(fs.readFileSync(file, 'utf8')));
  fs.renameSync(tmp, file);
}

describe.skipIf(skipWithout('Chromium', SKIP_REASON))(
  'app extension hot reload in an open browser (EXTENSIONS_AUTO_RELOAD)',
  () => {
    let t: TestHost;
    let browser: E2EBrowser;
    let page: Page;
    let file: string;
    let original: string;

    beforeAll(async () => {
      ensureAppBuilt();
      t = await startHost({
        extensions: ['extensions/annex-sample-app-layout', 'extensions/annex-sample-app-module'],
        env: { EXTENSIONS_AUTO_RELOAD: 'true' },
      });
      file = path.join(t.extensionsPath, 'annex-sample-app-layout', 'dist', 'index.js');
      original = fs.readFileSync(file, 'utf8');
      await createCollection(t, 'notes', { title: 'string' });
      await t.api('POST', '/items/notes', [{ title: 'first' }, { title: 'second' }]);
      ({ browser, page } = await openApp(t));
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    const label = () => page.locator('.sample-list-label').textContent();

    it('an edited layout changes on screen without a page reload', async () => {
      await navigate(page, '/content/notes');
      await page.waitForSelector('[data-test=layout-picker]');
      await page.selectOption('[data-test=layout-picker]', { label: 'Sample list' });
      await page.waitForSelector('.sample-list li');
      expect(await label()).toBe('Sample list');
      await markWindow(page);
      await shot(page, 'hot-01-before-edit');

      rewrite(file, (code) => code.replace("const LABEL = 'Sample list';", "const LABEL = 'Sample list (edited)';"));
      await eventually(label, { timeout: 10_000 }).toBe('Sample list (edited)');
      await eventually(() => page.locator('.sample-list li').count()).toBe(2);
      expect(await windowMarked(page)).toBe(true);
      expect(await page.evaluate(() => (window as any).__annex.registry.state.swaps)).toBeGreaterThanOrEqual(1);
      await shot(page, 'hot-02-after-edit');
    });

    it('a broken edit keeps the last good version on screen and shows the error; the next good save recovers', async () => {
      rewrite(file, (code) => code.replace('export default defineLayout({', 'export default defineLayout({{'));
      await eventually(
        async () => (await t.api('GET', '/extensions/sources/errors')).body.data.map((e: { code: string }) => e.code),
        { timeout: 10_000 },
      ).toEqual(['APP_BUILD_FAILED']);
      await eventually(
        () => page.evaluate(() => (window as any).__annex.registry.state.status['annex-sample-app-layout']?.state),
        { timeout: 10_000 },
      ).toBe('failed');
      expect(await label()).toBe('Sample list (edited)');
      await shot(page, 'hot-03-broken-edit');

      rewrite(file, () => original.replace("const LABEL = 'Sample list';", "const LABEL = 'Sample list (fixed)';"));
      await eventually(label, { timeout: 10_000 }).toBe('Sample list (fixed)');
      expect((await t.api('GET', '/extensions/sources/errors')).body.data).toEqual([]);
      expect(await windowMarked(page)).toBe(true);
      await shot(page, 'hot-04-recovered');
    });

    it('an edited module extension swaps its routes and re-renders the open page without a reload', async () => {
      const moduleFile = path.join(t.extensionsPath, 'annex-sample-app-module', 'dist', 'index.js');
      await page.click('.module-bar [data-module=sample-module]');
      const text = () => page.locator('.sample-module').textContent();
      await eventually(text).toBe('Sample module');
      await shot(page, 'hot-05-module-before');
      rewrite(moduleFile, (code) =>
        code.replace("const TEXT = 'Sample module';", "const TEXT = 'Sample module, edited';"),
      );
      await eventually(text, { timeout: 10_000 }).toBe('Sample module, edited');
      expect(page.url()).toMatch(/\/admin\/sample-module$/);
      expect(await windowMarked(page)).toBe(true);
      await shot(page, 'hot-06-module-after');
    });
  },
);
