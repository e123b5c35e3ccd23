import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../client/client.js';
import { publishFolder } from '../client/publish.js';
import { createInstaller } from '../install/installer.js';
import { startRegistry, tempDir, writeExtension, type TestRegistry } from './helpers/fixtures.js';

/**
 * The same registry on PostgreSQL. Runs when ANNEX_TEST_PG holds a connection string
 * (CI starts one); every run uses its own schema and drops it afterwards.
 */
const connectionString = process.env.ANNEX_TEST_PG;
const schema = `mkt_test_${randomBytes(5).toString('hex')}`;

// Under CI (CI=true) a missing PostgreSQL fails, naming it; locally the skip is printed with its reason.
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
if (!connectionString && inCi)
  it('PostgreSQL is available (ANNEX_TEST_PG, required in CI)', () =>
    expect.fail('PostgreSQL is required in CI: ANNEX_TEST_PG is unset'));
else if (!connectionString)
  console.warn(
    '[skipped] PostgreSQL: ANNEX_TEST_PG is unset (set it to a postgres:// URL to run the marketplace on PostgreSQL)',
  );

describe.skipIf(!connectionString)('marketplace on PostgreSQL (ANNEX_TEST_PG)', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry({ db: { connectionString: connectionString!, schema } });
    const work = await tempDir();
    await publishFolder(
      reg.url,
      await writeExtension(work, { name: 'pg-hook', version: '1.0.0', sandbox: true, scopes: { log: {} } }),
      { token: reg.token },
    );
    await publishFolder(
      reg.url,
      await writeExtension(work, {
        name: 'pg-hook',
        version: '1.1.0',
        sandbox: true,
        scopes: { log: {}, storage: {} },
      }),
      { token: reg.token },
    );
    await publishFolder(
      reg.url,
      await writeExtension(work, { name: 'pg-panel', type: 'panel', description: 'A 50% panel' }),
      { token: reg.token },
    );
  });
  afterAll(async () => {
    await reg?.close();
    const db = knex({ client: 'pg', connection: connectionString });
    await db.raw('drop schema if exists ?? cascade', [schema]);
    await db.destroy();
  });

  it('stores its tables in the run-specific schema', async () => {
    const tables = await reg.server.db('information_schema.tables').where({ table_schema: schema }).pluck('table_name');
    expect(tables.sort()).toEqual([
      'mkt_accounts',
      'mkt_dist_tags',
      'mkt_downloads',
      'mkt_extensions',
      'mkt_meta',
      'mkt_tokens',
      'mkt_versions',
    ]);
  });

  it('lists, searches (LIKE wildcards escaped), sorts and counts like on SQLite', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const all = await client.list({ sort: 'popular' });
    expect(all.meta.filter_count).toBe(2);
    expect((await client.list({ search: '50%' })).data.map((e) => e.name)).toEqual(['pg-panel']);
    expect((await client.list({ search: '%' })).data.map((e) => e.name)).toEqual(['pg-panel']);
    expect((await client.list({ type: 'hook', sandbox: true })).data[0]).toMatchObject({
      name: 'pg-hook',
      latest_version: '1.1.0',
      verified: false,
    });
  });

  it('installs, updates with a scope diff and counts downloads', async () => {
    const extensionsDir = await tempDir('annex-ext-');
    const client = createRegistryClient({ registry: reg.url, publicKey: reg.server.publicKeyPem });
    const installer = createInstaller({
      extensionsDir,
      client,
      trust: 'sandbox',
      hostVersion: DIRECTUS_COMPAT_VERSION,
    });
    expect((await installer.install('pg-hook', '1.0.0')).version).toBe('1.0.0');
    const updated = await installer.update('pg-hook');
    expect(updated).toMatchObject({ version: '1.1.0', scopeDiff: { storage: {} } });
    expect(updated.folder.startsWith(join(extensionsDir, '.registry'))).toBe(true);
    const details = await client.describe('pg-hook');
    expect(details.total_downloads).toBe(2);
    expect(details.downloads).toEqual([{ date: new Date().toISOString().slice(0, 10), count: 2 }]);
    expect((await client.list({ sort: 'downloads' })).data[0].name).toBe('pg-hook');
  });
});
