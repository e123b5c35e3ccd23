import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

/**
 * `GET /users/me` as Directus answers it: the caller's own row through their permissions, with
 * the query's `fields`; an app user may read their profile (Directus's app minimal permissions);
 * a project's own user fields need a row of the role; a caller who may read nothing gets their id.
 */
describe('GET /users/me', () => {
  let t: TestHost;
  let plain: { token: string; userId: string };
  let reader: { token: string; userId: string };

  beforeAll(async () => {
    t = await startHost();
    expect((await t.api('POST', '/fields/directus_users', { field: 'nickname', type: 'string' })).status).toBe(200);
    plain = await createUser(t, 'plain', []);
    reader = await createUser(t, 'reader', [
      {
        collection: 'directus_users',
        action: 'read',
        permissions: { id: { _eq: '$CURRENT_USER' } },
        fields: 'nickname',
      },
    ]);
    for (const u of [plain, reader])
      await t.api('PATCH', `/users/${u.userId}`, { nickname: `nick-${u.userId.slice(0, 4)}` });
  });
  afterAll(async () => t?.close());

  it("answers an app user's profile, and the query's fields", async () => {
    const me = await t.api('GET', '/users/me', undefined, plain.token);
    expect(me.body.data).toMatchObject({
      id: plain.userId,
      email: 'plain@example.com',
      admin_access: false,
      app_access: true,
    });
    const some = await t.api('GET', '/users/me?fields=email,first_name', undefined, plain.token);
    expect(some.body.data).toEqual({ email: 'plain@example.com', first_name: null });
  });

  it("reads the user's own role through the profile, and no other role", async () => {
    const me = await t.api('GET', '/users/me?fields=id,role.name,role.admin_access', undefined, plain.token);
    expect(me.body.data).toEqual({ id: plain.userId, role: { name: 'plain', admin_access: false } });
    const roles = await t.api('GET', '/roles?fields=name', undefined, plain.token);
    expect(roles.body.data).toEqual([{ name: 'plain' }]);
    expect((await t.api('GET', '/roles?fields=name', undefined, null)).status).toBe(403);
  });

  it("reads a project's own user field only with a permission for it", async () => {
    const denied = await t.api('GET', '/users/me?fields=id,nickname', undefined, plain.token);
    expect(denied.status).toBe(200);
    expect(denied.body.data).toEqual({ id: plain.userId });
    const allowed = await t.api('GET', '/users/me?fields=email,nickname', undefined, reader.token);
    expect(allowed.body.data).toEqual({ email: 'reader@example.com', nickname: `nick-${reader.userId.slice(0, 4)}` });
    // The administrator reads it too.
    expect((await t.api('GET', '/users/me?fields=nickname')).body.data).toEqual({ nickname: null });
  });

  it("an app user reads their own row in /users, never another's, and never a hash", async () => {
    const list = await t.api('GET', '/users?fields=id,email', undefined, plain.token);
    expect(list.body.data).toEqual([{ id: plain.userId, email: 'plain@example.com' }]);
    expect((await t.api('GET', `/users/${reader.userId}`, undefined, plain.token)).status).toBe(403);
    const star = (await t.api('GET', '/users/me?fields=*', undefined, plain.token)).body.data;
    expect(star.id).toBe(plain.userId);
    expect(star).not.toHaveProperty('password');
    expect(star).not.toHaveProperty('token');
    expect(star).not.toHaveProperty('nickname');
  });

  it("has Directus's profile fields (avatar, language, title, description, location, tags, email notifications), the user's own to change", async () => {
    const upload = new FormData();
    upload.append('file', new Blob([Buffer.from('GIF89a')], { type: 'image/gif' }), 'me.gif');
    const file = await fetch(`${t.url}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}` },
      body: upload,
    });
    const avatar = (await file.json()).data.id;
    const profile = {
      avatar,
      language: 'de-DE',
      title: 'Editor',
      description: 'Writes things.',
      location: 'Berlin',
      tags: ['a', 'b'],
      email_notifications: false,
    };
    const fields = Object.keys(profile).join(',');
    const changed = await t.api('PATCH', `/users/me?fields=${fields}`, profile, plain.token);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.data).toEqual(profile);
    expect((await t.api('GET', `/users/me?fields=${fields}`, undefined, plain.token)).body.data).toEqual(profile);
    // Unset, notifications by mail are on, as in Directus.
    expect((await t.api('GET', '/users/me?fields=email_notifications', undefined, reader.token)).body.data).toEqual({
      email_notifications: true,
    });
    // The avatar is the file (the administrator reads through the relation).
    expect((await t.api('GET', `/users/${plain.userId}?fields=avatar.id,avatar.type`)).body.data).toEqual({
      avatar: { id: avatar, type: 'image/gif' },
    });
  });

  it("PATCH /users/me changes the caller's own profile through their permissions", async () => {
    const named = await t.api('PATCH', '/users/me', { first_name: 'Pat' }, plain.token);
    expect(named.status).toBe(200);
    expect(named.body.data).toMatchObject({ id: plain.userId, first_name: 'Pat' });
    // Not their email, role or status, nor a project field their role may not update.
    for (const body of [{ email: 'x@example.com' }, { status: 'suspended' }, { nickname: 'sneaky' }])
      expect((await t.api('PATCH', '/users/me', body, plain.token)).status, JSON.stringify(body)).toBe(403);
    // With a row of their role for it, a project field too.
    const editor = await createUser(t, 'nicknamer', [
      {
        collection: 'directus_users',
        action: 'update',
        permissions: { id: { _eq: '$CURRENT_USER' } },
        fields: 'nickname',
      },
    ]);
    expect((await t.api('PATCH', '/users/me', { nickname: 'nick' }, editor.token)).status).toBe(200);
    expect((await t.api('GET', `/users/${editor.userId}?fields=nickname`)).body.data.nickname).toBe('nick');
    expect((await t.api('PATCH', '/users/me', ['first_name'], plain.token)).status).toBe(400);
  });
});
