import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../connection.js';
import { cacheStatements } from '../statement-cache.js';

describe('prepared statements kept per SQLite connection', () => {
  it('prepares each SQL text once, keeping at most the limit (the oldest leaves first)', () => {
    const prepared: string[] = [];
    const conn = { prepare: (sql: string) => (prepared.push(sql), { sql }) };
    cacheStatements(conn, 2);
    const a = conn.prepare('select 1');
    expect(conn.prepare('select 1')).toBe(a);
    conn.prepare('select 2');
    conn.prepare('select 3'); // 'select 1' leaves
    conn.prepare('select 2');
    conn.prepare('select 1');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 1']);
  });

  describe('through knex on a real database', () => {
    let knex: Knex;
    beforeAll(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-stmt-'));
      knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
      await knex.schema.createTable('t', (t) => {
        t.increments('id');
        t.string('a').unique();
      });
    });
    afterAll(() => knex.destroy());

    it('a kept statement sees schema changes and survives a failed run', async () => {
      await knex('t').insert({ a: 'x' });
      expect(await knex('t').select('*')).toEqual([{ id: 1, a: 'x' }]);
      await knex.schema.alterTable('t', (t) => t.string('b'));
      expect(await knex('t').select('*')).toEqual([{ id: 1, a: 'x', b: null }]);
      const dup = await knex('t')
        .insert({ a: 'x' })
        .catch((e: { code?: string }) => e.code);
      expect(dup).toBe('SQLITE_CONSTRAINT_UNIQUE');
      await knex('t').insert({ a: 'y' });
      await knex.schema.dropTable('t');
      await knex.schema.createTable('t', (t) => {
        t.increments('id');
        t.string('c');
      });
      await knex('t').insert({ c: 'z' });
      expect(await knex('t').select('*')).toEqual([{ id: 1, c: 'z' }]);
    });
  });
});
