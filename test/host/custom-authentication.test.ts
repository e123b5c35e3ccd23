import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeHook } from '../helpers/write-extension.js';

/**
 * Directus's custom authentication: an `authenticate` filter runs first for every request, a
 * bearer token or none, with `{ req }` and the database in its context (what external-JWT and
 * API-key hooks do); what it returns other than the default decides who the request acts for.
 */
describe('custom authentication through the authenticate filter', () => {
  let t: TestHost;
  let reader: { userId: string; roleId: string; token: string };

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-custom-auth-'));
    const hook = writeHook(
      root,
      'external-jwt',
      '',
      `export default ({ filter }) => {
  filter('authenticate', async (defaultAccountability, { req }, { database }) => {
    if (!database) return defaultAccountability;
    const header = req.headers['authorization'] ?? '';
    if (!header.startsWith('Bearer external-')) return defaultAccountability;
    const email = header.slice('Bearer external-'.length);
    const user = await database('directus_users').where({ email }).first('id', 'role');
    if (!user) return defaultAccountability;
    return { ...defaultAccountability, user: user.id, role: user.role, admin: false, app: true };
  });
};
`,
    );
    t = await startHost({ extensions: [hook] });
    await t.api('POST', '/collections', { collection: 'notes', fields: [{ field: 'text', type: 'string' }] });
    await t.api('POST', '/items/notes', { text: 'hello' });
    reader = await createUser(t, 'note-reader', [{ collection: 'notes', action: 'read', fields: '*' }]);
  });
  afterAll(() => t?.close());

  const get = (path: string, authorization?: string) =>
    fetch(`${t.url}${path}`, { headers: authorization ? { authorization } : {} });

  it("acts for the user the hook names, with that user's permissions, even with a token the host does not know", async () => {
    const email = (await t.api('GET', `/users/${reader.userId}?fields=email`)).body.data.email;
    const me = await get('/users/me?fields=id', `Bearer external-${email}`);
    expect([me.status, (await me.json()).data.id]).toEqual([200, reader.userId]);
    const notes = await get('/items/notes?fields=text', `Bearer external-${email}`);
    expect((await notes.json()).data).toEqual([{ text: 'hello' }]);
    const create = await fetch(`${t.url}/items/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer external-${email}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'no' }),
    });
    expect(create.status).toBe(403);
  });

  it("leaves the host's own tokens and public access as they were when the hook returns the default", async () => {
    expect((await get('/users/me?fields=id', `Bearer ${reader.token}`)).status).toBe(200);
    expect((await get('/items/notes', 'Bearer external-nobody@example.com')).status).toBe(401);
    expect((await get('/items/notes', 'Bearer not-a-token')).status).toBe(401);
    expect((await get('/items/notes')).status).toBe(403);
  });
});
