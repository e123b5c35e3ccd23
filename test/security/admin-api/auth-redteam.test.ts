import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, ROOT, startHost, type TestHost } from '../../helpers/host.js';

/**
 * Red-team attacks on authentication (JWTs, refresh sessions, static tokens, the login
 * throttle), on privilege boundaries of the admin API and on the HTTP surface (GraphQL over
 * GET, CORS, redirects, bodies, errors, framing, app extension sources). Every test fails if
 * its attack succeeds.
 */
type U = { token: string; userId: string; roleId: string };
let t: TestHost;
let adminRole: string;
let mallory: U; // notes: read only
let guest: U; // no permissions; not among the roles of the limited app extension
let editor: U; // the only role the limited app extension is for
const KEY = new TextEncoder().encode('test-secret-0123456789');
const LIMITED = 'annex-sample-app-module';
const code = (res: { body: any }) => res.body?.errors?.[0]?.extensions?.code;
const login = (email: string, password = 'secret-password') => t.api('POST', '/auth/login', { email, password }, null);
const refresh = (refresh_token: string) => t.api('POST', '/auth/refresh', { refresh_token }, null);

/** A raw HTTP request: any header, any body, and a chosen source address (127.0.0.x). */
function raw(
  method: string,
  path: string,
  opts: { body?: string | Buffer; headers?: Record<string, string>; localAddress?: string } = {},
) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      `${t.url}${path}`,
      { method, headers: opts.headers, localAddress: opts.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const loginFrom = (localAddress: string, email: string, password: string, headers: Record<string, string> = {}) =>
  raw('POST', '/auth/login', {
    body: JSON.stringify({ email, password }),
    headers: { 'Content-Type': 'application/json', ...headers },
    localAddress,
  });

/** A user with a password (and no static token) in `role`. */
async function passwordUser(name: string, role: string): Promise<string> {
  const res = await t.api('POST', '/users', { email: `${name}@example.com`, password: 'secret-password', role });
  return res.body.data.id;
}

/** Reads an event stream for `ms` while `during` runs. */
function readEvents(token: string | null, during: () => Promise<unknown>, ms = 400) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    let text = '';
    const req = http.get(
      `${t.url}/extensions/events`,
      { headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        res.on('data', (c) => (text += c));
        if (res.statusCode !== 200) return res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        setTimeout(
          () => void during().then(() => setTimeout(() => (req.destroy(), resolve({ status: 200, text })), ms), reject),
          150,
        );
      },
    );
    req.on('error', () => undefined);
  });
}

beforeAll(async () => {
  t = await startHost({ extensions: ['extensions/annex-sample-endpoint', `extensions/${LIMITED}`] });
  adminRole = (await t.api('GET', '/users/me')).body.data.role;
  await createCollection(t, 'notes', { title: 'string' });
  await t.api('POST', '/items/notes', { title: 'n1' });
  mallory = await createUser(t, 'mallory', [{ collection: 'notes', action: 'read' }]);
  guest = await createUser(t, 'guest', []);
  editor = await createUser(t, 'editor', []);
  expect((await t.api('PATCH', `/extensions/${LIMITED}`, { meta: { roles: [editor.roleId] } })).status).toBe(200);
});
afterAll(() => t?.close());

describe('tokens and sessions', () => {
  it('access tokens are checked against the database: not-yet-valid, deleted, suspended and demoted users lose access', async () => {
    const early = await new SignJWT({ id: mallory.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('directus')
      .setNotBefore(Math.floor(Date.now() / 1000) + 3600)
      .setExpirationTime('2h')
      .sign(KEY);
    expect((await t.api('GET', '/users/me', undefined, early)).status).toBe(401);
    const noIssuer = await new SignJWT({ id: mallory.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(KEY);
    expect((await t.api('GET', '/users/me', undefined, noIssuer)).status).toBe(401);

    const goneId = await passwordUser('gone', guest.roleId);
    const gone = (await login('gone@example.com')).body.data.access_token;
    expect((await t.api('DELETE', `/users/${goneId}`)).status).toBe(204);
    expect((await t.api('GET', '/users/me', undefined, gone)).status).toBe(401);

    const bossId = await passwordUser('boss', adminRole);
    const boss = (await login('boss@example.com')).body.data.access_token;
    expect((await t.api('GET', '/server/metrics', undefined, boss)).status).toBe(200);
    await t.api('PATCH', `/users/${bossId}`, { role: guest.roleId });
    expect((await t.api('GET', '/server/metrics', undefined, boss)).status).toBe(403);
    expect((await t.api('GET', '/users/me', undefined, boss)).body.data.admin_access).toBe(false);
    await t.api('PATCH', `/users/${bossId}`, { status: 'suspended' });
    expect((await t.api('GET', '/users/me', undefined, boss)).status).toBe(401);
  });

  it("a suspended user's static token, refresh token and password stop working", async () => {
    const s = await createUser(t, 'sleeper', []);
    const session = (await login('sleeper@example.com')).body.data.refresh_token;
    await t.api('PATCH', `/users/${s.userId}`, { status: 'suspended' });
    expect(code(await t.api('GET', '/users/me', undefined, s.token))).toBe('INVALID_TOKEN');
    expect((await refresh(session)).status).toBe(401);
    expect((await login('sleeper@example.com')).status).toBe(401);
  });

  it('refresh tokens are single use: reuse after rotation, after logout and in parallel is refused', async () => {
    const first = (await login('mallory@example.com')).body.data.refresh_token;
    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    expect((await refresh(first)).status).toBe(401);
    expect((await t.api('POST', '/auth/logout', { refresh_token: rotated.body.data.refresh_token }, null)).status).toBe(
      204,
    );
    expect((await refresh(rotated.body.data.refresh_token)).status).toBe(401);
    const once = (await login('mallory@example.com')).body.data.refresh_token;
    const parallel = await Promise.all(Array.from({ length: 8 }, () => refresh(once)));
    expect(parallel.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('a password change ends the other sessions: a stolen refresh token no longer refreshes', async () => {
    const id = await passwordUser('changer', guest.roleId);
    const stolen = (await login('changer@example.com')).body.data;
    const own = (await login('changer@example.com')).body.data;
    // The owner notices and changes the password (PATCH /users/me); later an administrator resets it too.
    expect((await t.api('PATCH', '/users/me', { password: 'brand-new-password' }, own.access_token)).status).toBe(200);
    const afterSelf = await refresh(stolen.refresh_token);
    const stolen2 = (await login('changer@example.com', 'brand-new-password')).body.data;
    expect((await t.api('PATCH', `/users/${id}`, { password: 'admin-reset-password' })).status).toBe(200);
    const afterAdmin = await refresh(stolen2.refresh_token);
    expect({ afterSelfChange: afterSelf.status, afterAdminReset: afterAdmin.status }).toEqual({
      afterSelfChange: 401,
      afterAdminReset: 401,
    });
  });
});

describe('login throttle', () => {
  it('parallel guesses are held to AUTH_LOGIN_ATTEMPTS (10): the right password among 30 concurrent guesses must not get in', async () => {
    await passwordUser('target', guest.roleId);
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        loginFrom('127.0.0.3', 'target@example.com', i === 25 ? 'secret-password' : `guess-${i}`),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    const checked = statuses.filter((s) => s !== 429).length;
    expect({ passwordsChecked: checked, loggedIn: statuses.includes(200) }).toEqual({
      passwordsChecked: Math.min(checked, 10),
      loggedIn: false,
    });
  });

  it('X-Forwarded-For does not give a fresh address when IP_TRUST_PROXY is off; email case and spaces do not give a fresh account', async () => {
    // 55 failures on 55 different accounts, each claiming another forwarded address: the socket address is what counts.
    await Promise.all(
      Array.from({ length: 55 }, (_, i) =>
        loginFrom('127.0.0.5', `spray-${i}@example.com`, 'x', { 'X-Forwarded-For': `10.9.${i}.1` }),
      ),
    );
    const fresh = await loginFrom('127.0.0.5', 'admin@example.com', 'admin-password', {
      'X-Forwarded-For': '10.200.0.1',
    });
    expect(fresh.status).toBe(429);
    expect((await loginFrom('127.0.0.6', 'admin@example.com', 'admin-password')).status).toBe(200);

    await passwordUser('casey', guest.roleId);
    for (let i = 0; i < 10; i++) await loginFrom('127.0.0.7', 'casey@example.com', `wrong-${i}`);
    for (const variant of ['Casey@Example.COM', ' casey@example.com', 'casey@example.com\t', 'CASEY@EXAMPLE.COM ']) {
      const res = await loginFrom('127.0.0.8', variant, 'secret-password');
      expect(res.status, JSON.stringify(variant)).not.toBe(200);
    }
    expect((await loginFrom('127.0.0.8', 'casey@example.com', 'secret-password')).status).toBe(429);
  });
});

describe('privilege escalation by a non-admin', () => {
  it('PATCH /users/me takes only profile fields: no role, status, token, email or prototype tricks', async () => {
    const before = await t.host.knex('directus_users').where({ id: mallory.userId }).first();
    for (const body of [
      { role: adminRole },
      { first_name: 'M', role: adminRole },
      { status: 'active', token: 'chosen-token' },
      { email: 'admin2@example.com' },
      { id: 'someone-else' },
      { admin_access: true },
      JSON.parse('{"__proto__":{"role":"x"},"first_name":"p"}'),
      JSON.parse('{"constructor":{"prototype":{"admin":true}}}'),
      ['role'],
    ]) {
      const res = await t.api('PATCH', '/users/me', body, mallory.token);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
    }
    expect((await t.api('PATCH', `/users/${mallory.userId}`, { role: adminRole }, mallory.token)).status).toBe(403);
    expect(
      (await t.api('PATCH', '/users', { keys: [mallory.userId], data: { role: adminRole } }, mallory.token)).status,
    ).toBe(403);
    expect((await t.api('POST', '/roles', { name: 'pwn', admin_access: true }, mallory.token)).status).toBe(403);
    const gql = await t.api(
      'POST',
      '/graphql',
      {
        query: `mutation { update_directus_users_item(id: "${mallory.userId}", data: { role: "${adminRole}" }) { id } }`,
      },
      mallory.token,
    );
    expect(gql.body.data?.update_directus_users_item ?? null).toBeNull();
    const after = await t.host.knex('directus_users').where({ id: mallory.userId }).first();
    expect({ role: after.role, status: after.status, token: after.token, email: after.email }).toEqual({
      role: before.role,
      status: before.status,
      token: before.token,
      email: before.email,
    });
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { role?: unknown }).role).toBeUndefined();
  });

  it('extension management stays admin-only: status, roles, revoke, reset, reload, registry and the GraphQL system schema', async () => {
    const id = 'annex-sample-endpoint';
    const tries = [
      t.api('GET', `/extensions/${id}/status`, undefined, mallory.token),
      t.api('PATCH', `/extensions/${id}`, { meta: { roles: [mallory.roleId] } }, mallory.token),
      t.api('PATCH', `/extensions/${LIMITED}`, { meta: { roles: null } }, guest.token),
      t.api('POST', `/extensions/${id}/revoke`, {}, mallory.token),
      t.api('POST', `/extensions/${id}/reset`, {}, mallory.token),
      t.api('POST', `/extensions/${id}/reload`, {}, mallory.token),
      t.api('POST', `/extensions/${id}/reload`, {}, null),
      t.api('GET', '/extensions/registry/installed', undefined, mallory.token),
    ];
    for (const res of await Promise.all(tries)) expect(res.status).toBe(403);
    const gql = await t.api(
      'POST',
      '/graphql/system',
      { query: `mutation { update_extensions_item(id: "${LIMITED}", data: { meta: { roles: null } }) { name } }` },
      guest.token,
    );
    expect(gql.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const listed = await t.api(
      'POST',
      '/graphql/system',
      { query: '{ extensions { name last_error granted_scopes } }' },
      mallory.token,
    );
    expect(listed.body.data).toBeNull();
    const row = await t.host.knex('directus_extensions').where({ folder: LIMITED }).first();
    expect(JSON.parse(row.allowed_roles)).toEqual([editor.roleId]);
  });

  it('server internals, activity and revisions are closed to non-admins and anonymous callers', async () => {
    for (const token of [mallory.token, null]) {
      expect((await t.api('GET', '/server/metrics', undefined, token)).status).toBe(403);
      expect((await t.api('GET', '/server/hosts', undefined, token)).status).toBe(403);
      expect(Object.keys((await t.api('GET', '/server/health', undefined, token)).body)).toEqual(['status']);
      expect((await t.api('GET', '/activity', undefined, token)).status).toBe(403);
      expect((await t.api('GET', '/revisions', undefined, token)).status).toBe(403);
      expect((await t.api('GET', '/revisions/1', undefined, token)).status).toBe(403);
      expect((await t.api('GET', '/permissions', undefined, token)).status).toBe(403);
    }
    // Users: anonymous callers get nothing; an app user only their own profile (Directus's app
    // minimal permissions), never another user's row or a hash.
    expect((await t.api('GET', '/users', undefined, null)).status).toBe(403);
    const users = (await t.api('GET', '/users?fields=*', undefined, mallory.token)).body.data;
    expect(users.map((u: any) => u.id)).toEqual([mallory.userId]);
    expect(users[0]).not.toHaveProperty('password');
    expect(users[0]).not.toHaveProperty('token');
    const admin = (await t.api('GET', '/users/me')).body.data.id;
    expect((await t.api('GET', `/users/${admin}`, undefined, mallory.token)).status).toBe(403);
    expect((await t.api('GET', `/users?filter[id][_eq]=${admin}`, undefined, mallory.token)).body.data).toEqual([]);
    // Anonymous callers learn the project's public face (what the sign-in page shows), nothing else.
    const info = (await t.api('GET', '/server/info', undefined, null)).body.data;
    expect(Object.keys(info)).toEqual(['project']);
    expect(info.project).toMatchObject({ project_name: 'Annex', default_language: 'en-US' });
    for (const secret of ['mapbox_key', 'storage_asset_presets', 'module_bar', 'project_url', 'basemaps'])
      expect(info.project).not.toHaveProperty(secret);
  });
});

describe('HTTP surface', () => {
  it('GraphQL mutations are refused over GET (a link or <img> must not change data)', async () => {
    const count = async () => (await t.api('GET', '/items/notes?aggregate[count]=*')).body.data[0].count;
    const before = await count();
    const q = encodeURIComponent('mutation { create_notes_item(data: { title: "via-get" }) { id } }');
    const res = await t.api('GET', `/graphql?query=${q}`);
    expect({ refused: res.status >= 400, created: (await count()) - before }).toEqual({ refused: true, created: 0 });
    // Reads over GET stay fine.
    expect((await t.api('GET', `/graphql?query=${encodeURIComponent('{ notes { id } }')}`)).status).toBe(200);
  });

  it('an app extension limited to a role is not offered to other roles through index.js or its chunk', async () => {
    const adminManifest = (await t.api('GET', '/extensions/sources/manifest.json')).body.data;
    const chunkUrl: string = adminManifest.chunks.find((c: any) => c.extension === LIMITED).url;
    expect(
      (await t.api('GET', '/extensions/sources/manifest.json', undefined, guest.token)).body.data.chunks.map(
        (c: any) => c.extension,
      ),
    ).not.toContain(LIMITED);
    const index = await t.api('GET', '/extensions/sources/index.js', undefined, guest.token);
    const chunk = await t.api('GET', chunkUrl, undefined, null);
    expect({ indexOffersIt: String(index.body).includes(LIMITED), anonymousGetsChunk: chunk.status === 200 }).toEqual({
      indexOffersIt: false,
      anonymousGetsChunk: false,
    });
    // The role it is for still gets it.
    expect(String((await t.api('GET', '/extensions/sources/index.js', undefined, editor.token)).body)).toContain(
      LIMITED,
    );
  });

  it('the app event stream does not tell other roles (or anonymous callers) about a limited extension', async () => {
    expect((await readEvents(null, async () => undefined)).status).toBe(403);
    const toggle = async () => {
      await t.api('PATCH', `/extensions/${LIMITED}`, { meta: { enabled: false } });
      await t.api('PATCH', `/extensions/${LIMITED}`, { meta: { enabled: true } });
    };
    const seen = await readEvents(guest.token, toggle);
    expect(seen.status).toBe(200);
    expect(seen.text).toContain('event: hello');
    expect(seen.text).not.toContain(LIMITED);
  });

  it('CORS: an arbitrary origin is never reflected, with or without credentials', async () => {
    for (const method of ['OPTIONS', 'GET']) {
      const res = await raw(method, '/users/me', {
        headers: {
          Origin: 'https://evil.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
          Authorization: `Bearer ${mallory.token}`,
        },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('redirects stay on this origin (/ → /admin; //evil and \\\\evil paths are not followed elsewhere)', async () => {
    expect((await raw('GET', '/')).headers.location).toBe('/admin');
    for (const p of [
      '//evil.example/',
      '//evil.example/%2F..',
      '/\\evil.example',
      '/admin//evil.example',
      '/%2F%2Fevil.example',
    ]) {
      const res = await raw('GET', p);
      expect(String(res.headers.location ?? ''), p).not.toMatch(/evil/);
    }
  });

  it('the admin app cannot be framed by another site (clickjacking)', async () => {
    const res = await raw('GET', '/admin/');
    expect(res.status).toBe(200);
    const xfo = String(res.headers['x-frame-options'] ?? '').toUpperCase();
    const csp = String(res.headers['content-security-policy'] ?? '');
    expect(['DENY', 'SAMEORIGIN'].includes(xfo) || /frame-ancestors\s+('none'|'self')/.test(csp)).toBe(true);
  });

  it('compressed, form and text bodies are bounded too (no gzip bomb, no 2 MB form)', async () => {
    const auth = { Authorization: `Bearer ${t.token}` };
    const bomb = gzipSync(Buffer.from(JSON.stringify({ title: 'x'.repeat(30 * 1024 * 1024) })));
    const gz = await raw('POST', '/items/notes', {
      body: bomb,
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    expect(gz.status).toBe(400);
    const form = await raw('POST', '/items/notes', {
      body: `title=${'x'.repeat(2 * 1024 * 1024)}`,
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(400);
    const text = await raw('PATCH', '/users/me', {
      body: 'x'.repeat(5 * 1024 * 1024),
      headers: { ...auth, 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(400);
  });

  it('errors do not leak stack traces, SQL, paths, hashes or tokens', async () => {
    const e = encodeURIComponent;
    const responses = await Promise.all([
      raw('GET', '/%E0%A4%A'),
      raw('GET', '/items/%E0%A4%A', { headers: { Authorization: `Bearer ${t.token}` } }),
      t.api('GET', `/items/notes?filter=${e('{"title":{"_eq":{"a":1}}}')}`),
      t.api('GET', '/items/notes?limit=99999999999999999999'),
      t.api('POST', '/items/notes', { id: 1, title: 'dupe' }),
      t.api('POST', '/auth/login', '{"email":', null),
      t.api('GET', '/users/me', undefined, 'a.b.c'),
      t.api('GET', '/users/me', undefined, `${mallory.token}x`),
      t.api('POST', '/graphql', { query: '{ notes { id' }, mallory.token),
      t.api('POST', '/graphql/system', { query: '{ users_me }' }, mallory.token),
    ]);
    // Paths of this machine, whatever its layout: the checkout, the host's data folder, home and temp; and any
    // source location (file.js:12:5) or file URL a stack would carry.
    const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const localPaths = [ROOT, t.dir, fs.realpathSync(t.dir), os.homedir(), os.tmpdir()]
      .filter((p) => p.length > 1)
      .map(escape);
    const leak = new RegExp(
      `SQLITE|select |insert into|\\bat \\w+ \\(|node_modules|file://|\\.[cm]?[jt]s:\\d+:\\d+|\\$scrypt\\$|token-mallory|${localPaths.join('|')}`,
      'i',
    );
    // Control: the pattern does find this machine's paths.
    expect(`{"message":"ENOENT ${path.join(t.dir, 'annex.db')}"}`).toMatch(leak);
    expect(`at x (${path.join(ROOT, 'host', 'dist', 'index.js')}:1:2)`).toMatch(leak);
    for (const res of responses) {
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(text).not.toMatch(leak);
    }
    // The client's mistakes are 400s, not internal errors: a broken %-escape, an object where a value goes, an absurd limit.
    expect(responses.slice(0, 4).map((r) => r.status)).toEqual([400, 400, 400, 400]);
  });
});
