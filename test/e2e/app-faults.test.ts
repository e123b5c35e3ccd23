import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { writePackage } from '../helpers/write-extension.js';
import { ensureAppBuilt, eventually, login, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

/** An interface extension (one ESM file importing only vue) whose component is `component` (source text). */
function writeInterface(root: string, name: string, id: string, component: string): void {
  writePackage(
    `${root}/${name}`,
    {
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': { type: 'interface', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
    },
    {
      'dist/index.js': `import { h, ref, onMounted, onUpdated } from 'vue';\nexport default { id: ${JSON.stringify(id)}, name: ${JSON.stringify(id)}, icon: 'bug_report', types: ['string'], component: ${component} };\n`,
    },
  );
}

/**
 * Broken app extensions never take the app down: a component that throws while rendering and
 * one that re-renders without end are each stopped at their extension's boundary, shown as a
 * fault in their place and reported to Settings → Extensions, while the rest of the form works.
 */
describe.skipIf(Boolean(SKIP_REASON))('faulty app extensions in the browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    writeInterface(
      t.extensionsPath,
      'annex-e2e-render-throws',
      'e2e-throws',
      `{ props: ['value'], setup() { return () => { throw new Error('boom while rendering'); }; } }`,
    );
    // Mounted → updated → updated …: each update schedules the next one, synchronously, forever.
    writeInterface(
      t.extensionsPath,
      'annex-e2e-render-loop',
      'e2e-loop',
      `{ props: ['value'], setup() { const n = ref(0); onMounted(() => n.value++); onUpdated(() => n.value++); return () => h('span', { class: 'e2e-loop' }, String(n.value)); } }`,
    );
    // A layout whose setup (run by the SDK's useLayout wrapper, not a component of its own) throws.
    writePackage(
      `${t.extensionsPath}/annex-e2e-layout-throws`,
      {
        name: 'annex-e2e-layout-throws',
        version: '1.0.0',
        type: 'module',
        'directus:extension': { type: 'layout', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
      },
      {
        'dist/index.js': `import { h } from 'vue';\nexport default { id: 'e2e-broken-layout', name: 'Broken layout', icon: 'bug_report', component: { setup: () => () => h('p', 'never') }, slots: { options: () => null, sidebar: () => null, actions: () => null }, setup() { throw new Error('layout setup boom'); } };\n`,
      },
    );
    await t.host.kernel.extensions.rescan();
    await createCollection(t, 'faults', {
      title: 'string',
      broken: { type: 'string', meta: { interface: 'e2e-throws' } },
      looping: { type: 'string', meta: { interface: 'e2e-loop' } },
    });
    await t.api('POST', '/items/faults', { title: 'Before' });
    ({ browser, page, errors } = await openApp(t, { login: false }));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows each broken interface as a fault in its place; the rest of the form still edits and saves', async () => {
    await login(page, t);
    await navigate(page, '/content/faults/1');
    const thrown = page.locator('[data-field=broken] .extension-fault[data-fault=APP_RENDER_FAILED]');
    const looped = page.locator('[data-field=looping] .extension-fault[data-fault=APP_RENDER_LOOP]');
    await thrown.waitFor();
    await looped.waitFor();
    expect(await thrown.getAttribute('data-extension')).toBe('annex-e2e-render-throws');
    expect(await looped.getAttribute('data-extension')).toBe('annex-e2e-render-loop');
    // The page answers (a frozen page would time out here) and the loop is over: no more renders.
    const count = () => page.evaluate(() => document.querySelectorAll('.e2e-loop').length);
    expect(await count()).toBe(0);
    await shot(page, 'faults-01-item-form');
    await page.fill('[data-field=title] input', 'After');
    await page.click('[data-test=save-item]');
    await eventually(async () => (await t.api('GET', '/items/faults/1')).body.data.title).toBe('After');
  });

  it('stops a layout whose setup throws at its boundary; the collection page keeps its layout picker', async () => {
    await navigate(page, '/content/faults');
    await page.waitForSelector('[data-test=layout-picker]');
    await page.selectOption('[data-test=layout-picker]', { label: 'Broken layout' });
    const fault = page.locator('.extension-fault[data-extension="annex-e2e-layout-throws"]');
    await fault.waitFor();
    expect(await fault.getAttribute('data-fault')).toBe('APP_RENDER_FAILED');
    await shot(page, 'faults-03-layout');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    await page.waitForSelector('[data-layout=tabular] tr[data-item="1"]');
  });

  it('shows what an extension adds to the notifications store, until dismissed', async () => {
    await page.evaluate(() =>
      (window as any).__annex.stores
        .useNotificationsStore()
        .add({ title: 'Saved by an extension', type: 'success', persist: true }),
    );
    const note = page.locator('.app-notification', { hasText: 'Saved by an extension' });
    await note.waitFor();
    await note.locator('.close').click();
    await eventually(() => note.count()).toBe(0);
  });

  it('names the broken extensions, with their codes, in Settings → Extensions', async () => {
    await navigate(page, '/settings/extensions');
    const throws = page.locator('tr[data-extension="annex-e2e-render-throws"]');
    const loop = page.locator('tr[data-extension="annex-e2e-render-loop"]');
    await eventually(() => throws.getAttribute('data-state')).toBe('failed');
    await eventually(() => loop.getAttribute('data-state')).toBe('failed');
    expect(await throws.locator('[data-test=last-error] code').textContent()).toBe('APP_RENDER_FAILED');
    expect(await loop.locator('[data-test=last-error] code').textContent()).toBe('APP_RENDER_LOOP');
    await shot(page, 'faults-02-settings');
    const reported = (await t.api('GET', '/extensions/sources/errors')).body.data;
    expect(reported.map((e: { extension: string; code: string }) => `${e.extension}:${e.code}`).sort()).toEqual([
      'annex-e2e-layout-throws:APP_RENDER_FAILED',
      'annex-e2e-render-loop:APP_RENDER_LOOP',
      'annex-e2e-render-throws:APP_RENDER_FAILED',
    ]);
  });

  it('logged no page error', () => {
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
