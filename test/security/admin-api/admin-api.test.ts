import http from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../../helpers/host.js';

/** Attacks on the admin and data APIs: each test fails if the attack succeeds. */
let t: TestHost;
let user: { token: string; userId: string; roleId: string };
let sampleId: string;

beforeAll(async () => {
  t = await startHost({ extensions: ['extensions/annex-sample-endpoint'] });
  await createCollection(t, 'secrets', { value: 'string', owner: 'string' });
  await t.api('POST', '/items/secrets', { value: 'top', owner: 'admin' });
  user = await createUser(t, 'mallory', [
    { collection: 'secrets', action: 'read', permissions: { owner: { _eq: 'mallory' } } },
  ]);
  sampleId = (await t.api('GET', '/extensions')).body.data.find(
    (e: any) => e.annex?.name === 'annex-sample-endpoint',
  ).id;
});
afterAll(() => t?.close());

async function stillEnabled() {
  const row = await t.host.knex('directus_extensions').where({ id: sampleId }).first();
  return Boolean(row.enabled);
}

describe('admin API attacks', () => {
  it('a JWT signed with another secret is rejected', async () => {
    const forged = await new SignJWT({ id: user.userId, role: user.roleId, admin_access: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('directus')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret'));
    const res = await t.api('PATCH', `/extensions/${sampleId}`, { meta: { enabled: false } }, forged);
    expect(res.status).toBe(401);
    expect(await stillEnabled()).toBe(true);
  });

  it('an unsigned (alg: none) JWT claiming admin is rejected', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ id: user.userId, admin_access: true, iss: 'directus', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    const res = await t.api('PATCH', `/extensions/${sampleId}`, { meta: { enabled: false } }, none);
    expect(res.status).toBe(401);
    expect(await stillEnabled()).toBe(true);
  });

  it('admin_access claims in a valid token do not grant admin: the role decides', async () => {
    const key = new TextEncoder().encode('test-secret-0123456789');
    const lying = await new SignJWT({ id: user.userId, role: user.roleId, admin_access: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('directus')
      .setExpirationTime('1h')
      .sign(key);
    const res = await t.api('PATCH', `/extensions/${sampleId}`, { meta: { enabled: false } }, lying);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await stillEnabled()).toBe(true);
  });

  it('an expired token is refused with TOKEN_EXPIRED', async () => {
    const key = new TextEncoder().encode('test-secret-0123456789');
    const expired = await new SignJWT({ id: user.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('directus')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(key);
    expect((await t.api('GET', '/users/me', undefined, expired)).body.errors[0].extensions.code).toBe('TOKEN_EXPIRED');
  });

  it('a non-admin cannot grant itself permissions, roles or admin', async () => {
    expect(
      (await t.api('POST', '/permissions', { role: user.roleId, collection: 'secrets', action: 'read' }, user.token))
        .status,
    ).toBe(403);
    expect((await t.api('PATCH', `/roles/${user.roleId}`, { admin_access: true }, user.token)).status).toBe(403);
    expect((await t.api('PATCH', '/users/me', { role: null }, user.token)).status).toBe(403);
    expect((await t.api('POST', `/extensions/${sampleId}/grant`, {}, user.token)).status).toBe(403);
    expect((await t.api('POST', '/collections', { collection: 'pwn' }, user.token)).status).toBe(403);
    const role = await t.host.knex('directus_roles').where({ id: user.roleId }).first();
    expect(Boolean(role.admin_access)).toBe(false);
  });

  it('item-level permission filters cannot be bypassed with filter, search, aggregate or GraphQL', async () => {
    const q = (s: string) => t.api('GET', `/items/secrets?${s}`, undefined, user.token);
    expect((await q('')).body.data).toEqual([]);
    expect(
      (await q(`filter=${encodeURIComponent('{"_or":[{"owner":{"_eq":"admin"}},{"owner":{"_neq":"x"}}]}')}`)).body.data,
    ).toEqual([]);
    expect((await q('search=top')).body.data).toEqual([]);
    expect((await q('aggregate[count]=*')).body.data[0].count).toBe(0);
    const gql = await t.api('POST', '/graphql', { query: '{ secrets { value } }' }, user.token);
    expect(gql.body.data.secrets).toEqual([]);
    expect((await t.api('GET', '/items/secrets/1', undefined, user.token)).status).toBe(403);
  });

  it('SQL injection through filter, sort, fields and search is neutralised', async () => {
    const admin = (s: string) => t.api('GET', `/items/secrets?${s}`);
    expect((await admin(`filter=${encodeURIComponent('{"value":{"_eq":"x\' OR \'1\'=\'1"}}')}`)).body.data).toEqual([]);
    expect(
      (await admin(`sort=${encodeURIComponent('value; DROP TABLE secrets')}`)).body.errors[0].extensions.code,
    ).toBe('INVALID_QUERY');
    expect(
      (await admin(`fields=${encodeURIComponent('value,(select password from directus_users)')}`)).body.errors[0]
        .extensions.code,
    ).toBe('INVALID_QUERY');
    expect((await admin(`search=${encodeURIComponent("%' OR 1=1 --")}`)).body.data).toEqual([]);
    expect(
      (await admin(`aggregate=${encodeURIComponent('{"sum":["value) from directus_users --"]}')}`)).body.errors[0]
        .extensions.code,
    ).toBe('INVALID_QUERY');
    expect(await t.host.knex.schema.hasTable('secrets')).toBe(true);
  });

  it('prototype pollution through query brackets and JSON bodies has no effect', async () => {
    await t.api('GET', '/items/secrets?filter[__proto__][polluted]=1');
    await t.api('GET', '/items/secrets?constructor[prototype][polluted]=1');
    await t.api('POST', '/items/secrets', JSON.parse('{"__proto__":{"polluted":1},"value":"p"}'));
    await t.api('PATCH', `/extensions/${sampleId}`, JSON.parse('{"meta":{"__proto__":{"enabled":false}}}'));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(await stillEnabled()).toBe(true);
  });

  it('system collections cannot be reached through /items or the GraphQL items schema', async () => {
    expect((await t.api('GET', '/items/directus_users')).status).toBe(403);
    expect((await t.api('GET', '/items/directus_sessions')).status).toBe(403);
    const gql = await t.api('POST', '/graphql', { query: '{ directus_users { email password } }' });
    expect(gql.body.errors[0].message).toMatch(/Cannot query field/);
    const users = await t.api('GET', '/users?fields=password,token');
    for (const u of users.body.data) expect([null, '**********']).toContain(u.password);
  });

  it('oversized and malformed bodies are refused without side effects', async () => {
    const before = (await t.api('GET', '/items/secrets?aggregate[count]=*')).body.data[0].count;
    const big = JSON.stringify({ value: 'x'.repeat(11 * 1024 * 1024) });
    const res = await fetch(`${t.url}/items/secrets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await t.api('POST', '/items/secrets', '[[[[', t.token)).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    expect((await t.api('PATCH', `/extensions/${sampleId}`, 'null')).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    expect((await t.api('GET', '/items/secrets?aggregate[count]=*')).body.data[0].count).toBe(before);
  });

  it('path tricks do not reach other mounts or files', async () => {
    // Raw request lines (fetch would normalise `..` away before sending).
    const raw = (p: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${t.url}/`,
          { path: p, headers: { Authorization: `Bearer ${user.token}` } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    for (const p of [
      '/annex-sample-endpoint/../extensions',
      '/%2e%2e/extensions',
      '/annex-sample-endpoint/%2F..%2Fextensions',
      '/..%2f..%2fpackage.json',
      '/annex-sample-endpoint/..%2f..%2fhost%2fpackage.json',
    ]) {
      const res = await raw(p);
      expect([404, 403, 400], p).toContain(res.status);
      expect(res.body, p).not.toContain('"meta"');
      expect(res.body, p).not.toContain('@annex/host');
    }
  });

  it('brute-forcing login never succeeds with wrong passwords and errors do not reveal whether the user exists', async () => {
    const a = await t.api('POST', '/auth/login', { email: 'mallory@example.com', password: 'nope' }, null);
    const b = await t.api('POST', '/auth/login', { email: 'nobody@example.com', password: 'nope' }, null);
    expect(a.body).toEqual(b.body);
    expect(a.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    const weird = await t.api('POST', '/auth/login', { email: { $ne: null }, password: { $ne: null } }, null);
    expect(weird.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
  });

  it('password guessing is throttled per account: after 10 failures even the right password gets 429, unknown emails alike', async () => {
    await createUser(t, 'victim', []);
    const guess = (email: string, password: string) => t.api('POST', '/auth/login', { email, password }, null);
    for (let i = 0; i < 10; i++) {
      expect((await guess('victim@example.com', `guess-${i}`)).body.errors[0].extensions.code).toBe(
        'INVALID_CREDENTIALS',
      );
      await guess('ghost@example.com', `guess-${i}`);
    }
    const locked = await guess('VICTIM@example.com', 'secret-password');
    expect(locked.status).toBe(429);
    expect(locked.body.errors[0].extensions.code).toBe('REQUESTS_EXCEEDED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body).not.toHaveProperty('data');
    /* An unknown account is locked out the same way: the lockout does not tell who exists. */
    const ghost = await guess('ghost@example.com', 'whatever');
    expect(ghost.status).toBe(429);
    // The same answer but for the seconds left, which may have ticked between the two requests.
    const shape = (res: { body: any }) => String(res.body.errors[0].message).replace(/\d+/g, 'N');
    expect(shape(ghost)).toBe(shape(locked));
    expect(ghost.body.errors[0].extensions.code).toBe('REQUESTS_EXCEEDED');
    /* Other accounts on the same address still log in (the address limit is five times higher). */
    expect((await guess('admin@example.com', 'admin-password')).status).toBe(200);
  });
});
