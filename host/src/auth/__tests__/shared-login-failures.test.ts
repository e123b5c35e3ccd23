import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db/connection.js';
import { migrate } from '../../db/migrations.js';
import { createSharedLoginFailures } from '../shared-login-failures.js';

describe('login failures shared through the database', () => {
  let knex: Knex;
  let clock = 1_000_000;
  const options = { attempts: 3, windowMs: 60_000, now: () => clock };
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-logins-'));
    knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
    await migrate(knex);
  });
  afterAll(() => knex.destroy());

  it('counts failures recorded by any host (or before a restart) and locks until the oldest that locks leaves the window', async () => {
    const hostA = createSharedLoginFailures(knex, options);
    const hostB = createSharedLoginFailures(knex, options);
    await hostA.record('ada@example.com', '10.0.0.1');
    clock += 10_000;
    await hostB.record('Ada@Example.com ', '10.0.0.2');
    await hostB.check('ada@example.com', null);
    clock += 10_000;
    await hostA.record('ada@example.com', '10.0.0.3');
    // A third host, or this one after a restart, sees all three.
    const restarted = createSharedLoginFailures(knex, options);
    await expect(restarted.check('ada@example.com', '10.9.9.9')).rejects.toMatchObject({
      code: 'REQUESTS_EXCEEDED',
      details: { retryAfterSeconds: 40 },
    });
    // Other accounts are not locked.
    await restarted.check('bob@example.com', '10.9.9.9');
    clock += 40_001;
    await restarted.check('ada@example.com', null);
  });

  it('locks an address after five times the attempts on any accounts; a success clears only its account', async () => {
    const shared = createSharedLoginFailures(knex, options);
    for (let i = 0; i < 15; i++) await shared.record(`spray${i}@example.com`, '192.0.2.7');
    await expect(shared.check('new@example.com', '192.0.2.7')).rejects.toMatchObject({ code: 'REQUESTS_EXCEEDED' });
    await shared.check('new@example.com', '192.0.2.8');
    for (let i = 0; i < 3; i++) await shared.record('eve@example.com', null);
    await expect(shared.check('eve@example.com', null)).rejects.toMatchObject({ code: 'REQUESTS_EXCEEDED' });
    await shared.clear('EVE@example.com');
    await shared.check('eve@example.com', null);
    await expect(shared.check('x@example.com', '192.0.2.7')).rejects.toMatchObject({ code: 'REQUESTS_EXCEEDED' });
  });

  it('stores no email or client address, and forgets failures older than the window', async () => {
    const shared = createSharedLoginFailures(knex, options);
    await shared.record('secret-person@example.com', '203.0.113.9');
    const rows = await knex('annex_login_failures').select('key');
    expect(JSON.stringify(rows)).not.toMatch(/secret-person|203\.0\.113/);
    expect(rows.every((r: { key: string }) => /^[0-9a-f]{64}$/.test(r.key))).toBe(true);
    clock += 120_000;
    await shared.record('other@example.com', null);
    expect(await knex('annex_login_failures').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('does nothing when the throttle is off (attempts 0)', async () => {
    const off = createSharedLoginFailures(knex, { ...options, attempts: 0 });
    for (let i = 0; i < 5; i++) await off.record('z@example.com', null);
    await off.check('z@example.com', null);
  });
});
