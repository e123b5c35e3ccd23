import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint, writeHook } from '../helpers/write-extension.js';

/**
 * The schema's events, as Directus emits them and schema-sync style hooks listen to them: a filter
 * before each change of collections, fields and relations (its result is what is written), an
 * action after it, both with the database and the schema in their context; `collections.read` and
 * `fields.read` filters over what the caller is shown.
 */
describe("the schema's events", () => {
  let t: TestHost;

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-schema-events-'));
    const hook = writeHook(
      root,
      'schema-listener',
      '',
      `export default ({ filter, action }) => {
  globalThis.__schemaEvents = [];
  for (const scope of ['collections', 'fields', 'relations'])
    for (const verb of ['create', 'update', 'delete'])
      action(scope + '.' + verb, (meta, context) => {
        globalThis.__schemaEvents.push({ event: scope + '.' + verb, keys: meta.keys ?? [meta.key], collection: meta.collection, database: typeof context.database === 'function', schema: Boolean(context.schema?.collections) });
      });
  filter('fields.create', (field) => ({ ...field, meta: { ...(field.meta ?? {}), note: 'checked by a hook' } }));
  filter('collections.read', (collections) => collections.filter((c) => c.collection !== 'hidden_things'));
};
`,
    );
    const probe = writeEndpoint(root, 'schema-probe', '', {
      raw: `export default (router) => { router.get('/', (req, res) => res.json({ data: globalThis.__schemaEvents })); };\n`,
    });
    t = await startHost({ extensions: [hook, probe] });
  });
  afterAll(() => t?.close());

  it('emits an action after each change, with the database and the schema, and applies a filter’s result', async () => {
    expect(
      (await t.api('POST', '/collections', { collection: 'things', fields: [{ field: 'name', type: 'string' }] }))
        .status,
    ).toBe(200);
    expect((await t.api('PATCH', '/collections/things', { meta: { icon: 'star' } })).status).toBe(200);
    expect((await t.api('POST', '/fields/things', { field: 'size', type: 'integer' })).status).toBe(200);
    expect((await t.api('GET', '/fields/things/size')).body.data.meta.note).toBe('checked by a hook');
    expect((await t.api('PATCH', '/fields/things/size', { meta: { note: 'changed' } })).status).toBe(200);
    expect((await t.api('DELETE', '/fields/things/size')).status).toBeLessThan(300);
    expect((await t.api('DELETE', '/collections/things')).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 100));
    const seen = (await t.api('GET', '/schema-probe')).body.data;
    expect(seen.map((e: { event: string; keys: string[] }) => `${e.event} ${e.keys.join(',')}`)).toEqual([
      'collections.create things',
      'collections.update things',
      'fields.create size',
      'fields.update size',
      'fields.delete size',
      'collections.delete things',
    ]);
    expect(seen.every((e: { database: boolean; schema: boolean }) => e.database && e.schema)).toBe(true);
    expect(seen.find((e: { event: string }) => e.event === 'fields.create').collection).toBe('things');
  });

  it('shows the collections a collections.read filter keeps', async () => {
    await t.api('POST', '/collections', { collection: 'hidden_things', fields: [{ field: 'name', type: 'string' }] });
    const listed = (await t.api('GET', '/collections')).body.data.map((c: { collection: string }) => c.collection);
    expect(listed).not.toContain('hidden_things');
    expect((await t.api('GET', '/collections/hidden_things')).status).toBe(403);
  });
});
