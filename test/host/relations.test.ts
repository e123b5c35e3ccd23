import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase } from '../helpers/pg.js';
import { PG_MISSING, skipWithout } from '../helpers/requires.js';

/** Many-to-one relations in reads: nested fields (`author.name`) and filters (`{author: {name: {_eq}}}`), under the caller's permissions. */
const titles = (res: { body: any }) => res.body.data.map((p: any) => p.title);

const skipPg = skipWithout('PostgreSQL', PG_MISSING);
for (const database of ['SQLite', 'PostgreSQL'] as const)
  describe.skipIf(database === 'PostgreSQL' && skipPg)(`on ${database}`, () => {
    let t: TestHost;
    let reader: { token: string };
    let pt: number;
    let db: { url: string; drop(): Promise<void> } | undefined;
    const get = (path: string, token?: string) => t.api('GET', path, undefined, token);

    beforeAll(async () => {
      db = database === 'PostgreSQL' ? await createTestDatabase('annex_relations') : undefined;
      t = await startHost(db ? { env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url } } : {});
      await createCollection(t, 'countries', { name: 'string' });
      await createCollection(t, 'authors', {
        name: 'string',
        secret: 'string',
        country: { type: 'integer', related_collection: 'countries' } as any,
      });
      await createCollection(t, 'posts', {
        title: 'string',
        author: { type: 'integer', related_collection: 'authors' } as any,
      });
      const countries = (await t.api('POST', '/items/countries', [{ name: 'Portugal' }, { name: 'France' }])).body.data;
      pt = countries[0].id;
      const authors = (
        await t.api('POST', '/items/authors', [
          { name: 'Ana', secret: 's-ana', country: pt },
          { name: 'Bo', secret: 's-bo', country: countries[1].id },
        ])
      ).body.data;
      await t.api('POST', '/items/posts', [
        { title: 'p1', author: authors[0].id },
        { title: 'p2', author: authors[1].id },
        { title: 'p3', author: null },
      ]);
      reader = await createUser(t, 'reader', [
        { collection: 'posts', action: 'read' },
        // Only Portuguese authors, and only their names.
        { collection: 'authors', action: 'read', fields: 'id,name', permissions: { country: { _eq: pt } } },
      ]);
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    describe('many-to-one relations', () => {
      it('reads related fields as nested objects, to any depth, with null where there is no related item', async () => {
        const res = await get('/items/posts?fields=title,author.name&sort=title');
        expect(res.body.data).toEqual([
          { title: 'p1', author: { name: 'Ana' } },
          { title: 'p2', author: { name: 'Bo' } },
          { title: 'p3', author: null },
        ]);
        const deep = await get('/items/posts?fields=title,author.name,author.country.name&filter[title][_eq]=p1');
        expect(deep.body.data).toEqual([{ title: 'p1', author: { name: 'Ana', country: { name: 'Portugal' } } }]);
        const star = await get('/items/posts?fields=title,author.*&filter[title][_eq]=p2');
        expect(star.body.data[0].author).toMatchObject({ name: 'Bo', secret: 's-bo' });
        const one = await get(`/items/posts/1?fields=*.*`);
        expect(one.body.data.author).toMatchObject({ name: 'Ana', country: pt });
      });

      it('filters through relations, also nested, combined and counted', async () => {
        expect(
          titles(
            await get(`/items/posts?filter=${encodeURIComponent('{"author":{"name":{"_eq":"Bo"}}}')}&fields=title`),
          ),
        ).toEqual(['p2']);
        expect(titles(await get('/items/posts?filter[author][country][name][_eq]=Portugal&fields=title'))).toEqual([
          'p1',
        ]);
        const either = await get(
          `/items/posts?filter=${encodeURIComponent('{"_or":[{"author":{"name":{"_eq":"Bo"}}},{"author":{"_null":true}}]}')}&fields=title&sort=title&meta=filter_count`,
        );
        expect(titles(either)).toEqual(['p2', 'p3']);
        expect(either.body.meta.filter_count).toBe(2);
      });

      it('sorts by related fields; hidden related items sort as empty, unreadable ones cannot be sorted by', async () => {
        const sorted = (q: string, token?: string) =>
          get(`/items/posts?fields=title&filter[author][_nnull]=true&${q}`, token).then(titles);
        expect(await sorted('sort=author.name')).toEqual(['p1', 'p2']);
        expect(await sorted('sort=-author.name')).toEqual(['p2', 'p1']);
        expect(await sorted('sort=-author.country.name')).toEqual(['p1', 'p2']); // Portugal, France
        expect(await sorted('sort=author.country.name')).toEqual(['p2', 'p1']);
        const forbidden = await get('/items/posts?sort=author.secret', reader.token);
        expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
        expect((await get('/items/posts?sort=author.country.name', reader.token)).status).toBe(403);
        expect((await get('/items/posts?sort=title.length')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
        // For this role Bo is hidden: his post sorts with the authorless one (by title), never by his name.
        // Where nulls go differs between SQLite and PostgreSQL, so either end is right.
        const mine = titles(await get('/items/posts?fields=title&sort=-author.name,title', reader.token));
        expect([
          ['p2', 'p3', 'p1'],
          ['p1', 'p2', 'p3'],
        ]).toContainEqual(mine);
      });

      it("applies the related collection's permissions: hidden items read as null and cannot be found by filtering", async () => {
        const res = await get('/items/posts?fields=title,author.name&sort=title', reader.token);
        expect(res.body.data).toEqual([
          { title: 'p1', author: { name: 'Ana' } },
          { title: 'p2', author: null },
          { title: 'p3', author: null },
        ]);
        // Bo is not visible to this role: filtering by his name must not reveal which post is his.
        expect(titles(await get('/items/posts?filter[author][name][_eq]=Bo&fields=title', reader.token))).toEqual([]);
        expect(titles(await get('/items/posts?filter[author][name][_eq]=Ana&fields=title', reader.token))).toEqual([
          'p1',
        ]);
      });

      it('refuses fields and filters the caller may not read (no oracle on hidden values)', async () => {
        for (const path of [
          '/items/posts?fields=title,author.secret',
          '/items/posts?filter[author][secret][_eq]=s-bo',
          '/items/posts?fields=title,author.country.name',
          '/items/posts?filter[author][country][name][_eq]=France',
          '/items/authors?filter[secret][_starts_with]=s-a',
        ]) {
          const res = await get(path, reader.token);
          expect([path, res.status, res.body.errors?.[0]?.extensions?.code]).toEqual([path, 403, 'FORBIDDEN']);
        }
      });

      it("GraphQL: a many-to-one field is the related collection's type, nested through fragments, under the same permissions", async () => {
        const query =
          'query { posts(sort: ["title"]) { title author { ...who country { name } } } } fragment who on authors { name }';
        const admin = await t.api('POST', '/graphql', { query });
        expect(admin.body.errors).toBeUndefined();
        expect(admin.body.data.posts).toEqual([
          { title: 'p1', author: { name: 'Ana', country: { name: 'Portugal' } } },
          { title: 'p2', author: { name: 'Bo', country: { name: 'France' } } },
          { title: 'p3', author: null },
        ]);
        // Hidden authors are null for this role; a field it may not read fails the query, as over REST.
        const mine = await t.api(
          'POST',
          '/graphql',
          { query: 'query { posts(sort: ["title"]) { title author { name } } }' },
          reader.token,
        );
        expect(mine.body.errors).toBeUndefined();
        expect(mine.body.data.posts.map((p: any) => p.author?.name ?? null)).toEqual(['Ana', null, null]);
        // A field the role may not read is not in its schema at all.
        const hidden = await t.api(
          'POST',
          '/graphql',
          { query: 'query { posts { author { secret } } }' },
          reader.token,
        );
        expect(hidden.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
        expect(JSON.stringify(hidden.body)).not.toContain('s-ana');
      });

      it('one-to-many: an alias field lists the related items (or their keys) and filters with some/none', async () => {
        const alias = await t.api('POST', '/fields/authors', {
          field: 'posts',
          type: 'alias',
          meta: { special: ['o2m'] },
          related_collection: 'posts',
        });
        expect(alias.status, JSON.stringify(alias.body)).toBe(200);
        const nested = await get('/items/authors?fields=name,posts.title&sort=name');
        expect(nested.body.data).toEqual([
          { name: 'Ana', posts: [{ title: 'p1' }] },
          { name: 'Bo', posts: [{ title: 'p2' }] },
        ]);
        const keys = await get('/items/authors?fields=name,posts&sort=name');
        expect(keys.body.data.map((a: any) => a.posts.length)).toEqual([1, 1]);
        expect((await get('/items/authors?sort=name')).body.data[0]).toHaveProperty('posts');
        const names = (q: string) =>
          get(`/items/authors?fields=name&sort=name&filter=${encodeURIComponent(q)}`).then((r) =>
            r.body.data.map((a: any) => a.name),
          );
        expect(await names('{"posts":{"title":{"_eq":"p2"}}}')).toEqual(['Bo']);
        expect(await names('{"posts":{"_some":{"title":{"_starts_with":"p"}}}}')).toEqual(['Ana', 'Bo']);
        expect(await names('{"posts":{"_none":{"title":{"_eq":"p2"}}}}')).toEqual(['Ana']);
        expect((await get('/items/authors?filter[posts][_eq]=1')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
        const gql = await t.api('POST', '/graphql', {
          query: 'query { authors(sort: ["name"]) { name posts { title author { name } } } }',
        });
        expect(gql.body.errors).toBeUndefined();
        expect(gql.body.data.authors).toEqual([
          { name: 'Ana', posts: [{ title: 'p1', author: { name: 'Ana' } }] },
          { name: 'Bo', posts: [{ title: 'p2', author: { name: 'Bo' } }] },
        ]);
        // This role may read only id and name of authors: the alias is a field like any other.
        expect((await get('/items/authors?fields=name,posts.title', reader.token)).status).toBe(403);
      });

      it('many-to-many: an m2m alias to the junction reads and filters through it (tags.tags_id.name)', async () => {
        await createCollection(t, 'tags', { name: 'string' });
        await createCollection(t, 'posts_tags', {
          posts_id: { type: 'integer', related_collection: 'posts' } as any,
          tags_id: { type: 'integer', related_collection: 'tags' } as any,
        });
        expect(
          (
            await t.api('POST', '/fields/posts', {
              field: 'tags',
              type: 'alias',
              meta: { special: ['m2m'] },
              related_collection: 'posts_tags',
            })
          ).status,
        ).toBe(200);
        const tags = (await t.api('POST', '/items/tags', [{ name: 'red' }, { name: 'blue' }])).body.data;
        const p1 = (await get('/items/posts?filter[title][_eq]=p1&fields=id')).body.data[0].id;
        await t.api('POST', '/items/posts_tags', [
          { posts_id: p1, tags_id: tags[0].id },
          { posts_id: p1, tags_id: tags[1].id },
        ]);
        const res = await get(`/items/posts/${p1}?fields=title,tags.tags_id.name`);
        expect(res.body.data).toEqual({
          title: 'p1',
          tags: [{ tags_id: { name: 'red' } }, { tags_id: { name: 'blue' } }],
        });
        expect(titles(await get('/items/posts?fields=title&filter[tags][tags_id][name][_eq]=blue'))).toEqual(['p1']);
        // /relations names each side of the junction in meta.junction_field, as Directus does.
        const rels = (await get('/relations/posts_tags')).body.data;
        expect(rels.map((r: any) => [r.field, r.meta.junction_field]).sort()).toEqual([
          ['posts_id', 'tags_id'],
          ['tags_id', 'posts_id'],
        ]);
      });

      it('many-to-many the Directus way: two relations on a junction naming each other in meta.junction_field', async () => {
        await createCollection(t, 'stickers', { name: 'string' });
        await createCollection(t, 'posts_stickers', { posts_id: 'integer', stickers_id: 'integer' });
        const first = await t.api('POST', '/relations', {
          collection: 'posts_stickers',
          field: 'posts_id',
          related_collection: 'posts',
          meta: { one_field: 'stickers', junction_field: 'stickers_id' },
        });
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        const second = await t.api('POST', '/relations', {
          collection: 'posts_stickers',
          field: 'stickers_id',
          related_collection: 'stickers',
          meta: { junction_field: 'posts_id' },
        });
        expect(second.status, JSON.stringify(second.body)).toBe(200);
        const relations = (await get('/relations')).body.data.filter((r: any) => r.collection === 'posts_stickers');
        expect(
          relations.map((r: any) => [r.field, r.related_collection, r.meta.junction_field, r.meta.one_field]).sort(),
        ).toEqual([
          ['posts_id', 'posts', 'stickers_id', 'stickers'],
          ['stickers_id', 'stickers', 'posts_id', null],
        ]);
        // The alias made on posts is Directus's many-to-many one, and reads through the junction.
        expect((await get('/fields/posts/stickers')).body.data.meta).toMatchObject({
          special: ['m2m'],
          interface: 'list-m2m',
        });
        const red = (await t.api('POST', '/items/stickers', { name: 'red' })).body.data.id;
        const p2 = (await get('/items/posts?filter[title][_eq]=p2&fields=id')).body.data[0].id;
        await t.api('POST', '/items/posts_stickers', { posts_id: p2, stickers_id: red });
        expect((await get(`/items/posts/${p2}?fields=stickers.stickers_id.name`)).body.data).toEqual({
          stickers: [{ stickers_id: { name: 'red' } }],
        });
        // A junction field that is not a field of the junction is refused, and nothing changes.
        const bad = await t.api('POST', '/relations', {
          collection: 'posts_stickers',
          field: 'stickers_id',
          related_collection: 'stickers',
          meta: { junction_field: 'nope' },
        });
        expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        expect((await get('/relations/posts_stickers/stickers_id')).body.data.meta.junction_field).toBe('posts_id');
      });

      it("Directus's /relations: lists, creates (with the one-to-many alias) and removes relations", async () => {
        await createCollection(t, 'comments', { text: 'string', post: 'integer' });
        const made = await t.api('POST', '/relations', {
          collection: 'comments',
          field: 'post',
          related_collection: 'posts',
          meta: { one_field: 'comments' },
        });
        expect(made.status, JSON.stringify(made.body)).toBe(200);
        expect(made.body.data).toMatchObject({
          collection: 'comments',
          field: 'post',
          related_collection: 'posts',
          meta: { one_collection: 'posts', one_field: 'comments' },
        });
        const all = (await get('/relations')).body.data.map(
          (r: any) => `${r.collection}.${r.field}->${r.related_collection}`,
        );
        expect(all).toEqual(
          expect.arrayContaining(['posts.author->authors', 'authors.country->countries', 'comments.post->posts']),
        );
        const p1 = (await get('/items/posts?filter[title][_eq]=p1&fields=id')).body.data[0].id;
        await t.api('POST', '/items/comments', { text: 'nice', post: p1 });
        expect((await get(`/items/posts/${p1}?fields=title,comments.text`)).body.data).toEqual({
          title: 'p1',
          comments: [{ text: 'nice' }],
        });
        expect((await get('/items/comments?fields=text,post.title')).body.data).toEqual([
          { text: 'nice', post: { title: 'p1' } },
        ]);
        expect(
          (
            await t.api(
              'POST',
              '/relations',
              { collection: 'comments', field: 'text', related_collection: 'posts' },
              reader.token,
            )
          ).status,
        ).toBe(403);
        expect(
          (await t.api('POST', '/relations', { collection: 'comments', field: 'text', related_collection: 'nowhere' }))
            .body.errors[0].extensions.code,
        ).toBe('INVALID_PAYLOAD');
        expect((await t.api('DELETE', '/relations/comments/post')).status).toBe(204);
        expect((await get('/items/comments?fields=post.title')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
        expect((await get('/fields/posts/comments')).status).toBe(403);
      });

      it('rejects paths through fields that are not relations, and overly deep ones', async () => {
        expect((await get('/items/posts?fields=title.length')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
        expect((await get('/items/posts?filter[title][length][_eq]=2')).body.errors[0].extensions.code).toBe(
          'INVALID_QUERY',
        );
        expect((await get('/items/posts?fields=author.country.a.b.c.d.e')).body.errors[0].extensions.code).toBe(
          'INVALID_QUERY',
        );
      });
    });

    describe('nested writes', () => {
      let shelfWriter: { token: string };
      const shelfBooks = async (shelf: number) =>
        (await get(`/items/shelves/${shelf}?fields=name,books.title`)).body.data.books.map((b: any) => b.title).sort();
      const bookId = async (title: string) =>
        (await get(`/items/books?filter[title][_eq]=${title}&fields=id`)).body.data[0]?.id;

      beforeAll(async () => {
        await createCollection(t, 'shelves', { name: 'string' });
        await createCollection(t, 'books', {
          title: { type: 'string', meta: { required: true } } as any,
          shelf: { type: 'integer', related_collection: 'shelves' } as any,
        });
        expect(
          (
            await t.api('POST', '/fields/shelves', {
              field: 'books',
              type: 'alias',
              meta: { special: ['o2m'] },
              related_collection: 'books',
            })
          ).status,
        ).toBe(200);
        await createCollection(t, 'labels', { name: 'string' });
        await createCollection(t, 'books_labels', {
          books_id: { type: 'integer', related_collection: 'books' } as any,
          labels_id: { type: 'integer', related_collection: 'labels' } as any,
        });
        expect(
          (
            await t.api('POST', '/fields/books', {
              field: 'labels',
              type: 'alias',
              meta: { special: ['m2m'] },
              related_collection: 'books_labels',
            })
          ).status,
        ).toBe(200);
        await createCollection(t, 'nodes', {
          name: 'string',
          parent: { type: 'integer', related_collection: 'nodes' } as any,
        });
        // May write shelves, but books only to create them, never to change existing ones.
        shelfWriter = await createUser(t, 'shelf-writer', [
          { collection: 'shelves', action: 'create' },
          { collection: 'shelves', action: 'read' },
          { collection: 'shelves', action: 'update' },
          { collection: 'books', action: 'read' },
          { collection: 'books', action: 'create' },
        ]);
      });

      it('many-to-one: an object creates the related item (to any depth), or updates the one its key names', async () => {
        const made = await t.api('POST', '/items/posts', {
          title: 'n1',
          author: { name: 'Neu', country: { name: 'Spain' } },
        });
        expect(made.status, JSON.stringify(made.body)).toBe(200);
        const post = made.body.data.id;
        expect((await get(`/items/posts/${post}?fields=title,author.name,author.country.name`)).body.data).toEqual({
          title: 'n1',
          author: { name: 'Neu', country: { name: 'Spain' } },
        });
        const neu = (await get(`/items/posts/${post}?fields=author`)).body.data.author;
        const renamed = await t.api('PATCH', `/items/posts/${post}`, { author: { id: neu, name: 'Neu Neu' } });
        expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
        expect((await get(`/items/authors/${neu}?fields=name`)).body.data).toEqual({ name: 'Neu Neu' });
        expect(
          (await get('/items/authors?filter[name][_starts_with]=Neu&meta=filter_count&fields=id')).body.meta
            .filter_count,
        ).toBe(1);
      });

      it('one-to-many, the list form: the list becomes the whole set (linked, updated, created; the rest unlinked, not deleted)', async () => {
        const shelf = (await t.api('POST', '/items/shelves', { name: 'A', books: [{ title: 'b1' }, { title: 'b2' }] }))
          .body.data.id;
        expect(await shelfBooks(shelf)).toEqual(['b1', 'b2']);
        const loose = (await t.api('POST', '/items/books', { title: 'loose' })).body.data.id;
        const b1 = await bookId('b1');
        const b2 = await bookId('b2');
        const res = await t.api('PATCH', `/items/shelves/${shelf}`, {
          books: [b1, { id: b2, title: 'b2x' }, { title: 'b3' }, loose],
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(await shelfBooks(shelf)).toEqual(['b1', 'b2x', 'b3', 'loose']);
        expect((await t.api('PATCH', `/items/shelves/${shelf}`, { books: [b1] })).status).toBe(200);
        expect(await shelfBooks(shelf)).toEqual(['b1']);
        expect((await get(`/items/books/${b2}?fields=title,shelf`)).body.data).toEqual({ title: 'b2x', shelf: null });
      });

      it('one-to-many, the changes form: create, update and unlink only what belongs to this item', async () => {
        const shelf = (
          await t.api('POST', '/items/shelves', { name: 'B', books: { create: [{ title: 'c1' }, { title: 'c2' }] } })
        ).body.data.id;
        const other = (await t.api('POST', '/items/shelves', { name: 'C', books: [{ title: 'elsewhere' }] })).body.data
          .id;
        const c1 = await bookId('c1');
        const c2 = await bookId('c2');
        const res = await t.api('PATCH', `/items/shelves/${shelf}`, {
          books: { create: [{ title: 'c3' }], update: [{ id: c1, title: 'c1x' }], delete: [c2] },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(await shelfBooks(shelf)).toEqual(['c1x', 'c3']);
        // A book of another shelf cannot be changed through this one; nothing of the payload is kept.
        const hijack = await t.api('PATCH', `/items/shelves/${shelf}`, {
          name: 'B2',
          books: { create: [{ title: 'c4' }], update: [{ id: await bookId('elsewhere'), title: 'stolen' }] },
        });
        expect(hijack.status).toBe(403);
        expect(await shelfBooks(shelf)).toEqual(['c1x', 'c3']);
        expect(await shelfBooks(other)).toEqual(['elsewhere']);
        expect((await get(`/items/shelves/${shelf}?fields=name`)).body.data.name).toBe('B');
        // An update naming this shelf as the book's parent links the book (list-o2m's "add existing").
        const loose = (await t.api('POST', '/items/books', { title: 'c5' })).body.data.id;
        const link = await t.api('PATCH', `/items/shelves/${shelf}`, {
          books: { create: [], update: [{ id: loose, shelf }], delete: [] },
        });
        expect(link.status, JSON.stringify(link.body)).toBe(200);
        expect(await shelfBooks(shelf)).toEqual(['c1x', 'c3', 'c5']);
        // A shelf being created is named "+" by the app.
        const c6 = (await t.api('POST', '/items/books', { title: 'c6' })).body.data.id;
        const fresh = await t.api('POST', '/items/shelves', {
          name: 'D',
          books: { create: [{ title: 'c7' }], update: [{ id: c6, shelf: '+' }], delete: [] },
        });
        expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
        expect(await shelfBooks(fresh.body.data.id)).toEqual(['c6', 'c7']);
        const elsewhere = await bookId('elsewhere');
        expect(
          (
            await t.api('PATCH', `/items/shelves/${shelf}`, {
              books: { update: [{ id: elsewhere, shelf: other, title: 'stolen' }] },
            })
          ).status,
        ).toBe(403);
      });

      it('one_deselect_action "delete": an item taken out of the list is deleted, with the delete permission it needs', async () => {
        await createCollection(t, 'boxes', { name: 'string' });
        await createCollection(t, 'parts', { label: 'string', box: 'integer' });
        const bad = await t.api('POST', '/relations', {
          collection: 'parts',
          field: 'box',
          related_collection: 'boxes',
          meta: { one_field: 'parts', one_deselect_action: 'shred' },
        });
        expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        const rel = await t.api('POST', '/relations', {
          collection: 'parts',
          field: 'box',
          related_collection: 'boxes',
          meta: { one_field: 'parts', one_deselect_action: 'delete' },
        });
        expect(rel.body.data.meta).toMatchObject({ one_field: 'parts', one_deselect_action: 'delete' });
        const parts = async () => (await get('/items/parts?fields=label,box&sort=id')).body.data;
        const box = (
          await t.api('POST', '/items/boxes', { name: 'X', parts: [{ label: 'p1' }, { label: 'p2' }, { label: 'p3' }] })
        ).body.data.id;
        const [p1, p2, p3] = (await get('/items/parts?fields=id&sort=id')).body.data.map((p: any) => p.id);
        expect((await t.api('PATCH', `/items/boxes/${box}`, { parts: [p1, p2] })).status).toBe(200);
        expect(await parts()).toEqual([
          { label: 'p1', box },
          { label: 'p2', box },
        ]);
        expect(
          (await t.api('PATCH', `/items/boxes/${box}`, { parts: { create: [], update: [], delete: [p2] } })).status,
        ).toBe(200);
        expect(await parts()).toEqual([{ label: 'p1', box }]);
        expect((await get(`/items/parts/${p3}`)).status).toBe(403);
        // Deleting needs the delete permission: without it the whole write is refused and nothing is kept.
        const packer = await createUser(t, 'packer', [
          { collection: 'boxes', action: 'read' },
          { collection: 'boxes', action: 'update' },
          { collection: 'parts', action: 'read' },
          { collection: 'parts', action: 'update' },
          { collection: 'parts', action: 'create' },
        ]);
        const refused = await t.api(
          'PATCH',
          `/items/boxes/${box}`,
          { name: 'Y', parts: [{ label: 'p4' }] },
          packer.token,
        );
        expect(refused.status).toBe(403);
        expect(await parts()).toEqual([{ label: 'p1', box }]);
        expect((await get(`/items/boxes/${box}?fields=name`)).body.data.name).toBe('X');
        // Back to nullify: unlinked, not deleted.
        const patched = await t.api('PATCH', '/relations/parts/box', { meta: { one_deselect_action: 'nullify' } });
        expect(patched.body.data.meta.one_deselect_action).toBe('nullify');
        expect((await t.api('PATCH', `/items/boxes/${box}`, { parts: [{ label: 'p4' }] }, packer.token)).status).toBe(
          200,
        );
        expect(await parts()).toEqual([
          { label: 'p1', box: null },
          { label: 'p4', box },
        ]);
        expect(
          (await t.api('PATCH', '/relations/parts/box', { meta: { one_deselect_action: 'delete' } }, packer.token))
            .status,
        ).toBe(403);
      });

      it('many-to-many: junction items with a nested many-to-one create and link the other side', async () => {
        const red = (await t.api('POST', '/items/labels', { name: 'red' })).body.data.id;
        const made = await t.api('POST', '/items/books', {
          title: 'm1',
          labels: [{ labels_id: red }, { labels_id: { name: 'green' } }],
        });
        expect(made.status, JSON.stringify(made.body)).toBe(200);
        const read = await get(`/items/books/${made.body.data.id}?fields=title,labels.labels_id.name`);
        expect(read.body.data).toEqual({
          title: 'm1',
          labels: [{ labels_id: { name: 'red' } }, { labels_id: { name: 'green' } }],
        });
        expect((await get('/items/labels?fields=name&sort=id')).body.data.map((l: any) => l.name)).toEqual([
          'red',
          'green',
        ]);
      });

      it('each nested write needs its own permission, and a refusal or a bad item anywhere keeps nothing', async () => {
        const made = await t.api('POST', '/items/shelves', { name: 'W', books: [{ title: 'w1' }] }, shelfWriter.token);
        expect(made.status, JSON.stringify(made.body)).toBe(200);
        const shelf = made.body.data.id;
        // Linking an existing book is an update of books, which this role may not do.
        const loose = (await t.api('POST', '/items/books', { title: 'w-loose' })).body.data.id;
        const refused = await t.api(
          'PATCH',
          `/items/shelves/${shelf}`,
          { name: 'W2', books: [{ title: 'w2' }, loose] },
          shelfWriter.token,
        );
        expect(refused.status).toBe(403);
        expect(await shelfBooks(shelf)).toEqual(['w1']);
        expect(await bookId('w2')).toBeUndefined();
        const bad = await t.api('POST', '/items/shelves', { name: 'bad', books: [{ title: 'ok' }, { nope: 1 }] });
        expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        const missing = await t.api('POST', '/items/shelves', { name: 'bad', books: [{ title: 'ok' }, {}] });
        expect(missing.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        expect((await get('/items/shelves?filter[name][_eq]=bad&meta=filter_count')).body.meta.filter_count).toBe(0);
        expect(await bookId('ok')).toBeUndefined();
      });

      it("GraphQL: create and update inputs nest the related collections' inputs", async () => {
        const gql = (query: string) => t.api('POST', '/graphql', { query });
        const made = await gql(
          'mutation { create_shelves_item(data: { name: "G", books: [{ title: "g1", labels: [{ labels_id: { name: "blue" } }] }] }) { name books { title labels { labels_id { name } } } } }',
        );
        expect(made.body.errors, JSON.stringify(made.body.errors)).toBeUndefined();
        expect(made.body.data.create_shelves_item).toEqual({
          name: 'G',
          books: [{ title: 'g1', labels: [{ labels_id: { name: 'blue' } }] }],
        });
        const g1 = await bookId('g1');
        const moved = await gql(
          `mutation { update_books_item(id: ${g1}, data: { title: "g1x", shelf: { name: "H" } }) { title shelf { name } } }`,
        );
        expect(moved.body.errors, JSON.stringify(moved.body.errors)).toBeUndefined();
        expect(moved.body.data.update_books_item).toEqual({ title: 'g1x', shelf: { name: 'H' } });
      });

      it('rejects malformed relational values and payloads nested too deep', async () => {
        const code = async (body: object) =>
          (await t.api('POST', '/items/shelves', body)).body.errors?.[0]?.extensions.code;
        expect(await code({ name: 'x', books: 'b1' })).toBe('INVALID_PAYLOAD');
        expect(await code({ name: 'x', books: { create: 'b1' } })).toBe('INVALID_PAYLOAD');
        expect(await code({ name: 'x', books: { add: [] } })).toBe('INVALID_PAYLOAD');
        expect(await code({ name: 'x', books: [[1]] })).toBe('INVALID_PAYLOAD');
        const chain = (n: number): object => (n === 0 ? { name: 'root' } : { name: `n${n}`, parent: chain(n - 1) });
        expect((await t.api('POST', '/items/nodes', chain(10))).status).toBe(200);
        expect((await t.api('POST', '/items/nodes', chain(11))).body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
        expect((await get('/items/nodes?meta=filter_count&fields=id')).body.meta.filter_count).toBe(11);
      });
    });
  });
