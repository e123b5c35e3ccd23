import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCompiledRead } from '../compiled-read.js';
import { createDatabase } from '../connection.js';
import { recordSql } from '../../../../test/helpers/sql.js';

let knex: Knex;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compiled-read-'));
  knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
  await knex.schema.createTable('t', (t) => {
    t.increments('id');
    t.string('a');
    t.boolean('on');
  });
  await knex('t').insert([
    { a: 'x', on: true },
    { a: 'y', on: false },
    { a: 'y', on: true },
  ]);
});
afterAll(() => knex.destroy());

describe('a read compiled once', () => {
  it('builds its SQL once and returns what knex returns for each value, announced as a query event', async () => {
    let builds = 0;
    const query = (p: { a: unknown; on: unknown }) => {
      builds++;
      return knex('t')
        .where('a', p.a as string)
        .where('on', p.on as boolean)
        .select('id', 'a')
        .orderBy('id')
        .limit(5);
    };
    const read = defineCompiledRead<'a' | 'on'>(knex, query);
    const { sql, result: got } = await recordSql(knex, async () => [
      await read({ a: 'y', on: true }),
      await read({ a: 'x', on: true }),
      await read({ a: 'y', on: false }),
    ]);
    expect(builds).toBe(1);
    expect(sql).toHaveLength(3);
    expect(got).toEqual([
      await query({ a: 'y', on: true }),
      await query({ a: 'x', on: true }),
      await query({ a: 'y', on: false }),
    ]);
    expect(got.map((rows) => rows.length)).toEqual([1, 1, 1]);
  });

  it('goes through knex for a list (its length changes the SQL)', async () => {
    let builds = 0;
    const read = defineCompiledRead<'ids'>(knex, ({ ids }) => {
      builds++;
      return knex('t')
        .whereIn('id', ids as number[])
        .select('id')
        .orderBy('id');
    });
    expect(await read({ ids: [1, 2] })).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await read({ ids: [3] })).toEqual([{ id: 3 }]);
    expect(builds).toBe(2);
  });

  it('never reads inside a transaction another caller holds (it waits for the connection)', async () => {
    const read = defineCompiledRead<'a'>(knex, ({ a }) =>
      knex('t')
        .where('a', a as string)
        .select('a'),
    );
    let pending: Promise<unknown> | undefined;
    await knex.transaction(async (trx) => {
      await trx('t').insert({ a: 'uncommitted' });
      pending = read({ a: 'uncommitted' });
      await new Promise((r) => setTimeout(r, 20));
      await trx('t').where({ a: 'uncommitted' }).delete();
    });
    expect(await pending).toEqual([]);
  });
});
