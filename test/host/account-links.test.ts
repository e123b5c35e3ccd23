import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { eventually } from '../helpers/write-extension.js';

// Directus's password reset (/auth/password/request|reset) and invitations (/users/invite[/accept]).
let t: TestHost;
let role: string;

beforeAll(async () => {
  t = await startHost({
    env: {
      PUBLIC_URL: 'http://annex.test',
      PASSWORD_RESET_URL_ALLOW_LIST: 'https://site.test/reset',
      USER_INVITE_URL_ALLOW_LIST: 'https://site.test/join',
    },
  });
  role = (await t.api('POST', '/roles', { name: 'Editors', app_access: true })).body.data.id;
});
afterAll(async () => {
  await t?.close();
});

/** The newest mail to `to`: its link and the token in it. */
async function mailTo(to: string, subject: string) {
  const row = await eventually(
    () => t.host.knex('annex_outbox').where({ to, subject }).orderBy('id', 'desc').first(),
    (r) => Boolean(r),
    5000,
  );
  const link = /https?:\/\/\S+\?token=\S+/.exec(row.body)![0].replace(/["<].*$/, '');
  return { link, token: decodeURIComponent(new URL(link).searchParams.get('token')!), id: row.id as number };
}
const mails = async (to: string) => (await t.host.knex('annex_outbox').where({ to })).length;
const login = (email: string, password: string) => t.api('POST', '/auth/login', { email, password });

describe('password reset', () => {
  it('mails an active user a link to the app (or an allowed address) and takes the new password once', async () => {
    const user = (await t.api('POST', '/users', { email: 'reset@example.com', password: 'old-pass-1', role })).body
      .data;
    const asked = await t.api('POST', '/auth/password/request', { email: 'Reset@Example.com' });
    expect(asked.status).toBe(204);
    const { link, token } = await mailTo('reset@example.com', 'Password Reset Request');
    expect(link.startsWith('http://annex.test/admin/reset-password?token=')).toBe(true);
    const session = (await login('reset@example.com', 'old-pass-1')).body.data;
    // Asked again at once: the same answer, and no second mail (nobody can flood an inbox).
    const sent = await mails('reset@example.com');
    expect((await t.api('POST', '/auth/password/request', { email: 'reset@example.com' })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 200));
    expect(await mails('reset@example.com')).toBe(sent);

    expect((await t.api('POST', '/auth/password/reset', { token, password: 'new-pass-2' })).status).toBe(204);
    expect((await login('reset@example.com', 'old-pass-1')).status).toBe(401);
    expect((await login('reset@example.com', 'new-pass-2')).status).toBe(200);
    // The old session ends with the old password.
    expect((await t.api('POST', '/auth/refresh', { refresh_token: session.refresh_token })).status).toBe(401);
    // Once only: the link died with the password it was issued under.
    const again = await t.api('POST', '/auth/password/reset', { token, password: 'third-pass-3' });
    expect(again.body.errors[0].extensions.code).toBe('INVALID_TOKEN');
    expect((await login('reset@example.com', 'new-pass-2')).status).toBe(200);

    // An allowed reset_url is where the link goes; any other address is refused before anything is sent.
    const before = await mails('reset@example.com');
    expect(
      (await t.api('POST', '/auth/password/request', { email: user.email, reset_url: 'https://site.test/reset' }))
        .status,
    ).toBe(204);
    expect((await mailTo('reset@example.com', 'Password Reset Request')).link).toMatch(
      /^https:\/\/site\.test\/reset\?token=/,
    );
    const evil = await t.api('POST', '/auth/password/request', {
      email: user.email,
      reset_url: 'https://evil.test/reset',
    });
    expect(evil.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect(await mails('reset@example.com')).toBe(before + 1);
  });

  it('answers the same for an unknown, a suspended or a malformed address, and mails nobody', async () => {
    await t.api('POST', '/users', { email: 'gone@example.com', password: 'pass-word-1', status: 'suspended' });
    const total = async () => (await t.host.knex('annex_outbox')).length;
    const before = await total();
    for (const email of ['nobody@example.com', 'gone@example.com', 'not an email'])
      expect((await t.api('POST', '/auth/password/request', { email })).status).toBe(204);
    expect(await total()).toBe(before);
    expect((await t.api('POST', '/auth/password/request', {})).body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
  });

  it('refuses forged, tampered, cross-purpose and access tokens', async () => {
    await t.api('POST', '/users', { email: 'victim@example.com', password: 'victim-pass-1', role });
    await t.api('POST', '/auth/password/request', { email: 'victim@example.com' });
    const { token } = await mailTo('victim@example.com', 'Password Reset Request');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, email: 'admin@example.com' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    // An access token is signed with another key: it is no reset link, and a reset link is no access token.
    const access = (await login('victim@example.com', 'victim-pass-1')).body.data.access_token;
    for (const bad of [tampered, none, access, 'abc', `${token}x`]) {
      const res = await t.api('POST', '/auth/password/reset', { token: bad, password: 'pwned-pass-1' });
      expect([bad.slice(0, 12), res.body.errors?.[0]?.extensions?.code]).toEqual([bad.slice(0, 12), 'INVALID_TOKEN']);
    }
    expect((await t.api('GET', '/users/me', undefined, token)).status).toBe(401);
    // An invitation token does not reset a password.
    await t.api('POST', '/users/invite', { email: 'victim2@example.com', role });
    const invite = await mailTo('victim2@example.com', "You've been invited");
    expect(
      (await t.api('POST', '/auth/password/reset', { token: invite.token, password: 'pwned-pass-1' })).body.errors[0]
        .extensions.code,
    ).toBe('INVALID_TOKEN');
    expect((await login('victim@example.com', 'victim-pass-1')).status).toBe(200);
    expect((await t.api('POST', '/auth/password/reset', { token })).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
  });
});

describe('invitations', () => {
  it('creates invited users of a role, mails each a link, and activates them with their password', async () => {
    const res = await t.api('POST', '/users/invite', { email: ['ann@example.com', 'bob@example.com'], role });
    expect(res.status).toBe(204);
    const users = (
      await t.api(
        'GET',
        '/users?filter[status][_eq]=invited&filter[email][_in]=ann@example.com,bob@example.com&fields=email,role&sort=email',
      )
    ).body.data;
    expect(users).toEqual([
      { email: 'ann@example.com', role },
      { email: 'bob@example.com', role },
    ]);
    const { link, token } = await mailTo('ann@example.com', "You've been invited");
    expect(link.startsWith('http://annex.test/admin/accept-invite?token=')).toBe(true);
    // An invited user cannot sign in yet.
    expect((await login('ann@example.com', 'anything-1')).status).toBe(401);
    expect((await t.api('POST', '/users/invite/accept', { token, password: 'ann-pass-1' })).status).toBe(204);
    expect((await login('ann@example.com', 'ann-pass-1')).status).toBe(200);
    // Once: the user is no longer invited.
    const twice = await t.api('POST', '/users/invite/accept', { token, password: 'other-pass-1' });
    expect(twice.body.errors[0].extensions.code).toBe('INVALID_TOKEN');
    expect((await login('ann@example.com', 'ann-pass-1')).status).toBe(200);

    // Inviting again mails an invited user again and leaves an active one alone.
    const bob = await mails('bob@example.com');
    const ann = await mails('ann@example.com');
    expect((await t.api('POST', '/users/invite', { email: ['bob@example.com', 'ann@example.com'], role })).status).toBe(
      204,
    );
    await eventually(
      () => mails('bob@example.com'),
      (n) => n === bob + 1,
      5000,
    );
    expect(await mails('ann@example.com')).toBe(ann);
    // An allowed invite_url is where the link goes.
    await t.api('POST', '/users/invite', { email: 'cat@example.com', role, invite_url: 'https://site.test/join' });
    expect((await mailTo('cat@example.com', "You've been invited")).link).toMatch(
      /^https:\/\/site\.test\/join\?token=/,
    );
  });

  it('is for callers who may create users, with a known role, allowed links and real addresses', async () => {
    const code = async (body: object, token?: string) =>
      (await t.api('POST', '/users/invite', body, token)).body.errors?.[0]?.extensions?.code;
    const reader = await createUser(t, 'invite-reader', [{ collection: 'directus_users', action: 'read' }]);
    expect(await code({ email: 'x@example.com', role }, reader.token)).toBe('FORBIDDEN');
    expect((await t.api('POST', '/users/invite', { email: 'x@example.com', role }, 'no-token')).status).toBe(401);
    expect(await code({ email: 'x@example.com', role: '00000000-0000-0000-0000-000000000000' })).toBe(
      'INVALID_PAYLOAD',
    );
    expect(await code({ email: 'x@example.com', role, invite_url: 'https://evil.test/join' })).toBe('INVALID_PAYLOAD');
    expect(await code({ email: 'x@example.com>, y@evil.test', role })).toBe('INVALID_PAYLOAD');
    expect(await code({ role })).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', '/users?filter[email][_eq]=x@example.com')).body.data).toEqual([]);
    const accepted = await t.api('POST', '/users/invite/accept', { token: 'forged.token.here', password: 'p-1' });
    expect(accepted.body.errors[0].extensions.code).toBe('INVALID_TOKEN');
  });
});
