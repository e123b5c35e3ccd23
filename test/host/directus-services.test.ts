import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/**
 * Directus's services and ItemsService methods that published API extensions call, through a
 * trusted endpoint that calls `new services[service](collection?, { accountability }).method(...args)`.
 */
describe("Directus's services and ItemsService methods, as extensions call them", () => {
  let t: TestHost;
  let editor: { token: string };

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-services-'));
    writeEndpoint(root, 'svc-probe', '', {
      raw: `import { Readable } from 'node:stream';
export default (router, { services, env, getSchema }) => {
  router.post('/upload', async (req, res, next) => {
    try {
      const files = new services.FilesService({ accountability: req.accountability });
      const id = await files.uploadOne(Readable.from([Buffer.from(req.body.text)]), req.body.data);
      res.json({ data: id });
    } catch (e) {
      next(e);
    }
  });
  router.get('/schema', async (req, res) => {
    const schema = await getSchema();
    res.json({ data: {
      relations: schema.relations.filter((r) => ['posts', 'directus_users'].includes(r.collection)),
      alias: Object.fromEntries(Object.values(schema.collections.authors.fields).map((f) => [f.field, f.alias])),
    } });
  });
  router.get('/env', (req, res) => res.json({ data: Object.fromEntries(req.query.names.split(',').map((n) => [n, env[n]])) }));
  router.post('/', async (req, res, next) => {
    try {
      const { service, collection, method, args = [] } = req.body;
      const options = { accountability: req.accountability };
      const instance = collection ? new services[service](collection, options) : new services[service](options);
      res.json({ data: (await instance[method](...args)) ?? null });
    } catch (e) {
      next(e);
    }
  });
};
`,
    });
    t = await startHost({
      extensions: [path.join(root, 'svc-probe')],
      env: {
        FEATURE_ON: 'true',
        RETRIES: '3',
        TAGS: 'a, b',
        SMTP_PASSWORD: '1234',
        LIMITS: '{"max":5}',
        NAME_PREFIX: 'string:007',
      },
    });
    const made = await t.api('POST', '/collections', {
      collection: 'site',
      meta: { singleton: true },
      fields: [
        { field: 'motto', type: 'string', schema: { default_value: 'Hello' } },
        { field: 'visits', type: 'integer' },
      ],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(
      (await t.api('POST', '/collections', { collection: 'tags', fields: [{ field: 'name', type: 'string' }] })).status,
    ).toBe(200);
    editor = await createUser(t, 'tag-editor', [
      { collection: 'tags', action: 'read', fields: '*' },
      { collection: 'tags', action: 'create', fields: '*' },
      { collection: 'tags', action: 'update', fields: 'name' },
    ]);
  });
  afterAll(() => t?.close());

  const call = (body: Record<string, unknown>, token?: string) => t.api('POST', '/svc-probe', body, token);

  it('reads and writes a singleton: its defaults before it exists, then its one item', async () => {
    const site = { service: 'ItemsService', collection: 'site' };
    const before = await call({ ...site, method: 'readSingleton', args: [{ fields: ['id', 'motto', 'visits'] }] });
    expect(before.body.data).toEqual({ id: null, motto: 'Hello', visits: null });
    expect((await t.api('GET', '/items/site')).body.data).toMatchObject({ id: null, motto: 'Hello' });
    const key = (await call({ ...site, method: 'upsertSingleton', args: [{ visits: 1 }] })).body.data;
    expect((await call({ ...site, method: 'upsertSingleton', args: [{ visits: 2 }] })).body.data).toBe(key);
    expect(
      (await call({ ...site, method: 'readSingleton', args: [{ fields: ['motto', 'visits'] }] })).body.data,
    ).toEqual({
      motto: 'Hello',
      visits: 2,
    });
    expect((await t.api('GET', '/items/site?aggregate[count]=*')).body.data).toEqual({ count: 1 }); // a singleton answers one object, as Directus's
    // SettingsService is such a service too.
    const settings = await call({
      service: 'SettingsService',
      method: 'readSingleton',
      args: [{ fields: ['project_name'] }],
    });
    expect(settings.body.data).toEqual({ project_name: expect.any(String) });
  });

  it('upserts many in one transaction (an update writes no primary key), and finds keys by a query', async () => {
    const tags = { service: 'ItemsService', collection: 'tags' };
    const [red] = (
      await call({ ...tags, method: 'upsertMany', args: [[{ name: 'red' }, { name: 'blue' }]] }, editor.token)
    ).body.data;
    // The editor may not update `id`: an upsert of an existing item writes its other fields only.
    const again = await call(
      { ...tags, method: 'upsertMany', args: [[{ id: red, name: 'crimson' }, { name: 'green' }]] },
      editor.token,
    );
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await t.api('GET', `/items/tags/${red}`)).body.data.name).toBe('crimson');
    // A failure rolls every upsert back.
    const failed = await call({
      ...tags,
      method: 'upsertMany',
      args: [[{ name: 'white' }, { name: { not: 'text' } }]],
    });
    expect(failed.status).toBe(400);
    expect((await t.api('GET', '/items/tags?filter[name][_eq]=white')).body.data).toEqual([]);
    const keys = await call({
      ...tags,
      method: 'getKeysByQuery',
      args: [{ filter: { name: { _in: ['crimson', 'green'] } }, sort: ['name'] }],
    });
    expect(keys.body.data).toHaveLength(2);
    expect(keys.body.data).toContain(red);
  });

  it("gives extensions Directus's env: values cast, secrets left as text, Directus's defaults", async () => {
    const names = 'FEATURE_ON,RETRIES,TAGS,SMTP_PASSWORD,LIMITS,NAME_PREFIX,PUBLIC_URL,STORAGE_LOCATIONS,CONFIG_PATH';
    const env = (await t.api('GET', `/svc-probe/env?names=${names}`)).body.data;
    expect(env).toMatchObject({
      FEATURE_ON: true,
      RETRIES: 3,
      TAGS: ['a', 'b'],
      SMTP_PASSWORD: '1234',
      LIMITS: { max: 5 },
      NAME_PREFIX: '007',
      PUBLIC_URL: expect.any(String),
      STORAGE_LOCATIONS: ['local'],
    });
    expect(env.CONFIG_PATH).toMatch(/\.env$/);
  });

  it("gives getSchema()'s relations in Directus's shape (system ones too) and marks alias fields", async () => {
    expect(
      (await t.api('POST', '/collections', { collection: 'authors', fields: [{ field: 'name', type: 'string' }] }))
        .status,
    ).toBe(200);
    const posts = await t.api('POST', '/collections', {
      collection: 'posts',
      fields: [
        { field: 'title', type: 'string' },
        { field: 'author', type: 'integer', related_collection: 'authors' },
      ],
    });
    expect(posts.status, JSON.stringify(posts.body)).toBe(200);
    // The one-to-many on authors, made as Directus's app makes it: the relation with `meta.one_field`.
    await t.api('POST', '/relations', {
      collection: 'posts',
      field: 'author',
      related_collection: 'authors',
      meta: { one_field: 'posts' },
    });
    const { relations, alias } = (await t.api('GET', '/svc-probe/schema')).body.data;
    expect(relations).toContainEqual(
      expect.objectContaining({
        collection: 'posts',
        field: 'author',
        related_collection: 'authors',
        meta: expect.objectContaining({ many_collection: 'posts', one_collection: 'authors', one_field: 'posts' }),
        schema: expect.objectContaining({ table: 'posts', column: 'author', foreign_key_table: 'authors' }),
      }),
    );
    expect(relations).toContainEqual(
      expect.objectContaining({ collection: 'directus_users', field: 'role', related_collection: 'directus_roles' }),
    );
    expect(alias).toMatchObject({ id: false, name: false, posts: true });
    // /fields carries Directus's meta.id: the field's row (none for a system collection's own field).
    expect((await t.api('GET', '/fields/posts/title')).body.data.meta.id).toEqual(expect.any(Number));
    expect((await t.api('GET', '/fields/directus_users/email')).body.data.meta.id).toBeNull();
  });

  it("answers /permissions/me in Directus 11's shape: each collection, each action's access", async () => {
    const mine = (await t.api('GET', '/permissions/me', undefined, editor.token)).body.data;
    expect(mine.tags).toEqual({
      create: { access: 'full', fields: ['*'] },
      read: { access: 'full', fields: ['*'] },
      update: { access: 'partial', fields: ['name'] },
      delete: { access: 'none' },
      share: { access: 'none' },
    });
    expect(mine).not.toHaveProperty('site');
    const admin = (await t.api('GET', '/permissions/me')).body.data;
    expect(admin.site.delete).toEqual({ access: 'full', fields: ['*'] });
  });

  it("uploads with FilesService.uploadOne and keeps the row's other fields it was given (tags, metadata), not the host's", async () => {
    const made = await t.api('POST', '/svc-probe/upload', {
      text: 'hello',
      data: {
        filename_download: 'note.txt',
        type: 'text/plain',
        tags: ['a', 'b'],
        metadata: { lens: '35mm' },
        filesize: 1,
        uploaded_by: null,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const row = (await t.api('GET', `/files/${made.body.data}?fields=tags,metadata,filesize,uploaded_by,title`)).body
      .data;
    expect(row).toMatchObject({ tags: ['a', 'b'], metadata: { lens: '35mm' }, filesize: 5, title: 'note' });
    expect(row.uploaded_by).toEqual(expect.any(String));
  });

  it('has the services for activity, revisions, comments, presets, translations, shares and the server', async () => {
    const presets = { service: 'PresetsService' };
    const preset = await call({
      ...presets,
      method: 'createOne',
      args: [{ bookmark: 'Red tags', collection: 'tags', layout: 'tabular' }],
    });
    expect(preset.status, JSON.stringify(preset.body)).toBe(200);
    const activity = await call({
      service: 'ActivityService',
      method: 'readByQuery',
      args: [{ filter: { collection: { _eq: 'tags' } }, fields: ['action', 'collection'], limit: 1 }],
    });
    expect(activity.body.data).toEqual([{ action: expect.any(String), collection: 'tags' }]);
    const extensions = (await call({ service: 'ExtensionsService', method: 'readAll' })).body.data;
    const probe = extensions.find((e: { schema?: { name?: string } }) => e.schema?.name === 'svc-probe');
    expect(probe).toMatchObject({ id: expect.any(String), meta: { enabled: true } });
    const byId = await call({ service: 'ExtensionsService', method: 'readOne', args: [probe.id] });
    expect(byId.body.data.id).toBe(probe.id);
    const byName = await call({ service: 'ExtensionsService', method: 'readOne', args: ['svc-probe'] });
    expect(byName.body.data.id).toBe(probe.id);
    expect((await call({ service: 'ExtensionsService', method: 'readOne', args: ['nope'] })).status).toBe(404);
    for (const service of ['RevisionsService', 'CommentsService', 'TranslationsService', 'SharesService']) {
      const read = await call({ service, method: 'readByQuery', args: [{ limit: 1 }] });
      expect([service, read.status]).toEqual([service, 200]);
    }
    const info = (await call({ service: 'ServerService', method: 'serverInfo' })).body.data;
    expect(info).toMatchObject({ project: { project_name: expect.any(String) }, version: expect.any(String) });
    // The public answer has no version, as Directus's /server/info.
    expect((await t.api('GET', '/server/info', undefined, '')).body.data).not.toHaveProperty('version');
  });
});
