import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKSTOP_PAGES, COMMITS_PER_CHECKPOINT, getCheckpointer } from '../checkpointer.js';
import { createDatabase } from '../connection.js';
import { sqliteTransaction } from '../sqlite-transaction.js';

let knex: Knex;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-checkpointer-'));
  knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
  await knex.schema.createTable('t', (t) => {
    t.increments('id');
    t.string('a');
  });
});
afterAll(() => knex.destroy());

const write = (a: string) => sqliteTransaction(knex, (tx) => tx.run('insert into `t` (`a`) values (?)', [a]));
const autocheckpoint = async () =>
  ((await knex.raw('pragma wal_autocheckpoint')) as { wal_autocheckpoint: number }[])[0]!.wal_autocheckpoint;

describe('checkpoints in a thread of their own', () => {
  it('starts no thread before writes need a checkpoint, then checkpoints there; the connection keeps a backstop', async () => {
    const checkpointer = getCheckpointer(knex)!;
    expect(checkpointer.started()).toBe(false);
    for (let i = 0; i < COMMITS_PER_CHECKPOINT - 1; i++) await write(`a${i}`);
    expect(checkpointer.started()).toBe(false);
    expect(await autocheckpoint()).toBe(1000);
    await write('last');
    expect(checkpointer.started()).toBe(true);
    expect(await autocheckpoint()).toBe(BACKSTOP_PAGES);
    const deadline = Date.now() + 10_000;
    while (checkpointer.stats().runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(checkpointer.stats().runs).toBe(1);
    expect(checkpointer.stats().pages).toBeGreaterThan(0);
    // What was written is all there, and writing goes on.
    await write('after');
    expect(Number(((await knex('t').count({ n: '*' })) as { n: number }[])[0]!.n)).toBe(COMMITS_PER_CHECKPOINT + 1);
  });

  it('stops the thread when the database is destroyed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-checkpointer-'));
    const other = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
    await other.schema.createTable('t', (t) => t.string('a'));
    for (let i = 0; i < COMMITS_PER_CHECKPOINT; i++)
      await sqliteTransaction(other, (tx) => tx.run('insert into `t` (`a`) values (?)', ['x']));
    const checkpointer = getCheckpointer(other)!;
    expect(checkpointer.started()).toBe(true);
    await other.destroy();
    expect(checkpointer.started()).toBe(false);
  });
});
