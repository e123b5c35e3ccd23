import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

const code = (res: { body: any }) => res.body.errors?.[0]?.extensions?.code;
const revisionsOf = async (t: TestHost, collection: string, item: string | number) =>
  (await t.api('GET', `/revisions?filter[collection][_eq]=${collection}&filter[item][_eq]=${item}&sort=id`)).body.data;

/** Directus's `/utils`: random strings, hashes, clearing the caches, reverting to a revision. */
describe('/utils', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'notes', { title: 'string', body: 'text' });
  });
  afterAll(async () => t?.close());

  it('makes random strings of the length asked, up to 500', async () => {
    const a = (await t.api('GET', '/utils/random/string')).body.data;
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await t.api('GET', '/utils/random/string?length=500')).body.data).toHaveLength(500);
    expect((await t.api('GET', '/utils/random/string')).body.data).not.toBe(a);
    for (const length of ['501', '0', 'x'])
      expect(code(await t.api('GET', `/utils/random/string?length=${length}`)), length).toBe('INVALID_QUERY');
  });

  it('hashes a string and verifies it, as the host hashes passwords', async () => {
    const hash = (await t.api('POST', '/utils/hash/generate', { string: 'open sesame' })).body.data;
    expect(hash).toMatch(/^\$scrypt\$/);
    expect((await t.api('POST', '/utils/hash/verify', { string: 'open sesame', hash })).body.data).toBe(true);
    expect((await t.api('POST', '/utils/hash/verify', { string: 'open sesam', hash })).body.data).toBe(false);
    expect(code(await t.api('POST', '/utils/hash/generate', {}))).toBe('INVALID_PAYLOAD');
    expect(code(await t.api('POST', '/utils/hash/verify', { string: 'x' }))).toBe('INVALID_PAYLOAD');
  });

  it('clears the caches for an administrator only', async () => {
    const { token } = await createUser(t, 'plain', []);
    expect((await t.api('POST', '/utils/cache/clear')).status).toBe(204);
    expect((await t.api('POST', '/utils/cache/clear', {}, token)).status).toBe(403);
    // A field added behind the host's back is seen after the clear.
    await t.host
      .knex('directus_fields')
      .insert({ collection: 'notes', field: 'sneaky', type: 'alias', special: 'alias,no-data' });
    await t.api('POST', '/utils/cache/clear');
    expect((await t.api('GET', '/fields/notes/sneaky')).status).toBe(200);
  });

  it("reverts an item to a revision, through the caller's permissions", async () => {
    const id = (await t.api('POST', '/items/notes', { title: 'First', body: 'one' })).body.data.id;
    await t.api('PATCH', `/items/notes/${id}`, { title: 'Second', body: 'two' });
    const [created] = await revisionsOf(t, 'notes', id);
    expect((await t.api('POST', `/utils/revert/${created.id}`)).status).toBe(204);
    expect((await t.api('GET', `/items/notes/${id}?fields=title,body`)).body.data).toEqual({
      title: 'First',
      body: 'one',
    });
    // The revert is itself a change on record.
    expect((await revisionsOf(t, 'notes', id)).at(-1).delta).toEqual({ title: 'First', body: 'one' });

    const reader = await createUser(t, 'reader', [
      { collection: 'notes', action: 'read' },
      { collection: 'directus_revisions', action: 'read' },
    ]);
    expect((await t.api('POST', `/utils/revert/${created.id}`, {}, reader.token)).status).toBe(403);
    expect((await t.api('POST', `/utils/revert/${created.id}`, {}, null)).status).toBe(403);
    expect((await t.api('POST', '/utils/revert/999999')).status).toBe(403);
  });

  it("never writes a concealed value back: a user's password survives a revert", async () => {
    const user = await createUser(t, 'reverted', []);
    await t.api('PATCH', `/users/${user.userId}`, { first_name: 'Before' });
    await t.api('PATCH', `/users/${user.userId}`, { first_name: 'After', password: 'new-secret-password' });
    const revisions = await revisionsOf(t, 'directus_users', user.userId);
    const before = revisions.find((r: any) => r.delta?.first_name === 'Before');
    expect((await t.api('POST', `/utils/revert/${before.id}`)).status).toBe(204);
    expect((await t.api('GET', `/users/${user.userId}?fields=first_name`)).body.data.first_name).toBe('Before');
    const login = await t.api(
      'POST',
      '/auth/login',
      { email: 'reverted@example.com', password: 'new-secret-password' },
      null,
    );
    expect(login.status).toBe(200);
  });
});
