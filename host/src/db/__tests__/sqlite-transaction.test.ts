import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILED_INSERTS_PER_OWNER, createInsertCompiler, insertBindings } from '../compiled-insert.js';
import { createDatabase } from '../connection.js';
import { sqliteQuery, sqliteTransaction } from '../sqlite-transaction.js';
import { recordSql } from '../../../../test/helpers/sql.js';

let knex: Knex;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-light-trx-'));
  knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
  await knex.schema.createTable('t', (t) => {
    t.increments('id');
    t.string('a').unique();
    t.integer('b');
    t.boolean('c');
  });
});
afterAll(() => knex.destroy());

describe('inserts compiled once', () => {
  it('compiles once per owner and column set, binds values in the order knex wrote them', async () => {
    const compiler = createInsertCompiler(knex);
    const owner = {};
    const first = compiler.get(owner, 't', { b: 1, a: 'x', c: true }, ['*']);
    expect(compiler.get(owner, 't', { b: 2, a: 'y', c: false }, ['*'])).toBe(first);
    expect(compiler.compiles()).toBe(1);
    // Another column set, another returning list, another owner: each its own statement.
    compiler.get(owner, 't', { a: 'x' }, ['*']);
    compiler.get(owner, 't', { b: 1, a: 'x', c: true }, ['id']);
    expect(compiler.compiles()).toBe(3);
    // A new owner (a new schema overview after a field was added) starts with nothing compiled.
    expect(compiler.get({}, 't', { b: 1, a: 'x', c: true }, ['*'])).not.toBe(first);
    expect(compiler.compiles()).toBe(4);
    const viaKnex = knex('t').insert({ b: 7, a: 'k', c: true }, ['*']).toSQL();
    expect(first.sql).toBe(viaKnex.sql);
    expect(insertBindings(first, { b: 7, a: 'k', c: true })).toEqual(
      (viaKnex.bindings as unknown[]).map((v) => (typeof v === 'boolean' ? Number(v) : v)),
    );
  });
});

describe('compiled inserts kept', () => {
  it('keeps at most COMPILED_INSERTS_PER_OWNER column sets per owner (clients choose them), the oldest leaving first', () => {
    const compiler = createInsertCompiler(knex);
    const owner = {};
    const row = (i: number) => ({ [`c${i}`]: i });
    const first = compiler.get(owner, 't', row(0), ['*']);
    for (let i = 1; i < COMPILED_INSERTS_PER_OWNER; i++) compiler.get(owner, 't', row(i), ['*']);
    expect(compiler.get(owner, 't', row(0), ['*'])).toBe(first);
    expect(compiler.compiles()).toBe(COMPILED_INSERTS_PER_OWNER);
    compiler.get(owner, 't', row(COMPILED_INSERTS_PER_OWNER), ['*']); // row(0) leaves
    expect(compiler.get(owner, 't', row(0), ['*'])).not.toBe(first);
    expect(compiler.compiles()).toBe(COMPILED_INSERTS_PER_OWNER + 2);
  });
});

describe('light SQLite transaction', () => {
  it('commits what its work wrote and announces each statement as a knex query event', async () => {
    const { sql, result: rows } = await recordSql(knex, () =>
      sqliteTransaction(knex, (tx) => tx.run('insert into `t` (`a`, `b`) values (?, ?) returning *', ['one', 1])),
    );
    expect(rows).toEqual([{ id: expect.any(Number), a: 'one', b: 1, c: null }]);
    expect(sql).toEqual(['BEGIN IMMEDIATE', 'insert into `t` (`a`, `b`) values (?, ?) returning *', 'COMMIT']);
    expect(await knex('t').where({ a: 'one' }).select('b')).toEqual([{ b: 1 }]);
  });

  it('rolls everything back when a later statement fails, and the connection stays usable', async () => {
    const failed = await sqliteTransaction(knex, (tx) => {
      tx.run('insert into `t` (`a`) values (?)', ['two']);
      tx.run('insert into `t` (`a`) values (?)', ['one']); // unique: fails
    }).catch((e: { code?: string }) => e.code);
    expect(failed).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await knex('t').where({ a: 'two' })).toEqual([]);
    const thrown = await sqliteTransaction(knex, (tx) => {
      tx.run('insert into `t` (`a`) values (?)', ['three']);
      throw new Error('after the insert');
    }).catch((e: Error) => e.message);
    expect(thrown).toBe('after the insert');
    expect(await knex('t').where({ a: 'three' })).toEqual([]);
    await sqliteTransaction(knex, (tx) => tx.run('insert into `t` (`a`) values (?)', ['four']));
    expect(await knex('t').where({ a: 'four' }).select('a')).toEqual([{ a: 'four' }]);
  });

  it('waits for a knex transaction holding the connection and never runs inside it', async () => {
    const order: string[] = [];
    let light: Promise<unknown> | undefined;
    await knex.transaction(async (trx) => {
      await trx('t').insert({ a: 'in-knex' });
      light = sqliteTransaction(knex, (tx) => {
        order.push('light');
        return tx.run('select count(*) as n from `t` where `a` = ?', ['in-knex']);
      });
      await new Promise((r) => setTimeout(r, 20));
      order.push('knex commits');
    });
    expect(await light).toEqual([{ n: 1 }]);
    expect(order).toEqual(['knex commits', 'light']);
  });
});

describe('the connection kept between light statements', () => {
  /** Counts the pool acquisitions `work` made. */
  async function acquisitions(db: Knex, work: () => Promise<unknown>): Promise<number> {
    const client = db.client as { acquireConnection: () => Promise<unknown> };
    const acquire = client.acquireConnection;
    let n = 0;
    client.acquireConnection = function (this: unknown) {
      n++;
      return acquire.call(this);
    };
    try {
      await work();
    } finally {
      client.acquireConnection = acquire;
    }
    return n;
  }

  it('is taken from the pool once for light statements in a row, and given back when knex asks for it', async () => {
    await sqliteQuery(knex, 'select 1 as one', []);
    const inRow = await acquisitions(knex, async () => {
      for (let i = 0; i < 5; i++) {
        await sqliteQuery(knex, 'select 1 as one', []);
        await sqliteTransaction(knex, (tx) => tx.run('insert into `t` (`b`) values (?)', [i]));
      }
    });
    expect(inRow).toBe(0);
    // knex's own query and transaction get the connection; the light work after them takes it again.
    const mixed = await acquisitions(knex, async () => {
      expect(await knex('t').where({ b: 4 }).count({ n: '*' })).toEqual([{ n: 1 }]);
      await knex.transaction((trx) => trx('t').insert({ b: 5 }));
      expect(await sqliteQuery(knex, 'select count(*) as n from `t` where `b` = ?', [5])).toEqual([{ n: 1 }]);
    });
    expect(mixed).toBe(3);
  });

  it('is given back when a request waited for it while light work held it', async () => {
    await sqliteQuery(knex, 'select 1 as one', []);
    let read: Promise<unknown> | undefined;
    await sqliteTransaction(knex, (tx) => {
      // Asked for while the light transaction holds the connection: queued in the pool.
      read = knex('t').where({ b: 5 }).select('b');
      return tx.run('insert into `t` (`b`) values (?)', [6]);
    });
    expect(await read).toEqual([{ b: 5 }]);
  });

  it('does not keep the pool from being destroyed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-lease-'));
    const db = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
    expect(await sqliteQuery(db, 'select 2 as two', [])).toEqual([{ two: 2 }]);
    const destroyed = await Promise.race([
      db.destroy().then(() => 'destroyed'),
      new Promise((r) => setTimeout(() => r('still waiting'), 2000)),
    ]);
    expect(destroyed).toBe('destroyed');
  });
});
