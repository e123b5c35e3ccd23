import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db/connection.js';
import { migrate } from '../../db/migrations.js';
import { createPermissions } from '../permissions.js';

describe('permission grants cache', () => {
  let knex: Knex;
  const editor = { user: 'u-1', role: 'r-editor', admin: false, app: true } as never;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-perm-'));
    knex = createDatabase({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') } as never);
    await migrate(knex);
    await knex('directus_roles').insert({ id: 'r-editor', name: 'editor' });
  });
  afterAll(() => knex.destroy());

  it('answers repeated grants from one combination, and a change from fresh rows', async () => {
    const perms = createPermissions(knex);
    await knex('directus_permissions').insert({
      role: 'r-editor',
      collection: 'notes',
      action: 'read',
      fields: 'id,title',
    });
    const first = await perms.grant(editor, 'notes', 'read');
    expect(first).toMatchObject({ filter: null, fields: ['id', 'title'] });
    expect(await perms.grant(editor, 'notes', 'read')).toBe(first);
    expect(await perms.grant(editor, 'notes', 'update')).toBeNull();
    await knex('directus_permissions').insert({ role: 'r-editor', collection: 'notes', action: 'update', fields: '*' });
    perms.invalidate();
    expect(await perms.grant(editor, 'notes', 'update')).toMatchObject({ fields: '*' });
    expect(await perms.grant(editor, 'notes', 'read')).not.toBe(first);
  });

  it('does not keep rows read before a change that lands while they are read', async () => {
    const perms = createPermissions(knex);
    await knex('directus_permissions').insert({ role: 'r-editor', collection: 'drafts', action: 'read', fields: 'id' });
    // The change lands after the rows were read and before the read finished.
    let changed: Promise<void> | undefined;
    knex.on('query-response', function once(_res: unknown, query: { sql: string }) {
      if (!/directus_permissions/.test(query.sql) || changed) return;
      knex.off('query-response', once);
      changed = (async () => {
        await knex('directus_permissions')
          .where({ role: 'r-editor', collection: 'drafts' })
          .update({ fields: 'id,body' });
        perms.invalidate();
      })();
    });
    const stale = await perms.grant(editor, 'drafts', 'read');
    await changed;
    expect(stale).toMatchObject({ fields: ['id'] });
    expect(await perms.grant(editor, 'drafts', 'read')).toMatchObject({ fields: ['id', 'body'] });
  });
});
