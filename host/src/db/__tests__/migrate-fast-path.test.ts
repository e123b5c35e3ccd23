import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../connection.js';
import { migrate, schemaIsCurrent } from '../migrations.js';
import { recordSql } from '../../../../test/helpers/sql.js';

describe('migrations: fast path when the schema is current', () => {
  let knex: Knex;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-migrate-'));
    knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
  });
  afterAll(() => knex.destroy());

  it('migrates a new database, then boots on a current one with a single read', async () => {
    expect(await schemaIsCurrent(knex)).toBe(false);
    await migrate(knex);
    expect(await schemaIsCurrent(knex)).toBe(true);
    const { sql } = await recordSql(knex, () => migrate(knex));
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/annex_migrations/);
  });

  it('takes the full path when a migration is not recorded', async () => {
    const last = await knex('annex_migrations').orderBy('id', 'desc').first('id', 'name');
    await knex('annex_migrations').where({ id: last.id }).delete();
    expect(await schemaIsCurrent(knex)).toBe(false);
    await knex('annex_migrations').insert(last);
    expect(await schemaIsCurrent(knex)).toBe(true);
  });
});
