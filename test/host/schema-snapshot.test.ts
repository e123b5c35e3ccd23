import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createManyToMany, createUser, startHost, type TestHost } from '../helpers/host.js';

const GROUP = { type: 'alias', meta: { special: ['alias', 'no-data', 'group'], interface: 'group-detail' } };
const code = (res: { body: any }) => res.body.errors?.[0]?.extensions?.code;
const reason = (res: { body: any }) => String(res.body.errors?.[0]?.message ?? '');

/**
 * Directus's schema migration between instances: `GET /schema/snapshot` on one host, `POST
 * /schema/diff` of it on another (`{hash, diff}` in deep-diff's format, 204 when equal), `POST
 * /schema/apply` of that diff. Applied, the second host's snapshot equals the first's.
 */
describe('schema snapshot, diff and apply', () => {
  let source: TestHost;
  let target: TestHost;
  let snapshot: any;

  beforeAll(async () => {
    source = await startHost();
    target = await startHost();
    await createCollection(source, 'authors', {
      name: { type: 'string', schema: { is_nullable: false, default_value: 'anon' } },
    });
    await createCollection(source, 'posts', {
      title: { type: 'string', meta: { interface: 'input', required: true, note: 'Shown in lists', width: 'half' } },
      details: GROUP,
      body: { type: 'text', meta: { group: 'details', interface: 'input-multiline' } },
      rating: { type: 'integer', meta: { conditions: [{ name: 'x', rule: { title: { _eq: 'x' } }, hidden: true }] } },
      author: { type: 'integer', related_collection: 'authors' },
    });
    expect(
      (
        await source.api('PATCH', '/collections/posts', {
          meta: { icon: 'article', note: 'Blog posts', display_template: '{{title}}', sort_field: 'rating' },
        })
      ).status,
    ).toBe(200);
    // A one-to-many list of an author's posts, whose removed items are deleted.
    expect(
      (
        await source.api('POST', '/relations', {
          collection: 'posts',
          field: 'author',
          related_collection: 'authors',
          meta: { one_field: 'posts', one_deselect_action: 'delete' },
        })
      ).status,
    ).toBe(200);
    await createCollection(source, 'tags', { label: 'string' });
    await createManyToMany(source, {
      collection: 'posts',
      field: 'tags',
      related: 'tags',
      junction: 'posts_tags',
      meta: { interface: 'list-m2m' },
    });
    // A project's own field on a system collection is part of the project's schema.
    expect((await source.api('POST', '/fields/directus_files', { field: 'credit', type: 'string' })).status).toBe(200);
    snapshot = (await source.api('GET', '/schema/snapshot')).body.data;
  }, 60_000);
  afterAll(async () => Promise.all([source?.close(), target?.close()]));

  it("snapshots the project's collections, fields and relations in Directus's shape, not the system's own", async () => {
    expect(snapshot).toMatchObject({ version: 1, directus: expect.any(String), vendor: 'sqlite', systemFields: [] });
    expect(snapshot.collections.map((c: any) => c.collection)).toEqual(['authors', 'posts', 'posts_tags', 'tags']);
    const posts = snapshot.collections.find((c: any) => c.collection === 'posts');
    expect(posts).toMatchObject({
      meta: { icon: 'article', note: 'Blog posts', sort_field: 'rating' },
      schema: { name: 'posts' },
    });
    const field = (c: string, f: string) => snapshot.fields.find((x: any) => x.collection === c && x.field === f);
    expect(field('posts', 'body').meta).toMatchObject({ group: 'details', interface: 'input-multiline' });
    expect(field('posts', 'details')).toMatchObject({ type: 'alias', schema: null });
    expect(field('authors', 'name').schema).toMatchObject({ is_nullable: false, default_value: 'anon' });
    expect(field('directus_files', 'credit')).toMatchObject({ type: 'string' });
    expect(field('directus_files', 'filename_disk')).toBeUndefined();
    expect(snapshot.relations.map((r: any) => `${r.collection}.${r.field}->${r.related_collection}`)).toEqual([
      'posts.author->authors',
      'posts_tags.posts_id->posts',
      'posts_tags.tags_id->tags',
    ]);
    const author = snapshot.relations[0];
    expect(author.meta).toMatchObject({ one_field: 'posts', one_deselect_action: 'delete' });
    // Fields keep their form order within a collection.
    expect(snapshot.fields.filter((f: any) => f.collection === 'posts').map((f: any) => f.field)).toEqual([
      'id',
      'title',
      'details',
      'body',
      'rating',
      'author',
      'tags',
    ]);
  });

  it('exports the snapshot as a YAML or JSON file', async () => {
    const res = await fetch(`${source.url}/schema/snapshot?export=yaml`, {
      headers: { authorization: `Bearer ${source.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="snapshot-.*\.yaml"/);
    expect(await res.text()).toContain('collection: posts');
    expect((await source.api('GET', '/schema/snapshot?export=xml')).status).toBe(400);
  });

  it('diffs the snapshot against another host, applies it, and the two schemas are then equal', async () => {
    const diffed = await target.api('POST', '/schema/diff', snapshot);
    expect(diffed.status).toBe(200);
    const { hash, diff } = diffed.body.data;
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    // deep-diff's format: a whole new collection is one N change with its definition as rhs.
    expect(diff.collections.find((c: any) => c.collection === 'posts').diff).toEqual([
      { kind: 'N', rhs: expect.objectContaining({ collection: 'posts' }) },
    ]);
    expect(diff.relations).toHaveLength(3);
    expect((await target.api('POST', '/schema/apply', { hash, diff })).status).toBe(204);

    // Nothing left to change; the target's snapshot is the source's.
    expect((await target.api('POST', '/schema/diff', snapshot)).status).toBe(204);
    const after = (await target.api('GET', '/schema/snapshot')).body.data;
    expect(after).toEqual(snapshot);

    // And it works: the relations resolve, the one-to-many deletes what it drops.
    const author = (await target.api('POST', '/items/authors', { name: 'Ada' })).body.data.id;
    const tag = (await target.api('POST', '/items/tags', { label: 'red' })).body.data.id;
    const post = await target.api('POST', '/items/posts', { title: 'Hi', author, tags: [{ tags_id: tag }] });
    expect(post.status).toBe(200);
    const read = await target.api('GET', `/items/authors/${author}?fields=name,posts.title,posts.tags.tags_id.label`);
    expect(read.body.data).toEqual({ name: 'Ada', posts: [{ title: 'Hi', tags: [{ tags_id: { label: 'red' } }] }] });
    expect((await target.api('PATCH', `/items/authors/${author}`, { posts: [] })).status).toBe(200);
    expect((await target.api('GET', '/items/posts')).body.data).toEqual([]);
  });

  it('applies edits and deletions: form settings change, a field and a collection go', async () => {
    // On the source: a field's settings change, a field and the tags collection are deleted.
    await source.api('PATCH', '/fields/posts/title', { meta: { note: 'The headline', width: 'full' } });
    await source.api('PATCH', '/collections/authors', { meta: { icon: 'person' } });
    expect((await source.api('DELETE', '/fields/posts/rating')).status).toBe(204);
    expect((await source.api('DELETE', '/fields/posts/tags')).status).toBe(204);
    expect((await source.api('DELETE', '/collections/posts_tags')).status).toBe(204);
    expect((await source.api('DELETE', '/collections/tags')).status).toBe(204);
    // A relation changes too: the author's list no longer deletes what it drops.
    const relation = { meta: { one_deselect_action: 'nullify' } };
    expect((await source.api('PATCH', '/relations/posts/author', relation)).status).toBe(200);
    const next = (await source.api('GET', '/schema/snapshot')).body.data;

    const { hash, diff } = (await target.api('POST', '/schema/diff', next)).body.data;
    const title = diff.fields.find((f: any) => f.field === 'title').diff;
    expect(title).toEqual(
      expect.arrayContaining([{ kind: 'E', path: ['meta', 'note'], lhs: 'Shown in lists', rhs: 'The headline' }]),
    );
    // A deleted collection takes its fields and relations along.
    expect(
      diff.collections
        .filter((c: any) => c.diff[0].kind === 'D')
        .map((c: any) => c.collection)
        .sort(),
    ).toEqual(['posts_tags', 'tags']);
    expect(diff.fields.some((f: any) => f.collection === 'tags')).toBe(false);
    const announced: { event: string; key?: string; keys?: string[] }[] = [];
    const off = target.host.kernel.emitter.onAction('relations.*', (meta: any) => {
      announced.push({ event: meta.event, key: meta.key, keys: meta.keys });
    });
    try {
      expect((await target.api('POST', '/schema/apply', { hash, diff })).status).toBe(204);
    } finally {
      off();
    }
    expect((await target.api('GET', '/schema/snapshot')).body.data).toEqual(next);
    expect((await target.api('GET', '/fields/posts/title')).body.data.meta.note).toBe('The headline');
    expect((await target.api('GET', '/relations/posts/author')).body.data.meta.one_deselect_action).toBe('nullify');
    // A changed relation is announced as an update, as RelationsService announces one.
    await expect
      .poll(() => announced.filter((a) => a.keys?.includes('posts.author')).map((a) => a.event))
      .toEqual(['relations.update']);
    expect(announced.filter((a) => a.event === 'relations.create')).toEqual([]);
    expect((await target.api('GET', '/collections/tags')).status).toBe(403);
  });

  it('refuses a stale diff (the hash no longer matches), naming what does not fit, and changes nothing', async () => {
    await source.api('POST', '/fields/authors', { field: 'bio', type: 'text' });
    const next = (await source.api('GET', '/schema/snapshot')).body.data;
    const { hash, diff } = (await target.api('POST', '/schema/diff', next)).body.data;
    // Someone adds the same field on the target in the meantime.
    await target.api('POST', '/fields/authors', { field: 'bio', type: 'text' });
    const stale = await target.api('POST', '/schema/apply', { hash, diff });
    expect(stale.status).toBe(400);
    expect(code(stale)).toBe('INVALID_PAYLOAD');
    expect(reason(stale)).toContain('creates field "authors.bio", which already exists');
    // Another kind of change: only the hash tells.
    await target.api('PATCH', '/fields/authors/bio', { meta: { note: 'changed' } });
    const other = await target.api('POST', '/schema/apply', {
      hash: 'f'.repeat(40),
      diff: {
        ...diff,
        fields: [],
        collections: [
          { collection: 'authors', diff: [{ kind: 'E', path: ['meta', 'icon'], lhs: 'person', rhs: 'face' }] },
        ],
      },
    });
    expect(reason(other)).toContain('schema changed after the diff was made');
    expect((await target.api('GET', '/collections/authors')).body.data.meta.icon).toBe('person');
  });

  it('applies all of a diff or none of it', async () => {
    const current = (await target.api('GET', '/schema/snapshot')).body.data;
    const wanted = structuredClone(current);
    wanted.collections.push({
      collection: 'first',
      meta: { collection: 'first', icon: 'star' },
      schema: { name: 'first' },
    });
    wanted.fields.push(
      {
        collection: 'first',
        field: 'id',
        type: 'integer',
        meta: null,
        schema: { is_primary_key: true, has_auto_increment: true },
      },
      // This one cannot be added: a required column on existing rows needs a default.
      { collection: 'authors', field: 'strict', type: 'string', meta: {}, schema: { is_nullable: false } },
    );
    const { hash, diff } = (await target.api('POST', '/schema/diff', wanted)).body.data;
    const res = await target.api('POST', '/schema/apply', { hash, diff });
    expect(res.status).toBe(400);
    expect(reason(res)).toContain('needs a default_value');
    // The collection made before the failing field was rolled back with it.
    expect((await target.api('GET', '/collections/first')).status).toBe(403);
    expect((await target.api('GET', '/schema/snapshot')).body.data).toEqual(current);
  });

  it("refuses what it cannot do instead of doing part of it: a column's type or nullability, a many-to-any, an unknown type", async () => {
    const current = (await target.api('GET', '/schema/snapshot')).body.data;
    const changed = structuredClone(current);
    changed.fields.find((f: any) => f.collection === 'authors' && f.field === 'name').schema.is_nullable = true;
    let res = await target.api('POST', '/schema/apply', (await target.api('POST', '/schema/diff', changed)).body.data);
    expect(res.status).toBe(400);
    expect(reason(res)).toMatch(/changes the column of "authors.name" \(is_nullable\)/);

    const geo = structuredClone(current);
    geo.fields.push({ collection: 'authors', field: 'where', type: 'geometry.Point', meta: {}, schema: {} });
    res = await target.api('POST', '/schema/apply', (await target.api('POST', '/schema/diff', geo)).body.data);
    expect(reason(res)).toContain('geometry.Point');

    const m2a = structuredClone(current);
    m2a.relations.push({
      collection: 'authors',
      field: 'name',
      related_collection: null,
      meta: { one_allowed_collections: ['posts'] },
      schema: null,
    });
    res = await target.api('POST', '/schema/apply', (await target.api('POST', '/schema/diff', m2a)).body.data);
    expect(reason(res)).toContain('many-to-any');
    expect((await target.api('GET', '/schema/snapshot')).body.data).toEqual(current);
  });

  it('checks the version and vendor of a snapshot unless forced, and reads a Directus snapshot through the keys it keeps', async () => {
    const directus = {
      ...structuredClone(snapshot),
      directus: '11.5.1',
      vendor: 'postgres',
    };
    let res = await target.api('POST', '/schema/diff', directus);
    expect(res.status).toBe(400);
    expect(reason(res)).toContain('version 11.5.1');
    res = await target.api('POST', '/schema/diff', { ...directus, directus: snapshot.directus });
    expect(reason(res)).toContain('postgres');
    // Keys Directus has and Annex does not keep (a color, an archive field) are not differences.
    const extra = structuredClone(snapshot);
    for (const c of extra.collections)
      Object.assign(c.meta, { color: '#FF0000', archive_field: null, accountability: 'all' });
    for (const f of extra.fields) if (f.meta) f.meta.searchable = true;
    const fresh = await startHost();
    try {
      const { hash, diff } = (await fresh.api('POST', '/schema/diff?force', { ...extra, directus: '11.5.1' })).body
        .data;
      expect((await fresh.api('POST', '/schema/apply', { hash, diff })).status).toBe(204);
      expect((await fresh.api('POST', '/schema/diff?force=true', extra)).status).toBe(204);
    } finally {
      await fresh.close();
    }
  });

  it('attacks: only administrators; malformed snapshots and diffs get INVALID_PAYLOAD; other bodies 415', async () => {
    const { token } = await createUser(target, 'editor', [{ collection: 'authors', action: 'read' }]);
    for (const [method, path, body] of [
      ['GET', '/schema/snapshot', undefined],
      ['POST', '/schema/diff', snapshot],
      ['POST', '/schema/apply', { hash: 'x', diff: { collections: [], fields: [], relations: [] } }],
    ] as const) {
      expect((await target.api(method, path, body, token)).status, path).toBe(403);
      expect((await target.api(method, path, body, null)).status, `${path} public`).toBe(403);
    }
    const bad = [
      {},
      { version: 2, directus: 'x', collections: [] },
      { ...snapshot, fields: [{ collection: 'a', field: 'b', type: 'blob' }] },
      { ...snapshot, collections: 'all' },
    ];
    for (const body of bad) {
      const res = await target.api('POST', '/schema/diff', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(code(res)).toBe('INVALID_PAYLOAD');
    }
    // A collection the prototype attack below edits (so its path is walked, not refused as unknown).
    await createCollection(target, 'victim', { a: 'string' });
    const badDiffs = [
      { diff: {} },
      { hash: 'x', diff: { collections: [{ collection: 'a', diff: [{ kind: 'X' }] }], fields: [], relations: [] } },
      {
        hash: 'x',
        diff: { collections: [{ collection: 'a', diff: [{ kind: 'E', path: ['meta'] }] }], fields: [], relations: [] },
      },
      {
        hash: 'x',
        diff: { collections: [], fields: [{ collection: 'a', diff: [{ kind: 'N', rhs: 1 }] }], relations: [] },
      },
      {
        hash: 'x',
        diff: {
          collections: [],
          fields: [],
          relations: [],
          systemFields: [
            {
              collection: 'directus_users',
              field: 'email',
              diff: [{ kind: 'E', path: ['schema', 'is_indexed'], lhs: false, rhs: true }],
            },
          ],
        },
      },
      // A prototype key in a path is an edit of nothing the host knows, not of Object.prototype.
      {
        hash: 'x',
        diff: {
          collections: [{ collection: 'victim', diff: [{ kind: 'N', path: ['__proto__', 'polluted'], rhs: 1 }] }],
          fields: [],
          relations: [],
        },
      },
    ];
    for (const body of badDiffs) {
      const res = await target.api('POST', '/schema/apply?force', body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(code(res)).toBe('INVALID_PAYLOAD');
    }
    expect(({} as any).polluted).toBeUndefined();
    const empty = await target.api('POST', '/schema/apply', {
      hash: 'x',
      diff: { collections: [], fields: [], relations: [] },
    });
    expect(empty.status).toBe(204);
    const text = await fetch(`${target.url}/schema/diff`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
  });

  it('takes the snapshot as an uploaded JSON or YAML file', async () => {
    const yamlText = await (
      await fetch(`${target.url}/schema/snapshot?export=yaml`, { headers: { authorization: `Bearer ${target.token}` } })
    ).text();
    const form = new FormData();
    form.append('file', new Blob([yamlText], { type: 'text/yaml' }), 'snapshot.yaml');
    const res = await fetch(`${target.url}/schema/diff`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}` },
      body: form,
    });
    expect(res.status).toBe(204);
    const broken = new FormData();
    broken.append('file', new Blob(['{ not: [valid'], { type: 'text/yaml' }), 'snapshot.yaml');
    const bad = await fetch(`${target.url}/schema/diff`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}` },
      body: broken,
    });
    expect(bad.status).toBe(400);
    // Aliases could make a small file stand for a huge one: refused, not expanded.
    const names = 'abcdefghi';
    const lol = ['version: 1', 'directus: x', `a: &a [${Array(10).fill('x').join(', ')}]`];
    for (let k = 1; k < names.length; k++)
      lol.push(
        `${names[k]}: &${names[k]} [${Array(10)
          .fill(`*${names[k - 1]}`)
          .join(', ')}]`,
      );
    lol.push('collections: *i', 'fields: []', 'relations: []');
    const bomb = new FormData();
    bomb.append('file', new Blob([lol.join('\n')], { type: 'text/yaml' }), 'snapshot.yaml');
    const refused = await fetch(`${target.url}/schema/diff?force`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}` },
      body: bomb,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('YAML alias');
  });
});
