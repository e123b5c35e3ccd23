import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDirectusRegistry, type DirectusRegistry } from '../helpers/directus-registry.js';
import { createCollection, FIXTURES, startHost, type TestHost } from '../helpers/host.js';
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

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

const NAME = 'directus-sandboxed-stamp-hook';

describe.skipIf(Boolean(SKIP_REASON))('marketplace page against a Directus-only registry', () => {
  let reg: DirectusRegistry;
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureAppBuilt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-e2e-dreg-'));
    fs.cpSync(path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook'), dir, { recursive: true });
    reg = await startDirectusRegistry([{ dir }]);
    t = await startHost({ env: { MARKETPLACE_REGISTRY: reg.url } });
    await createCollection(t, 'notes', { title: 'string', stamp: 'string' });
    ({ browser, page } = await openApp(t));
    await markWindow(page);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await reg?.close();
  });

  const state = () => page.locator('[data-test=installed-state]').textContent();
  const stamp = async () => (await t.api('POST', '/items/notes', { title: 'n' })).body.data.stamp;

  it('searches, shows that the registry does not sign, installs; the hook waits for its events grant, then stamps; uninstalls', async () => {
    await navigate(page, '/settings/marketplace');
    await page.fill('[data-test=marketplace-search]', 'stamp');
    const row = page.locator(`tr[data-registry-extension="${NAME}"]`);
    await row.waitFor();
    await row.click();
    await page.waitForSelector(`[data-detail="${NAME}"]`);
    expect(await page.locator('[data-test=verification]').textContent()).toContain('Not signed by this registry');
    await page.click('[data-test=install]');
    await eventually(state, { timeout: 30_000 }).toBe('pending');
    expect(await stamp()).toBeNull();
    await shot(page, 'dreg-01-pending');
    await page.click('[data-test=grant]');
    await eventually(state, { timeout: 20_000 }).toBe('active');
    expect(await stamp()).toBe('x:notes');
    await page.click('[data-test=uninstall]');
    await page.locator('[data-test=install]').waitFor({ timeout: 20_000 });
    expect(await stamp()).toBeNull();
    expect(await windowMarked(page)).toBe(true);
  });
});
