import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKSTOP_PAGES, COMMITS_PER_CHECKPOINT, createCheckpointer, getCheckpointer } from '../checkpointer.js';
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

  it('stops an idle thread and hands checkpoints back to the connection; the next need starts one again', async () => {
    const client = knex.client as { acquireConnection(): Promise<never>; releaseConnection(c: unknown): Promise<void> };
    const conn = (await client.acquireConnection()) as { pragma(s: string, o?: object): unknown };
    try {
      const filename = (knex.client.config.connection as { filename: string }).filename;
      const checkpointer = createCheckpointer(filename, 'NORMAL', { idleStopMs: 50 });
      const until = async (done: () => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      };
      for (let round = 1; round <= 2; round++) {
        for (let i = 0; i < COMMITS_PER_CHECKPOINT; i++) checkpointer.committed(conn);
        expect(checkpointer.started()).toBe(true);
        expect(conn.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
        await until(() => checkpointer.stats().runs === round);
        await until(() => !checkpointer.started());
        expect(checkpointer.started()).toBe(false);
        expect(conn.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      }
      expect(checkpointer.stats().runs).toBe(2);
      await checkpointer.close();
    } finally {
      await client.releaseConnection(conn);
    }
  });
});
