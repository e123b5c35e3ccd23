import { join } from 'node:path';
import knex, { type Knex } from 'knex';

/** Database options: a knex config, or a PostgreSQL connection string (with an optional schema). */
export type DatabaseOption = Knex.Config | { connectionString: string; schema?: string };

export function createDatabase(dataDir: string, option?: DatabaseOption): Knex {
  if (!option) {
    return knex({
      client: 'better-sqlite3',
      connection: { filename: join(dataDir, 'marketplace.sqlite') },
      useNullAsDefault: true,
      pool: {
        // WAL: readers never wait for the download counter's writes; NORMAL sync is durable in WAL mode
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
  }
  if ('connectionString' in option) {
    return knex({
      client: 'pg',
      connection: option.connectionString,
      ...(option.schema ? { searchPath: [option.schema] } : {}),
      pool: { min: 0, max: 5 },
    });
  }
  return knex(option);
}

const SCHEMA_VERSION = 1;

/** Creates the registry tables when missing; idempotent, safe to run on every start. */
export async function migrate(db: Knex, schema?: string): Promise<void> {
  if (schema && db.client.config.client === 'pg') await db.raw('create schema if not exists ??', [schema]);
  // a fresh builder per statement: a knex SchemaBuilder accumulates what it is given
  const s = () => db.schema;
  if (!(await s().hasTable('mkt_meta'))) {
    await s().createTable('mkt_meta', (t) => {
      t.string('key').primary();
      t.string('value').notNullable();
    });
  }
  if (!(await s().hasTable('mkt_accounts'))) {
    await s().createTable('mkt_accounts', (t) => {
      t.string('id', 36).primary();
      t.string('username', 214).notNullable().unique();
      t.string('email');
      t.string('password_hash');
      t.boolean('verified').notNullable().defaultTo(false);
      for (const c of [
        'github_username',
        'github_avatar_url',
        'github_name',
        'github_company',
        'github_blog',
        'github_location',
        'github_bio',
      ])
        t.string(c);
      t.string('created_at', 32).notNullable();
    });
  }
  if (!(await s().hasTable('mkt_tokens'))) {
    await s().createTable('mkt_tokens', (t) => {
      t.string('token_hash', 64).primary();
      t.string('account_id', 36).notNullable().references('id').inTable('mkt_accounts').onDelete('CASCADE');
      t.string('created_at', 32).notNullable();
    });
  }
  if (!(await s().hasTable('mkt_extensions'))) {
    await s().createTable('mkt_extensions', (t) => {
      t.string('id', 36).primary();
      t.string('name', 214).notNullable().unique();
      t.string('publisher_id', 36).notNullable().references('id').inTable('mkt_accounts');
      // denormalised from the version the `latest` dist-tag points at
      t.string('latest_version_id', 36);
      t.string('type', 32).notNullable();
      t.string('host_version').notNullable();
      t.string('execution', 16).notNullable();
      t.text('description');
      t.text('readme');
      t.string('license');
      t.integer('total_downloads').notNullable().defaultTo(0);
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await s().hasTable('mkt_versions'))) {
    await s().createTable('mkt_versions', (t) => {
      t.string('id', 36).primary();
      t.string('extension_id', 36).notNullable().references('id').inTable('mkt_extensions').onDelete('CASCADE');
      t.string('version', 256).notNullable();
      t.string('type', 32).notNullable();
      t.string('host_version').notNullable();
      t.boolean('sandbox_enabled').notNullable();
      t.string('execution', 16).notNullable();
      t.text('requested_scopes').notNullable();
      t.text('bundled').notNullable();
      t.text('package_json').notNullable();
      t.string('integrity', 128).notNullable();
      t.string('shasum', 40).notNullable();
      t.string('manifest_digest', 64).notNullable();
      t.string('signature', 128).notNullable();
      t.string('key_id', 64).notNullable();
      t.integer('tarball_size').notNullable();
      t.integer('unpacked_size').notNullable();
      t.integer('file_count').notNullable();
      t.string('license');
      t.string('url_bugs');
      t.string('url_homepage');
      t.string('url_repository');
      t.string('publisher_id', 36).notNullable().references('id').inTable('mkt_accounts');
      t.string('publish_date', 32).notNullable();
      t.integer('downloads').notNullable().defaultTo(0);
      t.unique(['extension_id', 'version']);
    });
  }
  if (!(await s().hasTable('mkt_dist_tags'))) {
    await s().createTable('mkt_dist_tags', (t) => {
      t.string('extension_id', 36).notNullable().references('id').inTable('mkt_extensions').onDelete('CASCADE');
      t.string('tag', 64).notNullable();
      t.string('version', 256).notNullable();
      t.primary(['extension_id', 'tag']);
    });
  }
  if (!(await s().hasTable('mkt_downloads'))) {
    await s().createTable('mkt_downloads', (t) => {
      t.string('version_id', 36).notNullable().references('id').inTable('mkt_versions').onDelete('CASCADE');
      t.string('extension_id', 36).notNullable();
      t.string('day', 10).notNullable();
      t.integer('count').notNullable().defaultTo(0);
      t.primary(['version_id', 'day']);
    });
  }
  await db('mkt_meta')
    .insert({ key: 'schema_version', value: String(SCHEMA_VERSION) })
    .onConflict('key')
    .merge();
}
