import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { skipWithout } from '../helpers/requires.js';
import { type AppSession, ensureAppBuilt, eventually, navigate, openApp, SKIP_REASON, shot } from './browser.js';

// Settings → Project (Directus's project settings): one form over directus_settings, and what the
// app does with it (the module bar, the custom CSS).
describe.skipIf(skipWithout('Chromium', SKIP_REASON))('Settings → Project in a real browser', () => {
  let t: TestHost;
  let app: AppSession;

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    app = await openApp(t);
  });
  afterAll(async () => {
    await app?.browser.close();
    await t?.close();
  });

  it("edits the project's settings and an extension's own setting in one form, saved with one PATCH", async () => {
    const { page, errors } = app;
    // A setting an extension added to the settings, shown beside Directus's own.
    await t.api('POST', '/fields/directus_settings', {
      field: 'greeting',
      type: 'string',
      meta: { interface: 'input', width: 'half' },
    });
    await navigate(page, '/settings/project');
    await page.reload();
    await page.locator('[data-test=settings-project] [data-field=project_name] input').fill('Acme Content');
    await page.locator('[data-test=settings-project] [data-field=greeting] input').fill('Hello there');
    await page.selectOption('[data-test=settings-project] [data-field=storage_asset_transform] select', 'presets');
    const patches: unknown[] = [];
    page.on(
      'request',
      (r) => r.method() === 'PATCH' && r.url().endsWith('/settings') && patches.push(r.postDataJSON()),
    );
    await page.click('[data-test=settings-project-save]');
    await page.locator('[data-test=settings-project-saved]').waitFor();
    expect(patches).toEqual([
      { project_name: 'Acme Content', greeting: 'Hello there', storage_asset_transform: 'presets' },
    ]);
    expect((await t.api('GET', '/settings?fields=project_name,greeting,storage_asset_transform')).body.data).toEqual({
      project_name: 'Acme Content',
      greeting: 'Hello there',
      storage_asset_transform: 'presets',
    });
    await shot(page, 'settings-project');
    // Directus's form DOM, which extensions reach into: `.field[data-field] .field-name`.
    expect(
      await page.locator('[data-test=settings-project] .field[data-field=greeting] .field-name').textContent(),
    ).toBe('Greeting');
    // The user as Directus's store holds it: the role an object, the language, the text direction.
    const user = await page.evaluate(() => {
      const store = (window as any).__annex.stores.useUserStore();
      return {
        role: store.currentUser.role,
        language: store.language,
        direction: store.textDirection,
        admin: store.isAdmin,
      };
    });
    // The app's session reaches a bare same-origin asset URL (Directus's session cookie), as an
    // extension's <img src="/assets/<id>"> or pdf.js request needs.
    const form = new FormData();
    form.append('file', new Blob(['session bytes'], { type: 'text/plain' }), 'session.txt');
    const file = (
      await (
        await fetch(`${t.url}/files`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${t.token}` } })
      ).json()
    ).data.id;
    expect(await page.evaluate(async (id) => (await fetch(`/assets/${id}`)).text(), file)).toBe('session bytes');
    expect(user).toEqual({
      role: { id: expect.any(String), admin_access: true, app_access: true },
      language: 'en-US',
      direction: 'ltr',
      admin: true,
    });
    expect(errors).toEqual([]);
  });

  it('draws the module bar from the module_bar setting (order, hidden modules, links), and applies the custom CSS', async () => {
    const { page, errors } = app;
    await navigate(page, '/content');
    await page.locator('.module-bar [data-module=files]').waitFor();
    await t.api('PATCH', '/settings', {
      module_bar: [
        { type: 'module', id: 'settings', enabled: true },
        { type: 'module', id: 'content', enabled: true },
        { type: 'module', id: 'files', enabled: false },
        { type: 'link', id: 'docs', name: 'Docs', icon: 'help', url: 'https://docs.example.com', enabled: true },
        { type: 'link', id: 'bad', name: 'Bad', icon: 'help', url: 'javascript:alert(1)', enabled: true },
      ],
      custom_css: '.module-bar { outline: 3px solid rgb(1, 2, 3); }',
    });
    await page.reload();
    await page.locator('.module-bar [data-module=content]').waitFor();
    const bar = await page.$$eval('.module-bar .module-link', (els) =>
      els.map((e) => e.getAttribute('data-module') ?? `link:${e.getAttribute('href')}`),
    );
    expect(bar).toEqual(['settings', 'content', 'link:https://docs.example.com']);
    await eventually(() => page.$eval('.module-bar', (e) => getComputedStyle(e).outlineColor)).toBe('rgb(1, 2, 3)');
    await t.api('PATCH', '/settings', { module_bar: null, custom_css: null });
    expect(errors).toEqual([]);
  });
});
