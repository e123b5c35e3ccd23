import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

/** Limiting an extension to some roles (directus/directus#19967): its routes refuse the others, their app does not offer it. */
let t: TestHost;
let editors: { token: string; roleId: string };
let guests: { token: string; roleId: string };
const patch = (id: string, meta: unknown, token?: string | null) =>
  t.api('PATCH', `/extensions/${id}`, { meta }, token);
const status = (path: string, token?: string | null) => t.api('GET', path, undefined, token).then((r) => r.status);
const manifestFor = async (token?: string | null) =>
  (await t.api('GET', '/extensions/sources/manifest.json', undefined, token)).body.data.chunks.map(
    (c: any) => c.extension,
  );

beforeAll(async () => {
  t = await startHost({
    extensions: [
      'extensions/annex-sample-endpoint',
      'extensions/annex-sample-sandboxed-endpoint',
      'extensions/annex-sample-app-module',
    ],
  });
  editors = await createUser(t, 'editor', []);
  guests = await createUser(t, 'guest', []);
});
afterAll(() => t?.close());

describe('extensions limited to roles', () => {
  it('everyone may use an extension until an administrator lists roles; then only those roles and administrators', async () => {
    expect(await status('/annex-sample-endpoint', guests.token)).toBe(200);
    const res = await patch('annex-sample-endpoint', { roles: [editors.roleId] });
    expect(res.status).toBe(200);
    expect(res.body.data.annex.roles).toEqual([editors.roleId]);
    expect(await status('/annex-sample-endpoint', editors.token)).toBe(200);
    expect(await status('/annex-sample-endpoint/params/7', editors.token)).toBe(200);
    expect(await status('/annex-sample-endpoint')).toBe(200); // the administrator
    const refused = await t.api('GET', '/annex-sample-endpoint', undefined, guests.token);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await status('/annex-sample-endpoint', null)).toBe(403);
  });

  it('applies to sandboxed endpoints too, and `$public` admits anonymous calls', async () => {
    await patch('annex-sample-sandboxed-endpoint', { roles: ['$public'] });
    const sandboxedPath = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-sandboxed-endpoint',
    );
    expect(sandboxedPath.annex.roles).toEqual(['$public']);
    const anonymous = await t.api('GET', '/sandboxed', undefined, null);
    expect(anonymous.body).toMatchObject({ hello: 'sandbox', user: null });
    expect(await status('/sandboxed', guests.token)).toBe(403);
    await patch('annex-sample-sandboxed-endpoint', { roles: null });
    expect(await status('/sandboxed', guests.token)).toBe(200);
  });

  it('other roles do not see a limited extension in /extensions or in their app manifest', async () => {
    await patch('annex-sample-app-module', { roles: [editors.roleId] });
    const listed = (token: string) =>
      t.api('GET', '/extensions', undefined, token).then((r) => r.body.data.map((e: any) => e.schema?.name));
    expect(await listed(guests.token)).not.toContain('annex-sample-app-module');
    expect(await listed(editors.token)).toContain('annex-sample-app-module');
    expect(await manifestFor(guests.token)).not.toContain('annex-sample-app-module');
    expect(await manifestFor(editors.token)).toContain('annex-sample-app-module');
    expect(await manifestFor()).toContain('annex-sample-app-module');
  });

  it('refuses bad input, locked extensions and non-administrators, and logs who changed it', async () => {
    expect((await patch('annex-sample-endpoint', { roles: ['no-such-role'] })).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    expect((await patch('annex-sample-endpoint', { roles: 'everyone' })).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    expect(
      (await patch(encodeURIComponent('@annex/builtin-auth'), { roles: [editors.roleId] })).body.errors[0].extensions
        .code,
    ).toBe('HOST_EXTENSION_LOCKED');
    expect((await patch('annex-sample-endpoint', { roles: null }, editors.token)).status).toBe(403);
    expect(await status('/annex-sample-endpoint', guests.token)).toBe(403);
    const gql = await t.api('POST', '/graphql/system', {
      query:
        'mutation { update_extensions_item(id: "annex-sample-endpoint", data: { meta: { roles: null } }) { name roles } }',
    });
    expect(gql.body.data.update_extensions_item).toEqual({ name: 'annex-sample-endpoint', roles: null });
    expect(await status('/annex-sample-endpoint', guests.token)).toBe(200);
    const log = (await t.api('GET', '/activity?filter[item][_eq]=annex-sample-endpoint&sort=id')).body.data.map(
      (r: any) => r.details,
    );
    expect(log).toEqual([{ roles: [editors.roleId] }, { roles: null }]);
  });

  it('survives a restart', async () => {
    await patch('annex-sample-endpoint', { roles: [editors.roleId] });
    t = await t.restart();
    expect(await status('/annex-sample-endpoint', guests.token)).toBe(403);
    expect(await status('/annex-sample-endpoint', editors.token)).toBe(200);
  });
});
