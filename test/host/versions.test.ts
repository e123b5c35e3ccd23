import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeHook } from '../helpers/write-extension.js';

// Directus's content versions: /versions, save, compare, promote, and `?version=` on item reads.
type Promoted = { kind: string; payload?: unknown; meta: Record<string, unknown> };
const promoted = (): Promoted[] => ((globalThis as { __promoted?: Promoted[] }).__promoted ??= []);

let t: TestHost;
let article: number;
beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-versions-'));
  const hook = writeHook(
    root,
    'promote-recorder',
    '',
    `export default ({ filter, action }) => {
  filter('items.promote', (payload, meta) => {
    (globalThis.__promoted ??= []).push({ kind: 'filter', payload, meta });
    return payload.title === 'stamp me' ? { ...payload, title: 'stamped' } : payload;
  });
  action('articles.items.promote', (meta) => { (globalThis.__promoted ??= []).push({ kind: 'action', meta }); });
};
`,
  );
  t = await startHost({ extensions: [hook] });
  const made = await t.api('POST', '/collections', {
    collection: 'articles',
    meta: { versioning: true },
    fields: [
      { field: 'title', type: 'string' },
      { field: 'body', type: 'text' },
    ],
  });
  expect(made.status).toBe(200);
  expect(
    (
      await t.api('POST', '/collections', {
        collection: 'plain',
        fields: [{ field: 'title', type: 'string' }],
      })
    ).status,
  ).toBe(200);
  article = (await t.api('POST', '/items/articles', { title: 'Original', body: 'Body' })).body.data.id;
});
afterAll(() => t?.close());

const version = async (key: string, name: string | null = null) => {
  const res = await t.api('POST', '/versions', { key, name, collection: 'articles', item: article });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
};

describe('content versions', () => {
  it("is a collection's setting, off unless turned on", async () => {
    expect((await t.api('GET', '/collections/articles')).body.data.meta.versioning).toBe(true);
    expect((await t.api('GET', '/collections/plain')).body.data.meta.versioning).toBe(false);
    const refused = await t.api('POST', '/versions', { key: 'draft', collection: 'plain', item: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].message).toMatch(/not enabled/);
  });

  it('makes a version of an item, once per key, never under a reserved key or with host-kept fields', async () => {
    const draft = await version('draft', 'Draft');
    expect(draft).toMatchObject({ key: 'draft', name: 'Draft', collection: 'articles', item: String(article) });
    expect(draft.hash).toMatch(/^[0-9a-f]{64}$/);
    const again = await t.api('POST', '/versions', { key: 'draft', collection: 'articles', item: article });
    expect(again.status).toBe(422);
    for (const body of [
      { key: 'main', collection: 'articles', item: article },
      { key: 'has space', collection: 'articles', item: article },
      { key: 'other', collection: 'articles', item: article, delta: { title: 'x' } },
      { key: 'other', collection: 'articles', item: article, hash: 'forged' },
    ]) {
      const res = await t.api('POST', '/versions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    }
    // Of an item that does not exist (or the caller may not read): nothing to version.
    expect((await t.api('POST', '/versions', { key: 'x', collection: 'articles', item: 999999 })).status).toBe(403);
    // Renamed, not re-pointed.
    expect((await t.api('PATCH', `/versions/${draft.id}`, { name: 'First draft' })).body.data.name).toBe('First draft');
    expect((await t.api('PATCH', `/versions/${draft.id}`, { delta: { title: 'x' } })).status).toBe(400);
    expect((await t.api('PATCH', `/versions/${draft.id}`, { item: '2' })).status).toBe(400);
  });

  it('saves changes aside: the item keeps its values, `?version=` reads the version’s', async () => {
    const v = await version('edits');
    const saved = await t.api('POST', `/versions/${v.id}/save`, { title: 'Edited' });
    expect(saved.body.data).toMatchObject({ id: article, title: 'Edited', body: 'Body' });
    await t.api('POST', `/versions/${v.id}/save`, { body: 'New body' });
    expect((await t.api('GET', `/versions/${v.id}`)).body.data.delta).toEqual({ title: 'Edited', body: 'New body' });
    expect((await t.api('GET', `/items/articles/${article}`)).body.data).toMatchObject({
      title: 'Original',
      body: 'Body',
    });
    expect((await t.api('GET', `/items/articles/${article}?version=edits&fields=title`)).body.data).toEqual({
      title: 'Edited',
    });
    expect((await t.api('GET', `/items/articles/${article}?version=main`)).body.data.title).toBe('Original');
    expect((await t.api('GET', `/items/articles/${article}?version=nope`)).status).toBe(403);
    // GraphQL's `version` argument reads the same.
    const gql = (query: string) => t.api('POST', '/graphql', { query });
    expect((await gql(`{ articles_by_id(id: ${article}, version: "edits") { title body } }`)).body).toEqual({
      data: { articles_by_id: { title: 'Edited', body: 'New body' } },
    });
    expect((await gql(`{ articles_by_id(id: ${article}) { title } }`)).body.data.articles_by_id.title).toBe('Original');
    expect((await gql(`{ articles_by_version(version: "edits", id: ${article}) { title } }`)).body).toEqual({
      data: { articles_by_version: { title: 'Edited' } },
    });
    expect(
      (await gql(`{ articles_by_id(id: ${article}, version: "nope") { title } }`)).body.errors[0].extensions.code,
    ).toBe('FORBIDDEN');
    const bad = await t.api('POST', `/versions/${v.id}/save`, { nope: 1 });
    expect(bad.status).toBe(400);
  });

  it('compares with the item, and promotes the chosen fields only if the item did not change since', async () => {
    const v = await version('promote-me');
    await t.api('POST', `/versions/${v.id}/save`, { title: 'Promoted title', body: 'Promoted body' });
    const compared = (await t.api('GET', `/versions/${v.id}/compare`)).body.data;
    expect(compared).toMatchObject({
      outdated: false,
      current: { title: 'Promoted title', body: 'Promoted body' },
      main: { id: article, title: 'Original' },
    });
    expect((await t.api('POST', `/versions/${v.id}/promote`, {})).status).toBe(400);
    expect((await t.api('POST', `/versions/${v.id}/promote`, { mainHash: 'stale' })).status).toBe(422);
    const done = await t.api('POST', `/versions/${v.id}/promote`, { mainHash: compared.mainHash, fields: ['title'] });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(String(done.body.data)).toBe(String(article));
    expect((await t.api('GET', `/items/articles/${article}`)).body.data).toMatchObject({
      title: 'Promoted title',
      body: 'Body',
    });
    // The item changed: the version is outdated, and the old hash no longer promotes.
    expect((await t.api('GET', `/versions/${v.id}/compare`)).body.data.outdated).toBe(true);
    const stale = await t.api('POST', `/versions/${v.id}/promote`, { mainHash: compared.mainHash });
    expect(stale.status).toBe(422);
    expect(stale.body.errors[0].message).toMatch(/changed/);
  });

  it('reads a singleton as its one item over GraphQL, and as a version of it', async () => {
    const made = await t.api('POST', '/collections', {
      collection: 'site',
      meta: { singleton: true, versioning: true },
      fields: [{ field: 'motto', type: 'string' }],
    });
    expect(made.status).toBe(200);
    const gql = (query: string) => t.api('POST', '/graphql', { query });
    expect((await gql('{ site { motto } }')).body).toEqual({ data: { site: null } });
    const id = (await t.api('PATCH', '/items/site', { motto: 'Hello' })).body.data.id;
    const v = (await t.api('POST', '/versions', { key: 'next', collection: 'site', item: id })).body.data;
    await t.api('POST', `/versions/${v.id}/save`, { motto: 'Goodbye' });
    expect((await gql('{ site { motto } }')).body).toEqual({ data: { site: { motto: 'Hello' } } });
    expect((await gql('{ site(version: "next") { motto } }')).body).toEqual({ data: { site: { motto: 'Goodbye' } } });
    expect((await gql('{ site_by_version(version: "next") { motto } }')).body).toEqual({
      data: { site_by_version: { motto: 'Goodbye' } },
    });
  });

  it("runs Directus's items.promote filter (which may change the payload) and action", async () => {
    const v = await version('hooked');
    await t.api('POST', `/versions/${v.id}/save`, { title: 'stamp me' });
    const { mainHash } = (await t.api('GET', `/versions/${v.id}/compare`)).body.data;
    expect((await t.api('POST', `/versions/${v.id}/promote`, { mainHash })).status).toBe(200);
    expect((await t.api('GET', `/items/articles/${article}`)).body.data.title).toBe('stamped');
    expect(promoted().findLast((p) => p.kind === 'filter')).toMatchObject({
      payload: { title: 'stamp me' },
      meta: { collection: 'articles', item: String(article), version: v.id },
    });
    expect(promoted().findLast((p) => p.kind === 'action')?.meta).toMatchObject({
      payload: { title: 'stamped' },
      collection: 'articles',
      version: v.id,
    });
  });

  it("holds the caller to its permissions: on directus_versions for the version, on the item's fields to save and promote", async () => {
    const v = await version('guarded');
    const reader = await createUser(t, 'version-reader', [
      { collection: 'articles', action: 'read' },
      { collection: 'directus_versions', action: 'read' },
      { collection: 'directus_versions', action: 'update' },
    ]);
    expect((await t.api('GET', `/versions/${v.id}`, undefined, reader.token)).status).toBe(200);
    expect((await t.api('POST', `/versions/${v.id}/save`, { title: 'no' }, reader.token)).status).toBe(403);
    const bodyOnly = await createUser(t, 'version-body-editor', [
      { collection: 'articles', action: 'read' },
      { collection: 'articles', action: 'update', fields: 'body' },
      { collection: 'directus_versions', action: 'read' },
      { collection: 'directus_versions', action: 'update' },
    ]);
    expect((await t.api('POST', `/versions/${v.id}/save`, { body: 'ok' }, bodyOnly.token)).status).toBe(200);
    expect((await t.api('POST', `/versions/${v.id}/save`, { title: 'no' }, bodyOnly.token)).status).toBe(403);
    const stranger = await createUser(t, 'version-stranger', [{ collection: 'articles', action: 'read' }]);
    expect((await t.api('GET', `/versions/${v.id}`, undefined, stranger.token)).status).toBe(403);
    expect((await t.api('GET', `/items/articles/${article}?version=guarded`, undefined, stranger.token)).status).toBe(
      403,
    );
    // Promoting writes the item with the promoter's rights.
    await t.api('POST', `/versions/${v.id}/save`, { title: 'Admin title' });
    const { mainHash } = (await t.api('GET', `/versions/${v.id}/compare`)).body.data;
    const promoter = await createUser(t, 'version-promoter', [
      { collection: 'articles', action: 'read' },
      { collection: 'articles', action: 'update', fields: 'body' },
      { collection: 'directus_versions', action: 'read' },
    ]);
    expect((await t.api('POST', `/versions/${v.id}/promote`, { mainHash }, promoter.token)).status).toBe(403);
    expect((await t.api('GET', `/items/articles/${article}`)).body.data.title).not.toBe('Admin title');
  });
});
