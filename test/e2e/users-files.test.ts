import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHost, type TestHost } from '../helpers/host.js';
import {
  ensureAppBuilt,
  eventually,
  navigate,
  openApp,
  openPage,
  shot,
  SKIP_REASON,
  type E2EBrowser,
} from './browser.js';
import { totpCode } from '../helpers/totp.js';

/** Directus's user directory (/users) and file library (/files), at Directus's routes. */
describe.skipIf(Boolean(SKIP_REASON))('the user directory and the file library', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];
  let editors: string;
  let editor: string;
  let photos: string;
  let inPhotos: string;
  let elsewhere: string;

  const upload = async (name: string, body: Blob, folder?: string): Promise<string> => {
    const form = new FormData();
    if (folder) form.append('folder', folder);
    form.append('file', body, name);
    const res = await fetch(`${t.url}/files`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Bearer ${t.token}` },
    });
    return ((await res.json()) as { data: { id: string } }).data.id;
  };
  const rows = () =>
    page.locator('[data-layout] [data-item]').evaluateAll((r) => r.map((x) => x.getAttribute('data-item')));

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    editors = (await t.api('POST', '/roles', { name: 'Editors' })).body.data.id;
    editor = (
      await t.api('POST', '/users', {
        email: 'ed@example.com',
        password: 'editor-password',
        role: editors,
        first_name: 'Ed',
      })
    ).body.data.id;
    const media = (await t.api('POST', '/folders', { name: 'Media' })).body.data.id;
    photos = (await t.api('POST', '/folders', { name: 'Photos', parent: media })).body.data.id;
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 40, b: 40 } } })
      .png()
      .toBuffer();
    inPhotos = await upload('red.png', new Blob([png], { type: 'image/png' }), photos);
    elsewhere = await upload('notes.txt', new Blob(['hello'], { type: 'text/plain' }));
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists users, by role too, and edits one at /users/:id', async () => {
    await navigate(page, '/users');
    await eventually(rows).toEqual(expect.arrayContaining([editor]));
    expect((await rows()).length).toBe(2);
    await page.locator(`nav [data-role="${editors}"]`).click();
    await page.waitForURL(new RegExp(`/users/roles/${editors}$`));
    await eventually(rows).toEqual([editor]);
    await page.locator(`[data-layout] [data-item="${editor}"]`).click();
    await page.waitForURL(new RegExp(`/users/${editor}$`));
    await eventually(() => page.locator('[data-test=user-name]').textContent()).toBe('Ed');
    await page.locator('[data-field=last_name] input').fill('Itor');
    await page.click('[data-test=save-item]');
    await page.waitForURL(/\/users$/);
    expect((await t.api('GET', `/users/${editor}`)).body.data.last_name).toBe('Itor');
  });

  it("generates a user's static token once (it works as a bearer), and removes it", async () => {
    await navigate(page, `/users/${editor}`);
    const field = page.locator('[data-field=token]');
    await field.locator('[data-test=token-generate]').click();
    await field.locator('[data-test=token-saved]').waitFor();
    const token = await field.locator('input[data-test=token-value]').inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await t.api('GET', '/users/me', undefined, token)).body.data.id).toBe(editor);
    // Shown once: opened again, the field only says a token is saved.
    await page.reload();
    await field.locator('[data-test=token-remove]').waitFor();
    expect(await field.locator('input[data-test=token-value]').inputValue()).toBe('');
    await field.locator('[data-test=token-remove]').click();
    await page.locator('[data-test=token-confirm] button').click();
    await eventually(async () => (await t.api('GET', '/users/me', undefined, token)).status).toBe(401);
  });

  it('lists files by folder, uploads into the folder on screen, and shows a file at /files/:id', async () => {
    await navigate(page, '/files');
    await eventually(rows).toEqual(expect.arrayContaining([inPhotos, elsewhere]));
    // Directus's default for the file library: cards, each image file drawn from /assets.
    const thumb = page.locator(`[data-layout=cards] [data-item="${inPhotos}"] img[data-test=card-image]`);
    await eventually(() => thumb.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator(`[data-layout=cards] [data-item="${elsewhere}"] img`).count()).toBe(0);
    // No "Create item" here: files are uploaded.
    expect(await page.locator('[data-test=create-item]').count()).toBe(0);
    await page.locator(`nav [data-folder="${photos}"]`).click();
    await page.waitForURL(new RegExp(`/files/folders/${photos}$`));
    await eventually(rows).toEqual([inPhotos]);
    await shot(page, 'files-folder');
    await page.locator('[data-test=upload-files] button').click();
    await page.locator('[data-test=files-upload] input[type=file]').setInputFiles({
      name: 'more.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('more'),
    });
    await eventually(async () => (await rows()).length).toBe(2);
    const added = (await t.api('GET', '/files?filter[filename_download][_eq]=more.txt')).body.data[0];
    expect(added.folder).toBe(photos);
    await page.locator(`[data-layout] [data-item="${inPhotos}"]`).click();
    await page.waitForURL(new RegExp(`/files/${inPhotos}$`));
    const img = page.locator('[data-test=file-preview] img');
    await eventually(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.locator('[data-field=title] input').fill('Red square');
    await page.click('[data-test=save-item]');
    await page.waitForURL(/\/files$/);
    expect((await t.api('GET', `/files/${inPhotos}`)).body.data.title).toBe('Red square');
  });

  it('creates, renames and deletes a folder in the file library; its files move up to its parent', async () => {
    await navigate(page, `/files/folders/${photos}`);
    await page.locator('[data-test=folder-create] button').click();
    await page.locator('input[data-test=folder-name]').fill('Inbox');
    await page.locator('[data-test=folder-submit] button').click();
    // The new folder opens, inside the one that was on screen, and the navigation lists it.
    await page.waitForURL((u) => /\/files\/folders\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(photos));
    const inbox = page.url().split('/').pop() as string;
    expect(inbox).not.toBe(photos);
    expect((await t.api('GET', `/folders/${inbox}`)).body.data).toMatchObject({ name: 'Inbox', parent: photos });
    await page.locator(`nav [data-folder="${inbox}"]`).waitFor();
    const note = await upload('inbox.txt', new Blob(['in the inbox'], { type: 'text/plain' }), inbox);
    await page.locator('[data-test=folder-rename] button').click();
    await page.locator('input[data-test=folder-name]').fill('Mail');
    await page.locator('[data-test=folder-submit] button').click();
    await eventually(() => page.locator(`nav [data-folder="${inbox}"]`).textContent()).toContain('Mail');
    expect((await t.api('GET', `/folders/${inbox}`)).body.data.name).toBe('Mail');
    await page.locator('[data-test=folder-delete] button').click();
    await page.locator('[data-test=folder-submit] button').click();
    await page.waitForURL(new RegExp(`/files/folders/${photos}$`));
    expect((await t.api('GET', `/folders/${inbox}`)).status).toBe(403);
    expect((await t.api('GET', `/files/${note}`)).body.data.folder).toBe(photos);
    await eventually(() => page.locator(`nav [data-folder="${inbox}"]`).count()).toBe(0);
  });

  it('moves files to a folder by dragging their card (or table rows) onto it in the navigation', async () => {
    await navigate(page, `/files/folders/${photos}`);
    await eventually(rows).toEqual(expect.arrayContaining([inPhotos]));
    // A card dropped on "All files" moves its file to the top of the library.
    await page.locator(`[data-layout=cards] [data-item="${inPhotos}"]`).dragTo(page.locator('nav [data-folder=""]'));
    await eventually(async () => (await t.api('GET', `/files/${inPhotos}`)).body.data.folder).toBeNull();
    await eventually(rows).not.toContain(inPhotos);
    // Rows selected in the table move together.
    await navigate(page, '/files');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    for (const id of [inPhotos, elsewhere])
      await page.locator(`[data-layout=tabular] tr[data-item="${id}"] [data-test=select-row]`).click();
    await page
      .locator(`[data-layout=tabular] tr[data-item="${elsewhere}"]`)
      .dragTo(page.locator(`nav [data-folder="${photos}"]`));
    await eventually(() =>
      Promise.all([inPhotos, elsewhere].map(async (id) => (await t.api('GET', `/files/${id}`)).body.data.folder)),
    ).toEqual([photos, photos]);
    await page.selectOption('[data-test=layout-picker]', 'cards');
  });

  /** The token in the newest mail to `to` with `subject` (the outbox keeps each message). */
  const mailedToken = async (to: string, subject: string) => {
    const row = await t.host.knex('annex_outbox').where({ to, subject }).orderBy('id', 'desc').first();
    return decodeURIComponent(/\?token=([^"<\s]+)/.exec(row?.body ?? '')?.[1] ?? '');
  };
  const login = (email: string, password: string) => t.api('POST', '/auth/login', { email, password });

  it('invites a user from the directory; the mailed link lets them choose a password and sign in', async () => {
    await navigate(page, `/users/roles/${editors}`);
    await page.locator('[data-test=invite-users] button').click();
    await page.fill('[data-test=invite-emails]', 'new.editor@example.com');
    // The role of the directory's page is chosen already.
    expect(await page.locator('[data-test=invite-role]').inputValue()).toBe(editors);
    await page.locator('[data-test=invite-submit] button').click();
    await page.locator('[data-test=invite-sent]').waitFor();
    await page.locator('[data-test=invite-close] button').click();
    const invited = (await t.api('GET', '/users?filter[email][_eq]=new.editor@example.com')).body.data[0];
    expect(invited).toMatchObject({ status: 'invited', role: editors });
    await eventually(rows).toEqual(expect.arrayContaining([invited.id]));

    const token = await mailedToken('new.editor@example.com', "You've been invited");
    await page.goto(`${t.url}/admin/accept-invite?token=${encodeURIComponent(token)}`);
    await page.fill('[data-test=new-password]', 'welcome-pass-1');
    await page.fill('[data-test=confirm-password]', 'welcome-pass-2');
    await page.locator('[data-test=password-submit] button').click();
    await eventually(() => page.locator('[data-test=password-error]').textContent()).toBe(
      'The passwords do not match.',
    );
    await page.fill('[data-test=confirm-password]', 'welcome-pass-1');
    await page.locator('[data-test=password-submit] button').click();
    await page.locator('[data-test=password-done]').waitFor();
    expect((await login('new.editor@example.com', 'welcome-pass-1')).status).toBe(200);
    await shot(page, 'users-invite-accepted');
  });

  it('resets a forgotten password through the mailed link, once', async () => {
    await navigate(page, '/reset-password');
    await page.fill('input[name=email]', 'ed@example.com');
    await page.locator('[data-test=reset-request] button').click();
    await page.locator('[data-test=reset-requested]').waitFor();
    await eventually(() => mailedToken('ed@example.com', 'Password Reset Request')).toMatch(/\./);
    const token = await mailedToken('ed@example.com', 'Password Reset Request');
    // A mailed link opens the page afresh.
    const choose = async () => {
      await page.goto(`${t.url}/admin/reset-password?token=${encodeURIComponent(token)}`);
      await page.fill('[data-test=new-password]', 'fresh-pass-1');
      await page.fill('[data-test=confirm-password]', 'fresh-pass-1');
      await page.locator('[data-test=password-submit] button').click();
    };
    await choose();
    await page.locator('[data-test=password-done]').waitFor();
    expect((await login('ed@example.com', 'fresh-pass-1')).status).toBe(200);
    expect((await login('ed@example.com', 'editor-password')).status).toBe(401);
    // The same link a second time: refused, and the page says why.
    await choose();
    await eventually(() => page.locator('[data-test=password-error]').textContent()).toMatch(/no longer valid/);
  });

  it('turns on two-factor authentication on one’s own page; signing in then asks for a code', async () => {
    const { id: me, role } = (await t.api('GET', '/users/me?fields=id,role')).body.data;
    // The role requires it: opening the app leads to one's own page to turn it on.
    expect((await t.api('PATCH', `/roles/${role}`, { enforce_tfa: true })).status).toBe(200);
    await page.goto(`${t.url}/admin/content`);
    await page.waitForURL(`**/admin/users/${me}?tfa=required`);
    await page.locator('[data-test=tfa-required]').waitFor();
    const box = page.locator('[data-test=two-factor]');
    await eventually(() => box.locator('[data-test=tfa-state]').textContent()).toBe('off');
    await box.locator('[data-test=tfa-enable] button').click();
    await box.locator('[data-test=tfa-password]').fill('admin-password');
    await box.locator('[data-test=tfa-generate] button').click();
    await box.locator('[data-test=tfa-qr] svg').waitFor();
    const secret = (await box.locator('[data-test=tfa-secret]').textContent())!.trim();
    await box.locator('[data-test=tfa-otp]').fill(totpCode(secret));
    await shot(page, 'users-tfa-scan');
    await box.locator('[data-test=tfa-confirm] button').click();
    await eventually(() => box.locator('[data-test=tfa-state]').textContent()).toBe('on');
    expect(await page.locator('[data-test=tfa-required]').count()).toBe(0);
    await navigate(page, '/content');
    expect(page.url()).toMatch(/\/admin\/content$/);
    await navigate(page, `/users/${me}`);
    // A fresh browser: the password, then the code.
    const other = await openPage(browser);
    await other.page.goto(`${t.url}/admin/login`);
    await other.page.fill('input[name=email]', 'admin@example.com');
    await other.page.fill('input[name=password]', 'admin-password');
    await other.page.click('[data-test=login-submit]');
    await other.page.locator('[data-test=login-otp]').waitFor();
    await other.page.fill('[data-test=login-otp]', totpCode(secret, 1));
    await other.page.click('[data-test=login-submit]');
    await other.page.waitForURL('**/admin/content**');
    await other.page.close();
    // Off again with a current code.
    await box.locator('[data-test=tfa-disable] button').click();
    await box.locator('[data-test=tfa-otp]').fill(totpCode(secret));
    await box.locator('[data-test=tfa-confirm] button').click();
    await eventually(() => box.locator('[data-test=tfa-state]').textContent()).toBe('off');
    await t.api('PATCH', `/roles/${role}`, { enforce_tfa: false });
    expect(
      (await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).status,
    ).toBe(200);
  });

  it('logged no page error', () => {
    // The one refusal the reset test asked for (a used link answers 401).
    const refused = errors.filter((e) => /status of 401/.test(e));
    expect(refused.length).toBe(1);
    expect(errors.filter((e) => !refused.includes(e))).toEqual([]);
  });
});
