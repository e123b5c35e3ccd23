import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';
import { ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import {
  ensureAppBuilt,
  eventually,
  login,
  markWindow,
  navigate,
  openApp,
  openPage,
  shot,
  SKIP_REASON,
  windowMarked,
  type E2EBrowser,
} from './browser.js';
import { skipWithout } from '../helpers/requires.js';

const corpus = SKIP_REASON ? { ok: false, reason: SKIP_REASON } : ensureCorpus();
const skipCompat = !SKIP_REASON && skipWithout('the npm registry (compat corpus)', corpus.reason);

describe.skipIf(skipWithout('Chromium', SKIP_REASON))('admin app in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    // Sandboxed scopes wait for an admin (EXTENSIONS_SANDBOX_GRANT=none), as marketplace installs do.
    t = await startHost({
      extensions: [
        'extensions/annex-sample-app-layout',
        'broken/annex-sample-app-throws',
        'broken/annex-sample-app-syntax',
        'extensions/annex-sample-app-bundle',
      ],
      env: { EXTENSIONS_SANDBOX_GRANT: 'none' },
    });
    const sandboxed = writeEndpoint(t.extensionsPath, 'annex-e2e-sandboxed', 'hello from the sandbox', {
      sandbox: true,
    });
    const pkg = JSON.parse(fs.readFileSync(`${sandboxed}/package.json`, 'utf8'));
    pkg['directus:extension'].sandbox.requestedScopes = { log: {}, sleep: {} };
    fs.writeFileSync(`${sandboxed}/package.json`, JSON.stringify(pkg));
    await t.host.kernel.extensions.rescan();
    if (corpus.ok) {
      extractCorpusPackage('directus-extension-sleek-dark-theme', t.extensionsPath);
      extractCorpusPackage('directus-extension-computed-interface', t.extensionsPath);
      await t.host.kernel.extensions.rescan();
    }
    await createCollection(t, 'articles', {
      title: 'string',
      views: 'integer',
      status: {
        type: 'string',
        meta: {
          interface: 'select-dropdown',
          options: {
            choices: [
              { text: 'Draft', value: 'draft' },
              { text: 'Published', value: 'published' },
            ],
          },
        },
      },
      ...(corpus.ok
        ? {
            slug: {
              type: 'string',
              meta: { interface: 'computed', options: { template: '{{title}}-slug', initialCompute: true } },
            },
          }
        : {}),
    });
    await t.api('POST', '/items/articles', [
      { title: 'Hello', views: 10, status: 'draft' },
      { title: 'World', views: 32, status: 'published' },
      { title: 'Again', views: 5, status: 'draft' },
    ]);
    ({ browser, page, errors } = await openApp(t, { login: false }));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in and shows the module bar built from module extensions', async () => {
    await login(page, t);
    const modules = await page.$$eval('.module-bar [data-module]', (els) =>
      els.map((e) => e.getAttribute('data-module')),
    );
    expect(modules).toEqual(expect.arrayContaining(['content', 'insights', 'settings', 'marketplace']));
    await shot(page, '01-logged-in');
  });

  it('switches the items layout between table and cards', async () => {
    await navigate(page, '/content/articles');
    await page.waitForSelector('[data-layout=tabular] tr[data-item]');
    expect(await page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(3);
    await shot(page, '02-layout-table');
    await page.selectOption('[data-test=layout-picker]', 'cards');
    await page.waitForSelector('[data-layout=cards] .card');
    expect(await page.locator('[data-layout=cards] .card').count()).toBe(3);
    expect(await page.locator('[data-layout=tabular]').count()).toBe(0);
    await shot(page, '03-layout-cards');
    // The board has a column per choice of the status field, titled by the choice's text.
    await page.selectOption('[data-test=layout-picker]', 'kanban');
    await eventually(() =>
      page.$$eval('[data-layout=kanban] .column h3', (els) => els.map((e) => e.textContent?.split(' ')[0]).sort()),
    ).toEqual(['Draft', 'Published']);
    await page.selectOption('[data-test=layout-picker]', 'calendar');
    await page.waitForSelector('[data-layout=calendar] .day');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    await page.waitForSelector('[data-layout=tabular]');
  });

  it('edits an item with interfaces from extensions (dropdown) and saves it', async () => {
    await page.click('[data-layout=tabular] tr[data-item="1"]');
    await page.waitForSelector('[data-field=status][data-interface=select-dropdown] select');
    await page.selectOption('[data-field=status] select', 'published');
    await page.fill('[data-field=title] input', 'Hello edited');
    await shot(page, '04-item-form');
    await page.click('[data-test=save-item]');
    await page.waitForSelector('[data-layout=tabular] tr[data-item="1"]');
    const item = (await t.api('GET', '/items/articles/1')).body.data;
    expect(item).toMatchObject({ title: 'Hello edited', status: 'published' });
  });

  it('shows a validation failure at its field, asks before leaving unsaved changes, and before deleting', async () => {
    const patched = await t.api('PATCH', '/fields/articles/title', {
      meta: { validation: { title: { _regex: '^[^!]*$' } }, validation_message: 'No exclamation marks' },
    });
    expect(patched.status).toBe(200);
    await navigate(page, '/content/articles/2');
    await page.waitForSelector('[data-field=title] input');
    const before = (await t.api('GET', '/items/articles/2')).body.data.title;
    await page.fill('[data-field=title] input', 'Loud!');
    await page.click('[data-test=save-item]');
    await eventually(() => page.locator('[data-field=title] .validation-error').textContent()).toContain(
      'No exclamation marks',
    );
    expect(page.url()).toMatch(/\/content\/articles\/2$/);
    // Leaving with the change unsaved asks; "Keep editing" stays, "Discard changes" leaves.
    await navigate(page, '/content/articles', { keepGuard: true });
    await page.locator('[data-test=unsaved-changes]').waitFor();
    await page.locator('[data-test=keep-editing] button').click();
    expect(page.url()).toMatch(/\/content\/articles\/2$/);
    expect(await page.locator('[data-field=title] input').inputValue()).toBe('Loud!');
    await navigate(page, '/content/articles', { keepGuard: true });
    await page.locator('[data-test=discard-changes] button').click();
    await page.waitForURL(/\/content\/articles$/);
    expect((await t.api('GET', '/items/articles/2')).body.data.title).toBe(before);
    // Delete asks first: cancelled, the item stays.
    await navigate(page, '/content/articles/2');
    await page.locator('[data-test=delete-item] button').click();
    await page.locator('[data-test=confirm-delete]').waitFor();
    await page.keyboard.press('Escape');
    await eventually(() => page.locator('[data-test=confirm-delete]').count()).toBe(0);
    expect((await t.api('GET', '/items/articles/2')).status).toBe(200);
    await t.api('PATCH', '/fields/articles/title', { meta: { validation: null, validation_message: null } });
  });

  it('adds a metric panel to a dashboard and shows its number', async () => {
    await navigate(page, '/insights');
    await page.fill('[data-test=dashboard-name]', 'Editorial');
    await page.click('[data-test=create-dashboard]');
    await page.waitForSelector('[data-test=add-panel]');
    await page.click('[data-test=add-panel]');
    await page.selectOption('[data-test=panel-type]', 'metric');
    await page.fill('[data-test=panel-name]', 'Articles');
    await page.selectOption('[data-field=collection] select', 'articles');
    await shot(page, '05-panel-editor');
    await page.click('[data-test=save-panel]');
    const value = page.locator('[data-panel-type=metric] [data-test=metric-value]');
    await value.waitFor();
    await eventually(() => value.textContent()).toBe('3');
    await shot(page, '06-metric-panel');
    const panels = (await t.api('GET', '/panels')).body.data;
    expect(panels).toHaveLength(1);
    expect(panels[0]).toMatchObject({ type: 'metric', name: 'Articles' });
    // A bar chart grouped by status, then both panels removed.
    await page.click('[data-test=add-panel]');
    await page.selectOption('[data-test=panel-type]', 'bar-chart');
    await page.selectOption('[data-field=collection] select', 'articles');
    await page.selectOption('[data-field=xAxis] select', 'status');
    // Directus's bar chart needs a Y axis and an aggregate of it (max unless chosen).
    await page.selectOption('[data-field=yAxis] select', 'id');
    await page.selectOption('[data-field=function] select', 'count');
    await page.click('[data-test=save-panel]');
    await eventually(() =>
      page.$$eval('[data-panel-type=bar-chart] [data-bar] .label', (els) => els.map((e) => e.textContent).sort()),
    ).toEqual(['draft', 'published']);
    await shot(page, '06b-bar-chart-panel');
    await page.click('[data-panel-type=metric] [data-test=remove-panel]');
    await page.click('[data-panel-type=bar-chart] [data-test=remove-panel]');
    await eventually(async () => (await t.api('GET', '/panels')).body.data.length).toBe(0);
  });

  it('switches the theme live and the page colours change', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const before = await background();
    expect(before).toBe('rgb(255, 255, 255)');
    await page.selectOption('[data-test=theme-picker]', 'default-dark');
    await eventually(background).toBe('rgb(14, 28, 47)');
    await shot(page, '07-theme-dark');
    const me = (await t.api('GET', '/users/me')).body.data;
    expect(me.theme).toBe('default-dark');
    await page.selectOption('[data-test=theme-picker]', 'default-light');
    await eventually(background).toBe(before);
    // Every rule of Directus's theme is a variable extensions can use without a fallback.
    const variables = await page.evaluate(() =>
      Object.fromEntries(
        [
          '--theme--border-width',
          '--theme--form--row-gap',
          '--theme--form--column-gap',
          '--theme--fonts--sans--font-family',
          '--theme--form--field--input--border-color-hover',
          '--theme--navigation--list--background-hover',
          '--theme--sidebar--section--toggle--foreground',
          '--theme--popover--menu--box-shadow',
        ].map((name) => [name, getComputedStyle(document.documentElement).getPropertyValue(name).trim() !== '']),
      ),
    );
    expect(Object.values(variables).every(Boolean), JSON.stringify(variables)).toBe(true);
    // A derived color is mixed from the theme's own (it follows `primary`).
    const mixed = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = 'var(--theme--primary-background)';
      document.body.append(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    });
    expect(mixed).toMatch(/^(rgb|color)\(/);
    expect(mixed).not.toBe('rgb(0, 0, 0)');
  });

  it('disables an app extension in settings: its layout leaves the picker without a page reload, then comes back', async () => {
    await markWindow(page);
    await navigate(page, '/content/articles');
    const options = () => page.$$eval('[data-test=layout-picker] option', (els) => els.map((e) => e.textContent));
    await eventually(options).toContain('Sample list');
    await navigate(page, '/settings/extensions');
    const row = page.locator('tr[data-extension="annex-sample-app-layout"]');
    await row.waitFor();
    await row.locator('[data-test=toggle]').click();
    await eventually(() => row.getAttribute('data-state')).toBe('inactive');
    await shot(page, '08-extension-disabled');
    await navigate(page, '/content/articles');
    await page.waitForSelector('[data-test=layout-picker]');
    await eventually(options).not.toContain('Sample list');
    expect(await options()).toEqual(expect.arrayContaining(['Table', 'Cards', 'Calendar', 'Kanban']));
    await shot(page, '09-layout-gone');
    expect(await windowMarked(page)).toBe(true);

    await navigate(page, '/settings/extensions');
    await row.locator('[data-test=toggle]').click();
    await eventually(() => row.getAttribute('data-state')).toBe('active');
    await navigate(page, '/content/articles');
    await eventually(options).toContain('Sample list');
    await page.selectOption('[data-test=layout-picker]', { label: 'Sample list' });
    await page.waitForSelector('.sample-list li');
    await shot(page, '10-layout-back');
    expect(await windowMarked(page)).toBe(true);
  });

  it('disables one entry of a bundle (a built-in layout) and only that entry goes', async () => {
    await navigate(page, '/settings/extensions');
    const parent = page.locator('tr[data-extension="@annex/builtin-app-layouts"]');
    await parent.waitFor();
    await page.click('[data-test="entries-@annex/builtin-app-layouts"]');
    const kanban = page.locator('tr[data-extension="@annex/builtin-app-layouts/kanban"]');
    await kanban.locator('[data-test=toggle]').click();
    await eventually(() => kanban.locator('.badge').textContent()).toBe('inactive');
    await navigate(page, '/content/articles');
    const options = () => page.$$eval('[data-test=layout-picker] option', (els) => els.map((e) => e.textContent));
    await eventually(options).not.toContain('Kanban');
    expect(await options()).toEqual(expect.arrayContaining(['Table', 'Cards', 'Calendar']));
    await navigate(page, '/settings/extensions');
    await page.click('[data-test="entries-@annex/builtin-app-layouts"]');
    await kanban.locator('[data-test=toggle]').click();
    await eventually(() => kanban.locator('.badge').textContent()).toBe('active');
    expect(await windowMarked(page)).toBe(true);
  });

  it('shows an app extension that throws on import (and one that does not build) as failed; everything else works', async () => {
    await navigate(page, '/settings/extensions');
    const throws = page.locator('tr[data-extension="annex-sample-app-throws"]');
    await eventually(() => throws.getAttribute('data-state')).toBe('failed');
    expect(await throws.locator('[data-test=last-error]').textContent()).toContain('APP_IMPORT_FAILED');
    const syntax = page.locator('tr[data-extension="annex-sample-app-syntax"]');
    await eventually(() => syntax.getAttribute('data-state')).toBe('failed');
    expect(await syntax.locator('[data-test=last-error]').textContent()).toContain('APP_BUILD_FAILED');
    await shot(page, '11-failed-app-extensions');
    // The host recorded the browser's report for other admins and the API.
    const reported = (await t.api('GET', '/extensions/sources/errors')).body.data;
    expect(reported.map((e: { extension: string; code: string }) => `${e.extension}:${e.code}`).sort()).toEqual([
      'annex-sample-app-syntax:APP_BUILD_FAILED',
      'annex-sample-app-throws:APP_IMPORT_FAILED',
    ]);
    // Every other extension loaded: the bundle's display and panel are registered.
    const registered = await page.evaluate(() => {
      const s = (window as any).__annex.registry.state;
      return {
        displays: s.displays.map((d: any) => d.id),
        panels: s.panels.map((p: any) => p.id),
        layouts: s.layouts.length,
      };
    });
    expect(registered.displays).toEqual(expect.arrayContaining(['raw', 'sample-shout']));
    expect(registered.panels).toEqual(expect.arrayContaining(['metric', 'sample-note']));
    expect(registered.layouts).toBe(5);
  });

  it.skipIf(Boolean(SKIP_REASON) || skipCompat)(
    'loads the public compat app extensions: sleek-dark theme applies, the computed interface renders',
    async () => {
      await page.selectOption('[data-test=theme-picker]', 'sleek-dark');
      await eventually(() =>
        page.evaluate(() =>
          getComputedStyle(document.documentElement).getPropertyValue('--theme--border-radius').trim(),
        ),
      ).toBe('0.5rem');
      expect(await page.evaluate(() => document.body.classList.contains('dark'))).toBe(true);
      // Its rules lie over the default dark theme's: a rule it does not set is still there, the dark one.
      const rule = (name: string) =>
        page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
      expect(await rule('--theme--navigation--modules--background')).toBe('#050b14');
      await shot(page, '14-compat-sleek-dark');
      await page.selectOption('[data-test=theme-picker]', 'default-light');
      await navigate(page, '/content/articles/2');
      const computed = page.locator('[data-field=slug][data-interface=computed] input');
      await computed.waitFor();
      await eventually(() => computed.inputValue()).toBe('World-slug');
      await shot(page, '15-compat-computed-interface');
    },
  );

  it("reviews and grants a sandboxed extension's requested scopes in settings, then its endpoint answers", async () => {
    expect((await t.api('GET', '/annex-e2e-sandboxed')).status).toBe(404);
    await navigate(page, '/settings/extensions');
    const row = page.locator('tr[data-extension="annex-e2e-sandboxed"]');
    await eventually(() => row.getAttribute('data-state')).toBe('pending');
    expect(await row.locator('.scopes').textContent()).toContain('sleep');
    await shot(page, '12-scopes-pending');
    await row.locator('[data-test=grant]').click();
    await eventually(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('active');
    await shot(page, '13-scopes-granted');
    const res = await t.api('GET', '/annex-e2e-sandboxed');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello from the sandbox');
    expect(await windowMarked(page)).toBe(true);
  });

  it('limits an extension to one role in settings: other roles get 403, then everyone again', async () => {
    writeEndpoint(t.extensionsPath, 'annex-e2e-roles', 'hello roles');
    await t.host.kernel.extensions.rescan();
    const editor = await createUser(t, 'e2e-editor', []);
    const guest = await createUser(t, 'e2e-guest', []);
    expect((await t.api('GET', '/annex-e2e-roles', undefined, guest.token)).status).toBe(200);
    await navigate(page, '/settings/extensions');
    const row = page.locator('tr[data-extension="annex-e2e-roles"]');
    await eventually(() => row.locator('[data-test=access]').textContent()).toBe('everyone');
    await row.locator('[data-test=edit-roles]').click();
    await row.locator('[data-test=roles-editor] input[data-role="e2e-editor"]').check();
    await row.locator('[data-test=save-roles]').click();
    await eventually(() => row.locator('[data-test=access]').textContent()).toBe('e2e-editor');
    await shot(page, '16-extension-roles');
    expect((await t.api('GET', '/annex-e2e-roles', undefined, guest.token)).status).toBe(403);
    expect((await t.api('GET', '/annex-e2e-roles', undefined, editor.token)).status).toBe(200);
    await row.locator('[data-test=edit-roles]').click();
    await row.locator('[data-test=everyone]').click();
    await eventually(() => row.locator('[data-test=access]').textContent()).toBe('everyone');
    expect((await t.api('GET', '/annex-e2e-roles', undefined, guest.token)).status).toBe(200);
  });

  it('shows who changed which extension in Settings → Activity', async () => {
    await navigate(page, '/settings/activity');
    // The roles test above limited annex-e2e-roles and opened it again: both are listed, newest first.
    const rows = page.locator('tr[data-item="annex-e2e-roles"][data-action="update"]');
    await eventually(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.first().locator('[data-test=details]').textContent()).toBe('roles: null');
    expect(await rows.nth(1).locator('[data-test=details]').textContent()).toContain('roles: ["');
    expect(await rows.first().locator('[data-test=who]').textContent()).toBe('admin@example.com');
    await page.selectOption('[data-test=activity-filter]', 'directus_users');
    await eventually(() => page.locator('tr[data-action="login"]').count()).toBeGreaterThanOrEqual(1);
    await shot(page, '17-activity');
  });

  it('creates an item through the form built from interfaces', async () => {
    await navigate(page, '/content/articles');
    await page.click('[data-test=create-item]');
    await page.waitForSelector('[data-field=title] input');
    await page.fill('[data-field=title] input', 'Created in the browser');
    await page.fill('[data-field=views] input', '7');
    await page.selectOption('[data-field=status] select', 'draft');
    await page.click('[data-test=save-item]');
    await page.waitForURL('**/admin/content/articles');
    const created = (await t.api('GET', '/items/articles?filter[title][_eq]=Created in the browser')).body.data;
    expect(created).toEqual([expect.objectContaining({ views: 7, status: 'draft' })]);
  });

  it("shows the user's notifications under the bell: inbox, archive, and a link to the item", async () => {
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const article = (await t.api('GET', '/items/articles?limit=1&fields=id')).body.data[0].id;
    await t.api('POST', '/notifications', {
      recipient: me,
      subject: 'Review requested',
      message: 'Please look at this article.',
      collection: 'articles',
      item: String(article),
      status: 'inbox',
    });
    // Someone else's is not shown.
    const other = await createUser(t, 'someone-else', []);
    await t.api('POST', '/notifications', { recipient: other.userId, subject: 'Not for you', status: 'inbox' });
    await page.reload();
    await eventually(() => page.locator('[data-test=notifications-count]').textContent()).toBe('1');
    await page.click('[data-test=notifications-bell]');
    const drawer = page.locator('[data-test=notifications-drawer]');
    await eventually(() => drawer.locator('.notification strong').allTextContents()).toEqual(['Review requested']);
    await drawer.locator('[data-test=notification-archive] button').click();
    await eventually(() => drawer.locator('.notification').count()).toBe(0);
    await eventually(() => page.locator('[data-test=notifications-count]').count()).toBe(0);
    await drawer.locator('[data-test=notifications-archived]').click();
    await eventually(() => drawer.locator('.notification strong').allTextContents()).toEqual(['Review requested']);
    await drawer.locator('[data-test=notification-go] button').click();
    await page.waitForURL(new RegExp(`/admin/content/articles/${article}$`));
  });

  it('content versions: turned on in the data model, edited aside, compared and promoted field by field', async () => {
    await navigate(page, '/settings/data-model/articles');
    await page.click('[data-test=collection-meta] summary');
    await page.check('[data-test=collection-versioning]');
    await page.click('[data-test=save-collection]');
    await page.waitForSelector('[data-test=collection-saved]');
    expect((await t.api('GET', '/collections/articles')).body.data.meta.versioning).toBe(true);
    const item = (await t.api('POST', '/items/articles', { title: 'Versioned', views: 1 })).body.data.id;
    await navigate(page, `/content/articles/${item}`);
    await page.click('[data-test=new-version] button');
    await page.fill('[data-test=version-key]', 'rewrite');
    await page.fill('[data-test=version-name]', 'Rewrite');
    await page.click('[data-test=create-version] button');
    await eventually(() => page.locator('[data-test=version-select] option:checked').textContent()).toBe('Rewrite');
    // Saved to the version: the item itself is untouched.
    await page.fill('[data-field=title] input', 'Versioned, rewritten');
    await page.fill('[data-field=views] input', '5');
    await page.click('[data-test=save-item] button');
    await eventually(async () => (await t.api('GET', `/items/articles/${item}?version=rewrite`)).body.data.title).toBe(
      'Versioned, rewritten',
    );
    expect((await t.api('GET', `/items/articles/${item}`)).body.data).toMatchObject({ title: 'Versioned', views: 1 });
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('Versioned, rewritten');
    // Back on Main the form shows the item; on the version, its changes.
    await page.selectOption('[data-test=version-select]', { label: 'Main' });
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('Versioned');
    await page.selectOption('[data-test=version-select]', { label: 'Rewrite' });
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('Versioned, rewritten');
    // Promote the title only; the version is deleted afterwards.
    await page.click('[data-test=promote-version] button');
    const dialog = page.locator('[data-test=promote-dialog]');
    await eventually(() => dialog.locator('[data-test=compare-title] .version').textContent()).toBe(
      'Versioned, rewritten',
    );
    expect(await dialog.locator('[data-test=compare-title] .main').textContent()).toBe('Versioned');
    await dialog.locator('[data-test=choose-views]').uncheck();
    await shot(page, 'version-promote');
    await dialog.locator('[data-test=confirm-promote] button').click();
    await eventually(async () => (await t.api('GET', `/items/articles/${item}`)).body.data.title).toBe(
      'Versioned, rewritten',
    );
    expect((await t.api('GET', `/items/articles/${item}`)).body.data.views).toBe(1);
    // The app promotes, then deletes the version in a second request (as Directus's app does).
    await eventually(async () => (await t.api('GET', `/versions?filter[item][_eq]=${item}`)).body.data).toEqual([]);
    await eventually(() => page.locator('[data-test=version-select] option').allTextContents()).toEqual(['Main']);
  });

  it('archives: set in the data model; archived items leave the list, show under Archived, and come back', async () => {
    await createCollection(t, 'memos', { title: 'string', status: 'string' });
    const keep = (await t.api('POST', '/items/memos', { title: 'Keep', status: 'draft' })).body.data.id;
    const old = (await t.api('POST', '/items/memos', { title: 'Old', status: 'draft' })).body.data.id;
    // Made through the API after the app loaded its schema: a full load reads it again.
    await page.goto(`${t.url}/admin/settings/data-model/memos`);
    await page.click('[data-test=collection-meta] summary');
    await page.selectOption('[data-test=collection-archive-field]', 'status');
    await page.fill('[data-test=collection-archive-value]', 'archived');
    await page.fill('[data-test=collection-unarchive-value]', 'draft');
    await page.selectOption('[data-test=collection-accountability]', 'activity');
    await page.click('[data-test=save-collection]');
    await page.waitForSelector('[data-test=collection-saved]');
    expect((await t.api('GET', '/collections/memos')).body.data.meta).toMatchObject({
      archive_field: 'status',
      archive_value: 'archived',
      unarchive_value: 'draft',
      archive_app_filter: true,
      accountability: 'activity',
    });
    await navigate(page, `/content/memos/${old}`);
    await page.click('[data-test=archive-item] button');
    await page.waitForURL(/\/admin\/content\/memos$/);
    expect((await t.api('GET', `/items/memos/${old}`)).body.data.status).toBe('archived');
    const rows = () => page.locator('[data-layout=tabular] tr[data-item]');
    const keys = async () => (await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item')))).sort();
    await eventually(keys).toEqual([String(keep)]);
    await page.selectOption('[data-test=archive-view]', 'archived');
    await eventually(keys).toEqual([String(old)]);
    await page.selectOption('[data-test=archive-view]', 'all');
    await eventually(keys).toEqual([String(keep), String(old)].sort());
    await navigate(page, `/content/memos/${old}`);
    await page.click('[data-test=unarchive-item] button');
    await page.waitForURL(/\/admin\/content\/memos$/);
    expect((await t.api('GET', `/items/memos/${old}`)).body.data.status).toBe('draft');
  });

  it('saves and stays, saves as a copy, and saves and opens a new item (the save options)', async () => {
    await navigate(page, '/content/memos/+');
    await page.fill('[data-field=title] input', 'Stayed');
    await page.click('[data-test=save-options] summary');
    await page.click('[data-test=save-stay]');
    await page.waitForURL(/\/admin\/content\/memos\/\d+$/);
    const stayed = Number(page.url().split('/').pop());
    expect((await t.api('GET', `/items/memos/${stayed}`)).body.data.title).toBe('Stayed');
    // A copy with the edit; the original keeps its values.
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('Stayed');
    await page.fill('[data-field=title] input', 'Copied');
    await page.click('[data-test=save-options] summary');
    await page.click('[data-test=save-copy]');
    await page.waitForURL((url) => /\/memos\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${stayed}`));
    const copy = Number(page.url().split('/').pop());
    expect((await t.api('GET', `/items/memos/${copy}`)).body.data.title).toBe('Copied');
    expect((await t.api('GET', `/items/memos/${stayed}`)).body.data.title).toBe('Stayed');
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('Copied');
    await page.fill('[data-field=title] input', 'Copied, then new');
    await page.click('[data-test=save-options] summary');
    await page.click('[data-test=save-new]');
    await page.waitForURL(/\/admin\/content\/memos\/\+$/);
    expect((await t.api('GET', `/items/memos/${copy}`)).body.data.title).toBe('Copied, then new');
    await eventually(() => page.locator('[data-field=title] input').inputValue()).toBe('');
  });

  it('shares an item: a link with a password that a signed-out visitor opens to read it, with its related items', async () => {
    // A chair (many-to-one, shown through its collection's display template) and notes (one-to-many).
    await createCollection(t, 'board_members', { name: 'string' });
    await t.api('PATCH', '/collections/board_members', { meta: { display_template: 'Chair: {{name}}' } });
    const ada = (await t.api('POST', '/items/board_members', { name: 'Ada' })).body.data.id;
    expect(
      (await t.api('POST', '/fields/memos', { field: 'chair', type: 'integer', related_collection: 'board_members' }))
        .status,
    ).toBe(200);
    await createCollection(t, 'memo_notes', { text: 'string', memo: { type: 'integer', related_collection: 'memos' } });
    await t.api('PATCH', '/collections/memo_notes', { meta: { display_template: '{{text}}' } });
    expect(
      (
        await t.api('POST', '/fields/memos', {
          field: 'notes',
          type: 'alias',
          meta: { special: ['o2m'] },
          related_collection: 'memo_notes',
        })
      ).status,
    ).toBe(200);
    const memo = (await t.api('POST', '/items/memos', { title: 'For the board', status: 'draft', chair: ada })).body
      .data.id;
    await t.api('POST', '/items/memo_notes', { text: 'Budget first', memo });
    await t.api('POST', '/items/memo_notes', { text: 'Then hiring', memo });
    await navigate(page, `/content/memos/${memo}`);
    const box = page.locator('[data-test=item-shares]');
    await box.locator('summary').click();
    await box.locator('[data-test=share-new] button').click();
    await box.locator('[data-test=share-name]').fill('Board review');
    await box.locator('[data-test=share-password-new]').fill('board-pass');
    await box.locator('[data-test=share-max-uses]').fill('3');
    await box.locator('[data-test=share-create] button').click();
    const linkInput = box.locator('[data-test=share-link]');
    await linkInput.waitFor();
    const link = await linkInput.inputValue();
    expect(link).toMatch(/\/admin\/shared\/[0-9a-f-]{36}$/);
    const [stored] = (await t.api('GET', `/shares?filter[item][_eq]=${memo}`)).body.data;
    expect(stored).toMatchObject({ name: 'Board review', collection: 'memos', max_uses: 3, password: '**********' });
    // Someone else, not signed in.
    const visitor = await openPage(browser);
    await visitor.page.goto(link);
    await visitor.page.locator('[data-test=share-password]').fill('wrong');
    await visitor.page.locator('[data-test=share-open] button').click();
    await eventually(() => visitor.page.locator('[data-test=share-error]').textContent()).toMatch(/Wrong password/);
    await visitor.page.locator('[data-test=share-password]').fill('board-pass');
    await visitor.page.locator('[data-test=share-open] button').click();
    await eventually(() => visitor.page.locator('[data-test=shared-fields] dd[data-field=title]').textContent()).toBe(
      'For the board',
    );
    expect(await visitor.page.locator('[data-test=shared-fields] dd[data-field=chair]').textContent()).toBe(
      'Chair: Ada',
    );
    expect(await visitor.page.locator('[data-test=shared-fields] dd[data-field=notes] li').allTextContents()).toEqual([
      'Budget first',
      'Then hiring',
    ]);
    expect(await visitor.page.locator('[data-test=shared-fields] dt').allTextContents()).toEqual(
      expect.arrayContaining(['Title', 'Chair', 'Notes']),
    );
    await shot(visitor.page, 'shared-item');
    // Nothing of a session was left in the visitor's browser.
    expect(await visitor.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('annex.')))).toEqual(
      [],
    );
    await visitor.page.close();
    expect((await t.api('GET', `/shares/${stored.id}`)).body.data.times_used).toBe(1);
    await box.locator('[data-test=share-delete] button').click();
    await eventually(() => box.locator('[data-test=share-link]').count()).toBe(0);
  });

  it("comments on an item in its sidebar, and deletes one's own comment", async () => {
    const article = (await t.api('GET', '/items/articles?limit=1&fields=id')).body.data[0].id;
    await navigate(page, `/content/articles/${article}`);
    const box = page.locator('[data-test=item-comments]');
    await box.locator('summary').click();
    await box.locator('[data-test=comment-input]').fill('First thoughts');
    await box.locator('[data-test=comment-submit] button').click();
    await eventually(() => box.locator('.comment-text').allTextContents()).toEqual(['First thoughts']);
    const stored = (await t.api('GET', `/comments?filter[item][_eq]=${article}`)).body.data;
    expect(stored).toMatchObject([{ collection: 'articles', comment: 'First thoughts' }]);
    await box.locator('[data-test=comment-delete] button').click();
    await eventually(() => box.locator('.comment-text').count()).toBe(0);
    expect((await t.api('GET', `/comments?filter[item][_eq]=${article}`)).body.data).toEqual([]);
    // `@` and a name offers users; the comment holds the user's id, shows their name, and notifies them.
    const mia = await createUser(t, 'mia-reviewer', [{ collection: 'articles', action: 'read' }]);
    await t.api('PATCH', `/users/${mia.userId}`, { first_name: 'Mia', last_name: 'Park' });
    await box.locator('[data-test=comment-input]').fill('Please review @Mi');
    await box.locator('[data-test=comment-input]').press('End');
    await box.locator('[data-test=comment-input]').dispatchEvent('input');
    await box.locator(`[data-test=mention-list] [data-user="${mia.userId}"]`).click();
    await box.locator('[data-test=comment-input]').type('today');
    await box.locator('[data-test=comment-submit] button').click();
    await eventually(() => box.locator('.comment-text').allTextContents()).toEqual(['Please review @Mia Park today']);
    const [stored2] = (await t.api('GET', `/comments?filter[item][_eq]=${article}`)).body.data;
    expect(stored2.comment).toBe(`Please review @${mia.userId} today`);
    const told = (await t.api('GET', `/notifications?filter[recipient][_eq]=${mia.userId}&fields=subject`)).body.data;
    expect(told).toEqual([{ subject: 'You were mentioned in articles' }]);
    // One's own comment is edited in place, and marked as edited.
    expect(await box.locator('[data-test=comment-edited]').count()).toBe(0);
    await box.locator('[data-test=comment-edit] button').click();
    await box.locator('[data-test=comment-edit-input]').fill('Please review tomorrow');
    await box.locator('[data-test=comment-edit-save] button').click();
    await eventually(() => box.locator('.comment-text').allTextContents()).toEqual(['Please review tomorrow']);
    await eventually(() => box.locator('[data-test=comment-edited]').count()).toBe(1);
    expect((await t.api('GET', `/comments/${stored2.id}`)).body.data.comment).toBe('Please review tomorrow');
  });

  // Marketplace install → grant → call, update with scope diff, rollback, uninstall: marketplace.test.ts.

  it('logged no unexpected browser errors', () => {
    const unexpected = errors.filter(
      (e) => !/annex-sample-app-throws|boom while importing|Failed to load resource/.test(e),
    );
    expect(unexpected).toEqual([]);
  });
});
