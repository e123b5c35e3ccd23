import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { ensureAppBuilt, eventually, login, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

/** A layout extension with Directus's three slots: an options component, a sidebar and (empty) actions. */
const LAYOUT = `
import { defineLayout, useItems } from '@directus/extensions-sdk';
import { computed, h, toRefs } from 'vue';

export default defineLayout({
  id: 'dm-compact-list',
  name: 'Compact list',
  icon: 'list',
  component: {
    props: ['items', 'compact'],
    setup(props) {
      return () => h('ul', { class: 'dm-list', 'data-compact': String(props.compact === true) }, (props.items ?? []).map((it) => h('li', { key: it.id }, it.title)));
    },
  },
  slots: {
    options: {
      props: ['compact'],
      emits: ['update:compact'],
      setup(props, { emit }) {
        return () => h('label', [h('input', { type: 'checkbox', 'data-test': 'dm-compact', checked: props.compact === true, onChange: (e) => emit('update:compact', e.target.checked) }), ' Compact']);
      },
    },
    sidebar: {
      props: ['items'],
      setup(props) {
        return () => h('p', { 'data-test': 'dm-count' }, (props.items ?? []).length + ' items');
      },
    },
    actions: () => null,
  },
  setup(props, { emit }) {
    const { collection } = toRefs(props);
    const { items } = useItems(collection, { limit: 100 });
    // Directus layouts keep their options in layoutOptions, written back through the wrapper.
    const compact = computed({
      get: () => props.layoutOptions?.compact === true,
      set: (value) => emit('update:layoutOptions', { ...(props.layoutOptions ?? {}), compact: value }),
    });
    return { items, compact };
  },
});
`;

describe.skipIf(Boolean(SKIP_REASON))('content layouts with their options and sidebar in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    const dir = path.join(t.extensionsPath, 'annex-e2e-dm-layout');
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'annex-e2e-dm-layout',
        version: '1.0.0',
        type: 'module',
        'directus:extension': { type: 'layout', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
      }),
    );
    fs.writeFileSync(path.join(dir, 'dist', 'index.js'), LAYOUT);
    await t.host.kernel.extensions.rescan();
    await createCollection(t, 'notes', { title: 'string' });
    await t.api('POST', '/items/notes', [{ title: 'one' }, { title: 'two' }]);
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('offers built-in and extension layouts; a built-in one shows no empty sidebar', async () => {
    await navigate(page, '/content/notes');
    await page.waitForSelector('[data-layout=tabular]');
    const offered = await page.$$eval('[data-test=layout-picker] option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    expect(offered).toEqual(expect.arrayContaining(['tabular', 'cards', 'dm-compact-list']));
    expect(await page.locator('[data-test=layout-sidebar]').count()).toBe(0);
  });

  it('renders the extension layout with its options component and sidebar; an option changes the layout and is kept', async () => {
    await page.selectOption('[data-test=layout-picker]', 'dm-compact-list');
    await page.waitForSelector('.dm-list li');
    await eventually(() => page.locator('[data-test=dm-count]').textContent()).toBe('2 items');
    expect(await page.getAttribute('.dm-list', 'data-compact')).toBe('false');
    await page.check('[data-test=layout-options] [data-test=dm-compact]');
    await eventually(() => page.getAttribute('.dm-list', 'data-compact')).toBe('true');
    await shot(page, 'dm-layout-options');
    await page.reload();
    await page.waitForSelector('.dm-list li');
    expect(await page.getAttribute('.dm-list', 'data-compact')).toBe('true');
    expect(await page.isChecked('[data-test=layout-options] [data-test=dm-compact]')).toBe(true);
  });

  it('keeps the choice in the user’s preset on the host, so another browser opens the collection the same way', async () => {
    const presets = (
      await t.api('GET', `/presets?filter=${encodeURIComponent(JSON.stringify({ collection: { _eq: 'notes' } }))}`)
    ).body.data;
    expect(presets).toHaveLength(1);
    expect(presets[0]).toMatchObject({
      layout: 'dm-compact-list',
      layout_options: { 'dm-compact-list': { compact: true } },
    });
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const fresh = await other.newPage();
      await login(fresh, t);
      await navigate(fresh, '/content/notes');
      await fresh.waitForSelector('.dm-list li');
      expect(await fresh.getAttribute('.dm-list', 'data-compact')).toBe('true');
    } finally {
      await other.close();
    }
  });

  it('logged no unexpected browser errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
