import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCollection, startHost } from '../helpers/host.js';
import { annex } from '../helpers/annex-cli.js';

/** `annex schema snapshot` on one database and `annex schema apply` of that file on another. */
describe('annex schema', () => {
  it('snapshots one database to a file and applies it to another, after listing the changes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-schema-cli-'));
    const envOf = (name: string) => ({
      DB_FILENAME: path.join(dir, `${name}.db`),
      ADMIN_EMAIL: 'a@example.com',
      ADMIN_PASSWORD: 'pw',
    });
    const t = await startHost({ dir: path.join(dir, 'a'), env: envOf('a') });
    await createCollection(t, 'books', { title: { type: 'string', meta: { note: 'The title' } }, pages: 'integer' });
    await t.close();

    const file = path.join(dir, 'schema.yaml');
    const snap = await annex(['schema', 'snapshot', file], envOf('a'));
    expect(snap.code, snap.stderr).toBe(0);
    expect(snap.stdout).toContain('1 collections');
    expect(fs.readFileSync(file, 'utf8')).toContain('collection: books');
    // An existing file is kept unless --yes.
    expect((await annex(['schema', 'snapshot', file], envOf('a'))).code).toBe(1);
    expect((await annex(['schema', 'snapshot', file, '--yes'], envOf('a'))).code).toBe(0);

    const dry = await annex(['schema', 'apply', file, '--dry-run'], envOf('b'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+ collection books');
    expect(dry.stdout).toContain('+ field books.pages');
    // Without a terminal to confirm in, only --yes applies.
    const asked = await annex(['schema', 'apply', file], envOf('b'));
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('--yes');
    const applied = await annex(['schema', 'apply', file, '--yes'], envOf('b'));
    expect(applied.code, applied.stderr).toBe(0);
    expect((await annex(['schema', 'apply', file, '--yes'], envOf('b'))).stdout).toContain('nothing to do');

    const b = await startHost({ dir: path.join(dir, 'b'), env: envOf('b') });
    try {
      expect((await b.api('GET', '/fields/books/title')).body.data.meta.note).toBe('The title');
      expect((await b.api('POST', '/items/books', { title: 'Dune', pages: 412 })).status).toBe(200);
    } finally {
      await b.close();
    }
  }, 120_000);

  it('explains usage and bad files with exit codes 2 and 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-schema-cli-'));
    const env = { DB_FILENAME: path.join(dir, 'x.db') };
    expect((await annex(['schema'], env)).code).toBe(2);
    expect((await annex(['schema', 'apply'], env)).code).toBe(2);
    expect((await annex(['schema', 'frob'], env)).code).toBe(2);
    const help = await annex(['schema', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('annex schema apply <file>');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), '{ not: [valid');
    const bad = await annex(['schema', 'apply', path.join(dir, 'bad.yaml')], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('INVALID_PAYLOAD');
    fs.writeFileSync(
      path.join(dir, 'old.json'),
      JSON.stringify({ version: 1, directus: '10.0.0', vendor: 'sqlite', collections: [], fields: [], relations: [] }),
    );
    const old = await annex(['schema', 'apply', path.join(dir, 'old.json')], env);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('--force');
  }, 60_000);
});
