import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/** `annex.migrations`: an extension's own database migrations run once, in order, before it activates (pain point d10). */
let t: TestHost;
let root: string;
const ext = () => path.join(t.extensionsPath, 'notes-ext');

function writeMigration(dir: string, name: string, body: string): void {
  fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'migrations', name), `export async function up(knex) {\n${body}\n}\n`);
}

function withManifest(dir: string, annex: object, sandbox = false): void {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg['directus:extension'].annex = annex;
  if (sandbox) pkg['directus:extension'].sandbox = { enabled: true, requestedScopes: {} };
  fs.writeFileSync(file, JSON.stringify(pkg));
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-migrations-'));
  const dir = writeEndpoint(root, 'notes-ext', '', {
    raw: `export default (router, { database }) => { router.get('/', async (_req, res) => res.json(await database('ext_notes').select('*').orderBy('id'))); };\n`,
  });
  withManifest(dir, { migrations: 'migrations' });
  writeMigration(
    dir,
    '001-create.js',
    `await knex.schema.createTable('ext_notes', (t) => { t.increments('id'); t.string('text'); });`,
  );
  writeMigration(dir, '002-seed.js', `await knex('ext_notes').insert({ text: 'seeded' });`);
  // Refused manifests: migrations in a sandboxed extension, or outside the package.
  const sandboxed = writeEndpoint(root, 'sandboxed-migrations', 'x', { sandbox: true });
  fs.mkdirSync(path.join(sandboxed, 'migrations'));
  withManifest(sandboxed, { migrations: 'migrations' }, true);
  withManifest(writeEndpoint(root, 'escaping-migrations', 'x'), { migrations: '../notes-ext/migrations' });
  t = await startHost({
    extensions: ['notes-ext', 'sandboxed-migrations', 'escaping-migrations'].map((n) => path.join(root, n)),
  });
});
afterAll(() => t?.close());

const status = async (id: string) => (await t.api('GET', `/extensions/${id}/status`)).body.data;

describe('extension migrations', () => {
  it('run once, in order, before the extension serves; recorded and in the activity log', async () => {
    expect((await t.api('GET', '/notes-ext')).body).toEqual([{ id: 1, text: 'seeded' }]);
    const rows = await t.host.knex('annex_extension_migrations').where({ extension: 'notes-ext' }).orderBy('name');
    expect(rows.map((r: any) => r.name)).toEqual(['001-create.js', '002-seed.js']);
    const log = (await t.api('GET', '/activity?filter[action][_eq]=migrate&sort=id')).body.data;
    expect(log.map((r: any) => r.details.migration)).toEqual(['001-create.js', '002-seed.js']);
  });

  it('do not run again after a restart; a new file runs on the next reload', async () => {
    t = await t.restart();
    expect((await t.api('GET', '/notes-ext')).body).toHaveLength(1);
    writeMigration(
      ext(),
      '003-done.js',
      `await knex.schema.alterTable('ext_notes', (t) => { t.boolean('done').defaultTo(false); });`,
    );
    expect((await t.api('POST', '/extensions/notes-ext/reload')).status).toBe(200);
    const [row] = (await t.api('GET', '/notes-ext')).body;
    expect(row).toMatchObject({ id: 1, text: 'seeded' });
    expect(row).toHaveProperty('done'); // SQLite answers 0, PostgreSQL false
    expect(Boolean(row.done)).toBe(false);
  });

  it('a failing migration is rolled back and fails the reload only: the previous version keeps serving', async () => {
    writeMigration(
      ext(),
      '004-broken.js',
      `await knex.schema.createTable('ext_half_done', (t) => { t.increments('id'); });\nthrow new Error('boom in 004');`,
    );
    await t.api('POST', '/extensions/notes-ext/reload');
    const s = await status('notes-ext');
    expect(s.state).toBe('active');
    expect(s.last_error).toMatchObject({ code: 'HOST_MIGRATION_FAILED' });
    expect(s.last_error.message).toContain('004-broken.js');
    expect(s.last_error.message).toContain('boom in 004');
    expect(await t.host.knex.schema.hasTable('ext_half_done')).toBe(false);
    expect(await t.host.knex('annex_extension_migrations').where({ name: '004-broken.js' })).toEqual([]);
    expect((await t.api('GET', '/notes-ext')).status).toBe(200);
  });

  it('are refused in a sandboxed extension and outside the package', async () => {
    for (const id of ['sandboxed-migrations', 'escaping-migrations']) {
      const row = (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === id);
      expect([id, row.annex.state, row.annex.last_error?.code]).toEqual([id, 'failed', 'HOST_MANIFEST_INVALID']);
    }
  });
});
