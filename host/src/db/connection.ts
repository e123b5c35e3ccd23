import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { db as libraries } from './driver.js';
import { cacheStatements } from './statement-cache.js';
import type { HostConfig } from '../config.js';

export type Database = Knex;

/** Opens the database (SQLite file by default, PostgreSQL with DB_CLIENT=pg) and binds objection. */
export function createDatabase(db: HostConfig['db']): Knex {
  let knex: Knex;
  if (db.client === 'pg') {
    if (!db.connectionString) throw new Error('DB_CONNECTION_STRING is required when DB_CLIENT=pg');
    knex = libraries.knex({ client: 'pg', connection: db.connectionString, pool: { min: 0, max: 10 } });
  } else {
    // The file holds password hashes and static tokens: a new one is the owner's alone (0600, in a
    // folder made 0700; SQLite gives its -wal and -shm files the same mode as the database).
    fs.mkdirSync(path.dirname(db.filename), { recursive: true, mode: 0o700 });
    if (!fs.existsSync(db.filename)) fs.writeFileSync(db.filename, '', { mode: 0o600, flag: 'wx' });
    knex = libraries.knex({
      client: 'better-sqlite3',
      connection: { filename: db.filename },
      useNullAsDefault: true,
      pool: {
        afterCreate(
          conn: { pragma(s: string): unknown; prepare(sql: string): unknown },
          done: (err: Error | null, conn: unknown) => void,
        ) {
          cacheStatements(conn);
          conn.pragma('journal_mode = WAL');
          // NORMAL (better-sqlite3's build default under WAL) syncs at checkpoints: consistent, but the
          // last commits may be lost on a power cut (not on a process crash). FULL waits for the disk
          // at every commit, stalling this thread (2-5 ms a write on a VM disk). docs/configuration.md.
          conn.pragma(`synchronous = ${db.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  libraries.objection.Model.knex(knex);
  return knex;
}

export function isPostgres(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}
