import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';

/** Variables handed to createHost({ env }) reach the HTTP layer (not only process.env). */
let t: TestHost;
beforeAll(async () => {
  t = await startHost({
    env: { MAX_PAYLOAD_SIZE: '1kb', IP_TRUST_PROXY: 'true', AUTH_LOGIN_ATTEMPTS: '2', AUTH_LOGIN_WINDOW: '60000' },
  });
});
afterAll(() => t?.close());

const login = (email: string, password: string, from: string) =>
  fetch(`${t.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password }),
  });

describe('host configuration from createHost({ env })', () => {
  it('MAX_PAYLOAD_SIZE bounds JSON bodies', async () => {
    const send = (size: number) =>
      t.api('POST', '/roles', JSON.stringify({ name: 'r', description: 'x'.repeat(size) }));
    const big = await send(2048);
    expect(big.status).toBe(400);
    expect(big.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await send(100)).status).toBe(200);
  });

  it('IP_TRUST_PROXY: the forwarded address is what the login throttle counts (AUTH_LOGIN_ATTEMPTS × 5 per address)', async () => {
    for (let i = 0; i < 10; i++)
      expect((await login(`spray-${i}@example.com`, 'nope', '203.0.113.7')).status).toBe(401);
    const locked = await login('admin@example.com', 'admin-password', '203.0.113.7');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(55);
    expect((await login('admin@example.com', 'admin-password', '203.0.113.8')).status).toBe(200);
  });

  it('HASH_MEMORY_COST: new hashes use it; a login rewrites a hash made at another cost', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-hash-cost-'));
    const costOf = async (h: TestHost, email: string) => {
      const row = await h.host.knex('directus_users').where({ email }).first('password');
      return Number(String(row.password).split('$')[2]);
    };
    fs.mkdirSync(path.join(dir, 'extensions'));
    let h = await startHost({ dir, env: { HASH_MEMORY_COST: '1024' } });
    try {
      expect(await costOf(h, 'admin@example.com')).toBe(1024);
      await h.close();
      // startHost logs in as the admin: the hash made at 1024 verified, then was rewritten at 2048.
      h = await startHost({ dir, env: { HASH_MEMORY_COST: '2048' } });
      expect(h.token).toMatch(/^ey/);
      expect(await costOf(h, 'admin@example.com')).toBe(2048);
      const created = await h.api('POST', '/users', { email: 'cost@example.com', password: 'pw-123456' });
      expect(created.status).toBe(200);
      expect(await costOf(h, 'cost@example.com')).toBe(2048);
      const again = await h.api(
        'POST',
        '/auth/login',
        { email: 'admin@example.com', password: 'admin-password' },
        null,
      );
      expect(again.status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('/server/health reports file storage and mail: ok here, warn (still 200) when storage is unwritable or the SMTP server is down', async () => {
    const health = await t.api('GET', '/server/health');
    expect(health.body.status).toBe('ok');
    expect(health.body.checks['storage:writable'][0].status).toBe('ok');
    expect(health.body.checks['email:connection'][0]).toMatchObject({ status: 'ok', observedValue: 'outbox' });
    const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'annex-health-')), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const broken = await startHost({
      env: {
        STORAGE_LOCAL_ROOT: path.join(blocker, 'uploads'),
        EMAIL_TRANSPORT: 'smtp',
        EMAIL_SMTP_HOST: '127.0.0.1',
        EMAIL_SMTP_PORT: '9',
      },
    });
    try {
      const res = await broken.api('GET', '/server/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('warn');
      expect(res.body.checks['storage:writable'][0].status).toBe('warn');
      expect(res.body.checks['email:connection'][0].status).toBe('warn');
      expect((await broken.api('GET', '/server/health', undefined, null)).body).toEqual({ status: 'warn' });
    } finally {
      await broken.close();
    }
  });
});
