import {
  authentication,
  createDirectus,
  disableTwoFactor,
  enableTwoFactor,
  generateTwoFactorSecret,
  rest,
} from '@directus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { totpCode } from '../helpers/totp.js';

// Directus's two-factor authentication: /users/me/tfa/generate|enable|disable and login's `otp`.

const code = totpCode;

let t: TestHost;
let user: { token: string; userId: string };
const email = 'tfa-user@example.com';
const password = 'secret-password';
const login = (body: Record<string, unknown>) => t.api('POST', '/auth/login', { email, password, ...body }, null);
beforeAll(async () => {
  t = await startHost({ env: { AUTH_LOGIN_ATTEMPTS: '4' } });
  // Directus's settings are a singleton: PATCH /settings with the fields, GET /settings the object.
  expect((await t.api('PATCH', '/settings', { project_name: 'Acme CMS' })).body.data).toMatchObject({
    project_name: 'Acme CMS',
  });
  expect((await t.api('GET', '/settings')).body.data).toMatchObject({ project_name: 'Acme CMS' });
  user = await createUser(t, 'tfa-user', [{ collection: 'directus_users', action: 'read' }]);
});
afterAll(() => t?.close());

describe('two-factor authentication', () => {
  let secret: string;

  it('makes a secret after the password, and enables it only with a code of it', async () => {
    const wrong = await t.api('POST', '/users/me/tfa/generate', { password: 'nope' }, user.token);
    expect(wrong.body.errors[0].extensions.code).toBe('INVALID_CREDENTIALS');
    const made = (await t.api('POST', '/users/me/tfa/generate', { password }, user.token)).body.data;
    expect(made.secret).toMatch(/^[A-Z2-7]{32}$/);
    // Beside Directus's keys, the address as a QR code for the app.
    expect(made.qr_svg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect(made.otpauth_url).toBe(
      `otpauth://totp/${encodeURIComponent(`Acme CMS:${email}`)}?secret=${made.secret}&issuer=Acme%20CMS`,
    );
    secret = made.secret;
    for (const otp of ['000000', code(secret, 5), '12345', undefined]) {
      const res = await t.api('POST', '/users/me/tfa/enable', { secret, otp }, user.token);
      expect(res.status, String(otp)).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('INVALID_OTP');
    }
    // Still off: the password alone logs in.
    expect((await login({})).status).toBe(200);
    expect((await t.api('POST', '/users/me/tfa/enable', { secret, otp: code(secret) }, user.token)).status).toBe(204);
    // Read back concealed, never as the secret.
    const me = await t.api('GET', '/users/me?fields=tfa_secret', undefined, user.token);
    expect(me.body.data.tfa_secret).toBe('**********');
    const again = await t.api('POST', '/users/me/tfa/generate', { password }, user.token);
    expect(again.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
  });

  it('then login needs a fresh code: none, a wrong one or a used one is INVALID_OTP', async () => {
    const none = await login({});
    expect(none.status).toBe(401);
    expect(none.body.errors[0].extensions.code).toBe('INVALID_OTP');
    expect((await login({ otp: '123456' })).body.errors[0].extensions.code).toBe('INVALID_OTP');
    const next = code(secret, 1);
    const ok = await login({ otp: next });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(typeof ok.body.data.access_token).toBe('string');
    // The same code again (within its thirty seconds): refused.
    expect((await login({ otp: next })).body.errors[0].extensions.code).toBe('INVALID_OTP');
  });

  it('counts wrong codes as failed logins: guessing codes with the password locks the account', async () => {
    for (let i = 0; i < 4; i++) await login({ otp: '000000' });
    const locked = await login({ otp: code(secret, 1) });
    expect(locked.status).toBe(429);
    expect(locked.body.errors[0].extensions.code).toBe('REQUESTS_EXCEEDED');
  });

  it('is not set through the user item: an administrator may clear it, nobody may write one', async () => {
    const write = await t.api('PATCH', `/users/${user.userId}`, { tfa_secret: 'JBSWY3DPEHPK3PXP' });
    expect(write.status).toBe(400);
    const other = await createUser(t, 'tfa-other', []);
    await t.api('POST', '/users/me/tfa/generate', { password }, other.token);
    expect((await t.api('PATCH', `/users/${other.userId}`, { tfa_secret: null })).status).toBe(200);
  });
});

describe("Directus's SDK against it", () => {
  it('generateTwoFactorSecret, enableTwoFactor, login with an otp, disableTwoFactor', async () => {
    const t2 = await startHost();
    try {
      const client = createDirectus(t2.url).with(authentication('json')).with(rest());
      await client.login('admin@example.com', 'admin-password');
      const made = await client.request(generateTwoFactorSecret('admin-password'));
      await client.request(enableTwoFactor(made.secret, code(made.secret)));
      await expect(client.login('admin@example.com', 'admin-password')).rejects.toMatchObject({
        errors: [{ extensions: { code: 'INVALID_OTP' } }],
      });
      await client.login('admin@example.com', 'admin-password', { otp: code(made.secret, 1) });
      await client.request(disableTwoFactor(code(made.secret, -1)));
      await client.login('admin@example.com', 'admin-password');
      expect(await client.getToken()).toBeTruthy();
    } finally {
      await t2.close();
    }
  });
});
