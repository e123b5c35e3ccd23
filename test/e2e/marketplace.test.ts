import path from 'node:path';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHost, type TestHost } from '../helpers/host.js';
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
import { startFixtureRegistry } from '../helpers/registry.js';

describe.skipIf(skipWithout('Chromium', SKIP_REASON))('marketplace page in a real browser', () => {
  let registry: MarketplaceServer;
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureAppBuilt();
    registry = await startFixtureRegistry();
    t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
    ({ browser, page } = await openApp(t));
    await markWindow(page);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await registry?.close();
  });

  const greeter = async () => {
    const res = await t.api('GET', '/greeter');
    return res.status === 200 ? res.body.version : res.status;
  };
  const state = () => page.locator('[data-test=installed-state]').textContent();

  it('searches, filters by type and opens the detail with versions, readme and requested scopes', async () => {
    await navigate(page, '/settings/marketplace');
    await page.fill('[data-test=marketplace-search]', 'greeter');
    const row = page.locator('tr[data-registry-extension="annex-market-greeter"]');
    await row.waitFor();
    await eventually(() => page.locator('tr[data-registry-extension]').count()).toBe(1);
    await page.selectOption('[data-test=marketplace-type]', 'layout');
    await eventually(() => page.locator('tr[data-registry-extension]').count()).toBe(0);
    await page.selectOption('[data-test=marketplace-type]', 'endpoint');
    await row.waitFor();
    await shot(page, 'market-01-search');
    await row.click();
    await page.waitForSelector('[data-detail="annex-market-greeter"]');
    const versions = await page.$$eval('[data-test=version] option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    expect(versions.sort()).toEqual(['1.0.0', '2.0.0']);
    await page.selectOption('[data-test=version]', '1.0.0');
    await eventually(() => page.locator('[data-test=requested-scopes]').textContent()).toContain('log');
    await shot(page, 'market-02-detail');
  });

  it('installs 1.0.0, grants its scopes and calls its endpoint', async () => {
    await page.click('[data-test=install]');
    await eventually(state, { timeout: 30_000 }).toBe('pending');
    expect(await greeter()).toBe(404);
    await shot(page, 'market-03-installed-pending');
    await page.click('[data-test=grant]');
    await eventually(state, { timeout: 20_000 }).toBe('active');
    expect(await greeter()).toBe('1.0.0');
    await shot(page, 'market-04-granted');
  });

  it('updates to 2.0.0: the scope diff waits for approval while 1.0.0 serves, then switches', async () => {
    await page.selectOption('[data-test=version]', '2.0.0');
    await page.click('[data-test=update]');
    const diff = page.locator('[data-test=scope-diff]');
    await diff.waitFor({ timeout: 30_000 });
    expect(await diff.textContent()).toContain('storage');
    expect(await greeter()).toBe('1.0.0');
    await shot(page, 'market-05-scope-diff');
    await page.click('[data-test=approve]');
    await eventually(greeter, { timeout: 20_000 }).toBe('2.0.0');
    await eventually(() => page.locator('[data-test=installed-version]').textContent()).toContain('2.0.0');
  });

  it('rolls back to 1.0.0 and uninstalls, without a page reload', async () => {
    await page.click('[data-test=rollback]');
    await eventually(greeter, { timeout: 20_000 }).toBe('1.0.0');
    await shot(page, 'market-06-rolled-back');
    await page.click('[data-test=uninstall]');
    await page.locator('[data-test=install]').waitFor({ timeout: 20_000 });
    expect(await greeter()).toBe(404);
    await shot(page, 'market-07-uninstalled');
    expect(await windowMarked(page)).toBe(true);
  });
});
