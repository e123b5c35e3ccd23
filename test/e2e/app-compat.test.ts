import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { corpus, ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

const fetched = SKIP_REASON ? { ok: false, reason: SKIP_REASON } : ensureCorpus();
if (!fetched.ok) console.warn(`[e2e] compat app extensions skipped: ${fetched.reason}`);

/** Every corpus package with an app side (app extensions, bundles with app entries, hybrid operations). */
const APP_PACKAGES = [
  '@ribertec/directus-extension-cep-autofill',
  '@directus-labs/liquidjs-operation',
  'directus-extension-computed-interface',
  'directus-extension-sleek-dark-theme',
  'directus-extension-schema-management-module',
  '@directus-labs/seo-plugin',
  'directus-extension-sweetalert-bundle',
];

/**
 * Elements Vue left as unknown tags: a Directus global component (`v-*`, `private-view`,
 * `sidebar-detail`, `transition-*`, `render-*`) that is not registered renders as an element of
 * that name with its slots inline. Other unknown custom tags are returned separately.
 */
async function unresolved(page: Page): Promise<{ directus: string[]; other: string[] }> {
  return page.evaluate(() => {
    const names = [...document.querySelectorAll('*')].map((e) => e.localName).filter((n) => n.includes('-'));
    const directus = names.filter((n) =>
      /^(v-|transition-|render-)|^(private-view|sidebar-detail|public-view|shared-view|value-null|user-popover)$/.test(
        n,
      ),
    );
    const other = names.filter((n) => !directus.includes(n) && customElements.get(n) === undefined);
    return { directus: [...new Set(directus)], other: [...new Set(other)] };
  });
}

/**
 * The public Directus app extensions render where Directus renders them: interfaces in the item
 * form, displays in the tabular layout, the module inside its private-view frame with its
 * dialogs opening as dialogs, the theme applied, the operation registered for the flow editor;
 * with every Directus component they use resolved and no page error.
 */
describe.skipIf(!fetched.ok)('public Directus app extensions in the browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];
  const others = new Set<string>();
  const check = async (where: string) => {
    const found = await unresolved(page);
    for (const o of found.other) others.add(o);
    expect(found.directus, where).toEqual([]);
  };

  beforeAll(async () => {
    expect(
      corpus()
        .filter((e) => e.entries?.some((x: { side: string }) => x.side === 'app'))
        .map((e) => e.name)
        .sort(),
    ).toEqual([...APP_PACKAGES].sort());
    ensureAppBuilt();
    t = await startHost();
    for (const name of APP_PACKAGES) extractCorpusPackage(name, t.extensionsPath);
    await t.host.kernel.extensions.rescan();
    // Sandboxed scopes (liquidjs) wait for an administrator as after a marketplace install.
    for (const row of (await t.api('GET', '/extensions')).body.data) {
      if (row.annex?.state === 'pending') await t.api('POST', `/extensions/${row.id}/grant`, {});
    }
    await createCollection(t, 'compat', {
      title: 'string',
      slug: {
        type: 'string',
        meta: { interface: 'computed', options: { template: '{{title}}-slug', initialCompute: true } },
      },
      seo: {
        type: 'json',
        meta: {
          interface: 'seo-interface',
          display: 'seo-display',
          options: { titleTemplate: '{{title}}', descriptionTemplate: '{{title}}' },
        },
      },
      cep: { type: 'string', meta: { interface: 'cep-autofill', display: 'cep-display' } },
      alert: { type: 'string', meta: { interface: 'sweetalert:button' } },
    });
    const created = await t.api('POST', '/items/compat', {
      title: 'Hello',
      seo: { title: 'Hello world', meta_description: 'A page about the world' },
      cep: '01001-000',
    });
    expect(created.status).toBe(200);
    ({ browser, page, errors } = await openApp(t));
  }, 180_000);
  afterAll(async () => {
    if (others.size)
      console.warn(
        `[e2e] unknown custom elements left by compat extensions (not Directus base components): ${[...others].join(', ')}`,
      );
    await browser?.close();
    await t?.close();
  });

  it('registers every app entry of every package, bundle entries whose ids differ from their names included', async () => {
    const registered = await page.evaluate(() => {
      const s = (window as any).__annex.registry.state;
      return {
        interfaces: s.interfaces.map((c: any) => c.id),
        displays: s.displays.map((c: any) => c.id),
        modules: s.modules.map((c: any) => c.id),
        themes: s.themes.map((c: any) => c.id),
        operations: s.operations.map((c: any) => c.id),
      };
    });
    expect(registered.interfaces).toEqual(
      expect.arrayContaining(['computed', 'seo-interface', 'cep-autofill', 'sweetalert:button']),
    );
    expect(registered.displays).toEqual(expect.arrayContaining(['seo-display', 'cep-display']));
    expect(registered.modules).toContain('schema-management-module');
    expect(registered.themes).toContain('sleek-dark');
    expect(registered.operations).toContain('liquidjs-operation');
  });

  it('renders each interface in the item form', async () => {
    await navigate(page, '/content/compat/1');
    const field = (name: string, iface: string) => page.locator(`[data-field=${name}][data-interface="${iface}"]`);
    await eventually(() => field('slug', 'computed').locator('input').inputValue()).toBe('Hello-slug');
    await field('seo', 'seo-interface').locator('[data-v-297559ff]').first().waitFor();
    await field('cep', 'cep-autofill').locator('input').first().waitFor();
    await field('alert', 'sweetalert:button').locator('.v-button').first().waitFor();
    expect(await page.locator('.form-field .extension-fault').count()).toBe(0);
    expect(await page.getByText('is not available').count()).toBe(0);
    await shot(page, 'compat-01-item-form');
    await check('item form');
  });

  it('renders each display in the tabular layout', async () => {
    await navigate(page, '/content/compat');
    await page.waitForSelector('[data-layout=tabular] tr[data-item="1"]');
    const row = page.locator('[data-layout=tabular] tr[data-item="1"]');
    await shot(page, 'compat-02-tabular-displays');
    expect(
      await page.evaluate(() =>
        (window as any).__annex.registry.state.faults.map((f: any) => `${f.id}: ${f.code} ${f.message}`),
      ),
    ).toEqual([]);
    await row.locator('[data-v-bc3389e4]').first().waitFor();
    // A display without its component falls back to the raw text span: the extension's own rendered instead.
    expect(
      await row
        .locator('.render-display[data-display="cep-display"], .render-display[data-display="seo-display"]')
        .count(),
    ).toBe(0);
    expect(await row.textContent()).toContain('01001');
    await shot(page, 'compat-02-tabular-displays');
    await check('tabular layout');
  });

  it('opens the module inside its private-view frame; its dialogs open as dialogs', async () => {
    await navigate(page, '/schema-management-module');
    await page.waitForURL('**/schema-management-module/schema');
    const frame = page.locator('.private-view');
    await frame.waitFor();
    expect(await frame.locator('.navigation').count()).toBe(1);
    await check('module page');
    await shot(page, 'compat-03-module');
    await frame.getByText('Import', { exact: true }).first().click();
    await page.getByText('From code', { exact: true }).click();
    const dialog = page.locator('[role=dialog]').filter({ hasText: 'Schema' });
    await dialog.waitFor();
    // A dialog, not inline content: it sits outside the module's frame, over the page.
    expect(await dialog.evaluate((el) => el.closest('.private-view') === null)).toBe(true);
    const box = await dialog.boundingBox();
    expect(box && box.width > 0 && box.height > 0).toBe(true);
    expect(
      await dialog.evaluate(
        (el) =>
          ['fixed', 'absolute'].includes(getComputedStyle(el).position) ||
          ['fixed', 'absolute'].includes(getComputedStyle(el.parentElement!).position),
      ),
    ).toBe(true);
    await shot(page, 'compat-04-module-dialog');
    await check('module dialog');
    await dialog.getByText('Close', { exact: true }).click();
    await eventually(() => page.locator('[role=dialog]').filter({ hasText: 'Schema' }).count()).toBe(0);
  });

  it('shows the operation app (liquidjs) on the flow editor canvas with its overview', async () => {
    const flow = (
      await t.api('POST', '/flows', {
        name: 'Compat flow',
        icon: 'bolt',
        trigger: 'manual',
        status: 'active',
        accountability: 'all',
        options: {},
      })
    ).body.data;
    const op = (
      await t.api('POST', '/operations', {
        flow: flow.id,
        key: 'liquid',
        type: 'liquidjs-operation',
        name: 'Liquid',
        position_x: 19,
        position_y: 1,
        options: { text: 'Hello {{ name }}' },
      })
    ).body.data;
    await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
    await navigate(page, `/settings/flows/${flow.id}`);
    const card = page.locator('[data-operation-type="liquidjs-operation"]');
    await card.waitFor();
    await eventually(() => card.locator('[data-overview="Text"]').textContent()).toBe('Hello {{ name }}');
    expect(await card.getByText('is not available').count()).toBe(0);
    await shot(page, 'compat-05-operation');
    await check('flow editor');
  });

  it('applies the sleek-dark theme', async () => {
    await page.selectOption('[data-test=theme-picker]', 'sleek-dark');
    await eventually(() =>
      page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--theme--border-radius').trim()),
    ).toBe('0.5rem');
    await shot(page, 'compat-06-theme');
    await page.selectOption('[data-test=theme-picker]', 'default-light');
  });

  it('logged no page error', () => {
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
