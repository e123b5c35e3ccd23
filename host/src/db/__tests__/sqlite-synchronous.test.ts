import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../config.js';
import { createDatabase } from '../connection.js';

async function synchronousOf(env: Record<string, string>): Promise<unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-sync-'));
  const config = readConfig({ DB_FILENAME: path.join(dir, 'db.sqlite'), ...env }, dir);
  const knex = createDatabase(config.db);
  try {
    return (await knex.raw('PRAGMA synchronous'))[0].synchronous;
  } finally {
    await knex.destroy();
  }
}

describe('DB_SQLITE_SYNCHRONOUS', () => {
  it('is NORMAL (1), as better-sqlite3 builds SQLite under WAL, unless set to full (2)', async () => {
    expect(await synchronousOf({})).toBe(1);
    expect(await synchronousOf({ DB_SQLITE_SYNCHRONOUS: 'full' })).toBe(2);
  });

  it('refuses other values at startup', () => {
    expect(() => readConfig({ DB_SQLITE_SYNCHRONOUS: 'off' })).toThrow(/DB_SQLITE_SYNCHRONOUS/);
  });
});
