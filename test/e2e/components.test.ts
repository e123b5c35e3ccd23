// The global components in a real browser: a module extension (render functions resolving the
// components by name, as compiled extension templates do) renders inside private-view, opens a
// v-dialog, a v-menu and a v-drawer as overlays, and leaves no unknown v-* element behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { writePackage } from '../helpers/write-extension.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

const MODULE = `
import { defineModule } from '@directus/extensions-sdk';
import { h, ref, resolveComponent as r } from 'vue';

// Each stateful piece is its own component, as in a real module, so one toggle re-renders only it.
const DialogDemo = {
  setup() {
    const open = ref(false);
    return () => [
      h(r('v-button'), { 'data-test': 'open-dialog', onClick: () => (open.value = true) }, () => 'Dialog'),
      h(r('v-dialog'), { modelValue: open.value, 'onUpdate:modelValue': (v) => (open.value = v), onEsc: () => (open.value = false) }, () =>
        h(r('v-card'), { 'data-test': 'dialog-card' }, () => [
          h(r('v-card-title'), null, () => 'Export schema'),
          h(r('v-card-text'), null, () => h(r('v-radio'), { value: 'json', modelValue: 'json', label: 'JSON' })),
          h(r('v-card-actions'), null, () => h(r('v-button'), { 'data-test': 'close-dialog', onClick: () => (open.value = false) }, () => 'Done')),
        ])),
    ];
  },
};
const DrawerDemo = {
  setup() {
    const open = ref(false);
    return () => [
      h(r('v-button'), { 'data-test': 'open-drawer', secondary: true, onClick: () => (open.value = true) }, () => 'Drawer'),
      h(r('v-drawer'), { title: 'Edit', modelValue: open.value, 'onUpdate:modelValue': (v) => (open.value = v), onCancel: () => (open.value = false) }, () => h('p', { 'data-test': 'drawer-body' }, 'drawer content')),
    ];
  },
};
const MenuDemo = {
  setup() {
    const picked = ref(null);
    return () => h('div', { class: 'menu-demo' }, [
      h(r('v-menu'), { placement: 'bottom-start', showArrow: true }, {
        activator: ({ toggle }) => h(r('v-button'), { 'data-test': 'open-menu', onClick: toggle }, () => 'Menu'),
        default: () => h(r('v-list'), null, () => [h(r('v-list-item'), { clickable: true, 'data-test': 'menu-item', onClick: () => (picked.value = 'one') }, () => h(r('v-list-item-content'), null, () => 'One'))]),
      }),
      h('span', { 'data-test': 'picked' }, picked.value ?? ''),
    ]);
  },
};
const TabsDemo = {
  setup() {
    const tabs = ref([0]);
    return () => h('div', { class: 'tabs-demo' }, [
      h(r('v-tabs'), { modelValue: tabs.value, 'onUpdate:modelValue': (v) => (tabs.value = v) }, () => [h(r('v-tab'), null, () => 'First'), h(r('v-tab'), { 'data-test': 'tab-2' }, () => 'Second')]),
      h(r('v-tabs-items'), { modelValue: tabs.value }, () => [h(r('v-tab-item'), null, () => h('p', { 'data-test': 'tab-body' }, 'first body')), h(r('v-tab-item'), null, () => h('p', { 'data-test': 'tab-body' }, 'second body'))]),
    ]);
  },
};
const EmojiDemo = {
  setup() {
    const emoji = ref('');
    return () => h('div', { class: 'emoji-demo' }, [h(r('v-emoji-picker'), { 'onEmoji-selected': (e) => (emoji.value = e) }), h('span', { 'data-test': 'emoji' }, emoji.value)]);
  },
};
const RelationalDemo = {
  setup() {
    const item = ref(false);
    const pick = ref(false);
    const out = ref('');
    return () => h('div', { class: 'relational-demo' }, [
      h(r('v-button'), { 'data-test': 'open-drawer-item', onClick: () => (item.value = true) }, () => 'Edit note'),
      h(r('v-button'), { 'data-test': 'open-drawer-collection', onClick: () => (pick.value = true) }, () => 'Pick note'),
      h('span', { 'data-test': 'relational-out' }, out.value),
      h(r('drawer-item'), { active: item.value, collection: 'notes', primaryKey: 1, 'onUpdate:active': (v) => (item.value = v), onInput: (e) => (out.value = JSON.stringify(e)) }),
      h(r('drawer-collection'), { active: pick.value, collection: 'notes', 'onUpdate:active': (v) => (pick.value = v), onInput: (keys) => (out.value = JSON.stringify(keys)) }),
    ]);
  },
};
// Components added for issue 15's leftovers: the insights grid, batch editing, file picking and the code interface.
const MoreDemo = {
  setup() {
    const batch = ref(false);
    const files = ref(false);
    const code = ref({ a: 1 });
    const out = ref('');
    return () => h('div', { class: 'more-demo' }, [
      h(r('v-workspace'), { tiles: [{ id: 'w1', x: 1, y: 1, width: 10, height: 6, name: 'First' }, { id: 'w2', x: 12, y: 1, width: 8, height: 6, name: 'Second' }] }, { default: ({ tile }) => h('p', { 'data-test': 'workspace-body' }, tile.name) }),
      h(r('v-button'), { 'data-test': 'open-drawer-batch', onClick: () => (batch.value = true) }, () => 'Batch'),
      h(r('v-button'), { 'data-test': 'open-drawer-files', onClick: () => (files.value = true) }, () => 'Files'),
      h('span', { 'data-test': 'more-out' }, out.value),
      h(r('drawer-batch'), { active: batch.value, collection: 'notes', primaryKeys: [1, 2], stageOnSave: true, 'onUpdate:active': (v) => (batch.value = v), onInput: (e) => (out.value = JSON.stringify(e)) }),
      h(r('drawer-files'), { active: files.value, 'onUpdate:active': (v) => (files.value = v) }),
      h(r('interface-input-code'), { value: code.value, type: 'json', language: 'json', onInput: (v) => ((code.value = v), (out.value = JSON.stringify(v))) }),
    ]);
  },
};
const rows = [{ id: 1, name: 'Ada' }, { id: 2, name: 'Linus' }];
const Thrower = { setup() { throw new Error('child failed'); } };
const Page = {
  setup() {
    return () => h(r('private-view'), { title: 'Components demo' }, {
      navigation: () => h(r('v-list'), { nav: true }, () => [h(r('v-list-item'), { clickable: true }, () => [h(r('v-list-item-icon'), null, () => h(r('v-icon'), { name: 'home' })), h(r('v-list-item-content'), null, () => 'Home')])]),
      'title-outer:prepend': () => h(r('v-button'), { class: 'header-icon', rounded: true, icon: true, secondary: true }, () => h(r('v-icon'), { name: 'box' })),
      headline: () => h(r('v-breadcrumb'), { items: [{ name: 'Demo', to: '/annex-components-demo' }] }),
      actions: () => [h(DialogDemo), h(DrawerDemo)],
      sidebar: () => h(r('sidebar-detail'), { title: 'Info', icon: 'info' }, () => h(r('v-notice'), { type: 'info' }, () => 'About')),
      default: () => h('div', { class: 'demo' }, [
        h(MenuDemo),
        h(r('v-divider')),
        h(TabsDemo),
        h(r('v-chip'), { small: true }, () => 'chip'),
        h(r('v-badge'), { value: 3 }, () => h(r('v-icon'), { name: 'notifications' })),
        h(r('v-icon'), { name: 'not_a_real_icon_name_xyz', 'data-test': 'unknown-icon' }),
        h(r('v-icon'), { name: 'check', 'data-test': 'known-icon' }),
        h(r('v-icon'), { name: 'expand_more', filled: true, 'data-test': 'alias-icon' }),
        h(r('v-progress-linear'), { indeterminate: true }),
        h(r('v-skeleton-loader')),
        h(r('v-table'), { headers: [{ text: 'Name', value: 'name' }], items: rows }),
        h(r('v-fancy-select'), { items: [{ icon: 'bolt', text: 'Fast', value: 'fast' }] }),
        h(EmojiDemo),
        h(RelationalDemo),
        h('div', { class: 'workspace', style: 'display: grid; grid-template-columns: repeat(40, 20px); grid-auto-rows: 20px;' }, [h(r('v-workspace-tile'), { id: 'p1', x: 1, y: 1, width: 10, height: 6, name: 'Tile' }, () => h('p', { 'data-test': 'tile-body' }, 'tile'))]),
        h(MoreDemo),
        h(r('v-error-boundary'), { name: 'thrower' }, { default: () => h(Thrower), fallback: ({ error }) => h('span', { 'data-test': 'fallback' }, error.message) }),
      ]),
    });
  },
};

export default defineModule({ id: 'annex-components-demo', name: 'Components', icon: 'widgets', routes: [{ path: '', component: Page }] });
`;

describe.skipIf(Boolean(SKIP_REASON))('global components in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    writePackage(
      `${t.extensionsPath}/annex-components-demo`,
      {
        name: 'annex-components-demo',
        version: '1.0.0',
        type: 'module',
        'directus:extension': { type: 'module', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
      },
      { 'dist/index.js': MODULE },
    );
    await t.host.kernel.extensions.rescan();
    await createCollection(t, 'notes', { title: 'string' });
    await t.api('POST', '/items/notes', [{ title: 'First note' }, { title: 'Second note' }]);
    ({ browser, page, errors } = await openApp(t));
    await navigate(page, '/annex-components-demo');
    // The module's chunk is built on first use: slow on a loaded machine.
    await page.waitForSelector('.private-view .demo', { timeout: 90_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Elements the browser does not know as components: a v-* tag left in the DOM. */
  const unknownTags = () =>
    page.$$eval('*', (els) => [
      ...new Set(
        els
          .map((e) => e.tagName.toLowerCase())
          .filter((n) => /^(v-|private-view$|sidebar-detail$|render-|transition-)/.test(n)),
      ),
    ]);
  const fixedOverlay = (selector: string) =>
    page.$eval(selector, (el) => {
      const box = el.getBoundingClientRect();
      return {
        position: getComputedStyle(el).position,
        coversViewport: box.width >= window.innerWidth - 1 && box.height >= window.innerHeight - 1,
      };
    });

  it('renders the module inside private-view with its slots and no unknown component', async () => {
    expect(await page.textContent('.private-view .header-bar h1')).toBe('Components demo');
    expect(await page.locator('.private-view .navigation .v-list-item').count()).toBe(1);
    expect(await page.locator('.private-view .header-bar .actions [data-test=open-dialog]').count()).toBe(1);
    expect(await page.locator('.private-view .sidebar .sidebar-detail').count()).toBe(1);
    await page.waitForSelector('.v-table tr.table-row');
    await page.waitForSelector('.v-fancy-select-option');
    expect(await unknownTags()).toEqual([]);
    await shot(page, 'components-01-private-view');
  });

  it('v-error-boundary renders its fallback slot with the error of a child that threw', async () => {
    expect(await page.textContent('[data-test=fallback]')).toBe('child failed');
  });

  it('renders Material icons by name and a placeholder for an unknown name', async () => {
    await page.waitForSelector('[data-test=unknown-icon] [data-missing-icon]');
    expect(await page.textContent('[data-test=known-icon] i')).toBe('check');
    // An alias the font draws (not in the package's name list) is known, and filled uses the FILL axis.
    expect(await page.textContent('[data-test=alias-icon] i')).toBe('expand_more');
    expect(await page.$eval('[data-test=alias-icon] i', (el) => getComputedStyle(el).fontVariationSettings)).toBe(
      '"FILL" 1',
    );
    const font = await page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('24px "Material Symbols Outlined"', 'check');
    });
    expect(font).toBe(true);
  });

  it('opens v-dialog as a teleported modal overlay and closes it on Escape', async () => {
    expect(await page.locator('[data-test=dialog-card]').count()).toBe(0);
    await page.click('[data-test=open-dialog]');
    await page.waitForSelector('#dialog-outlet [role=dialog] [data-test=dialog-card]');
    expect(await fixedOverlay('#dialog-outlet [role=dialog]')).toEqual({ position: 'fixed', coversViewport: true });
    expect(await page.locator('.private-view [data-test=dialog-card]').count()).toBe(0);
    await shot(page, 'components-02-dialog');
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('[data-test=dialog-card]').count()).toBe(0);
  });

  it('opens v-menu as a floating popper under its activator and picks an item', async () => {
    await page.click('[data-test=open-menu]');
    const popper = page.locator('#menu-outlet .v-menu-popper');
    await popper.waitFor();
    expect(await popper.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    const [button, menu] = await Promise.all([
      page.locator('[data-test=open-menu] .button').boundingBox(),
      popper.boundingBox(),
    ]);
    expect(menu!.y).toBeGreaterThanOrEqual(button!.y + button!.height);
    await shot(page, 'components-03-menu');
    await page.click('[data-test=menu-item]');
    await eventually(() => popper.count()).toBe(0);
    expect(await page.textContent('[data-test=picked]')).toBe('one');
  });

  it('opens v-drawer from the right as an overlay and closes it with cancel', async () => {
    await page.click('[data-test=open-drawer]');
    await page.waitForSelector('#dialog-outlet .v-drawer [data-test=drawer-body]');
    expect(await fixedOverlay('#dialog-outlet .container.right')).toEqual({ position: 'fixed', coversViewport: true });
    const box = await page.locator('#dialog-outlet .v-drawer').boundingBox();
    expect(box!.x + box!.width).toBeGreaterThanOrEqual(1279);
    await shot(page, 'components-04-drawer');
    await page.click('#dialog-outlet .v-drawer .cancel .button');
    await eventually(() => page.locator('.v-drawer').count()).toBe(0);
  });

  it('picks an emoji from v-emoji-picker and lays a v-workspace-tile on its grid', async () => {
    await page.click('.emoji-demo .emoji-button .button');
    await page.click('#menu-outlet [data-emoji="🚀"]');
    await eventually(() => page.textContent('[data-test=emoji]')).toBe('🚀');
    const tile = await page.locator('.v-workspace-tile[data-tile=p1]').boundingBox();
    expect(Math.round(tile!.width)).toBe(200);
    expect(await page.textContent('.v-workspace-tile .header .name')).toBe('Tile');
  });

  it('drawer-item edits an item of a collection and emits the edits; drawer-collection picks one', async () => {
    await page.click('[data-test=open-drawer-item]');
    const title = page.locator('#dialog-outlet .v-drawer [data-field=title] input');
    await title.waitFor();
    await eventually(() => title.inputValue()).toBe('First note');
    await title.fill('Edited note');
    await page.click('#dialog-outlet [data-test=drawer-item-save] .button');
    await eventually(() => page.textContent('[data-test=relational-out]')).toBe('{"title":"Edited note","id":1}');
    await page.click('[data-test=open-drawer-collection]');
    const row = page.locator('#dialog-outlet .v-drawer tr.table-row[data-key="2"]');
    await row.waitFor();
    await row.click();
    await eventually(() => page.textContent('[data-test=relational-out]')).toBe('[2]');
    await eventually(() => page.locator('.v-drawer').count()).toBe(0);
  });

  it('lays v-workspace tiles on its grid, batch-edits in drawer-batch, opens drawer-files, edits JSON in interface-input-code', async () => {
    expect(await page.locator('.v-workspace .v-workspace-tile').count()).toBe(2);
    const second = await page.locator('.v-workspace .v-workspace-tile[data-tile=w2]').boundingBox();
    expect(Math.round(second!.width)).toBe(160);
    expect(await page.locator('[data-test=workspace-body]').allTextContents()).toEqual(['First', 'Second']);
    await page.click('[data-test=open-drawer-batch]');
    const title = page.locator('#dialog-outlet .v-drawer [data-field=title] input');
    await title.waitFor();
    await title.fill('Same title');
    await page.click('#dialog-outlet [data-test=drawer-batch-save] .button');
    await eventually(() => page.textContent('[data-test=more-out]')).toBe('{"title":"Same title"}');
    await eventually(() => page.locator('.v-drawer').count()).toBe(0);
    await page.click('[data-test=open-drawer-files]');
    // Files come from Directus's /files route (not /items/directus_files, which Directus refuses).
    await page.locator('#dialog-outlet .v-drawer').waitFor();
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('.v-drawer').count()).toBe(0);
    const code = page.locator('.more-demo .interface-input-code');
    expect(await code.locator('.line-number').count()).toBe(3);
    await code.locator('textarea').fill('{\n  "b": [1, 2]\n}');
    await eventually(() => page.textContent('[data-test=more-out]')).toBe('{"b":[1,2]}');
    await code.locator('textarea').fill('{ "b": ');
    expect(await code.getAttribute('class')).toContain('invalid');
    expect(await page.textContent('[data-test=more-out]')).toBe('{"b":[1,2]}');
  });

  it('switches v-tabs and v-tabs-items together', async () => {
    expect(await page.textContent('[data-test=tab-body]')).toBe('first body');
    await page.click('[data-test=tab-2]');
    await eventually(() => page.textContent('[data-test=tab-body]')).toBe('second body');
  });

  it('had no page error', () => {
    // Resource 404s come from endpoints other parts of the app probe; scripts and errors count.
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
