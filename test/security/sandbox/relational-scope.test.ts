import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../../helpers/host.js';

/**
 * Attacks on the items scope through relations, against a real host: an extension granted
 * `posts` only must not reach `authors` by reading `author.secret`, filtering or sorting on it,
 * or writing a nested author — neither as itself nor when an administrator's request calls it.
 */

/** A sandboxed endpoint that runs `items(collection)[method](...args)` and answers the outcome. */
function writeProbe(root: string, name: string, items: Record<string, string[]>): void {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'endpoint',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: { items } },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'index.js'),
    `import { items } from 'directus:api';
const run = async (service, body) => {
  try { return { ok: await service[body.method](...body.args) }; } catch (e) { return { code: e.code }; }
};
export default (router) => {
  router.post('/self', (req) => run(items(req.body.collection), req.body));
  router.post('/caller', (req) => run(items(req.body.collection, req), req.body));
};
`,
  );
}

describe('sandbox attacks: the items scope holds across relations', () => {
  let t: TestHost;
  let dir: string;
  let author: number;
  let post: number;
  let reader: { token: string };
  /** `self`: anonymous call, the extension's own rights; `caller`: the item call made with the request (an administrator's, or `token`'s). */
  const probe = async (ext: string, as: 'self' | 'caller', collection: string, method: string, ...args: unknown[]) =>
    probeWith(ext, as, as === 'self' ? null : undefined, collection, method, ...args);
  const probeWith = async (
    ext: string,
    as: 'self' | 'caller',
    token: string | null | undefined,
    collection: string,
    method: string,
    ...args: unknown[]
  ) => {
    const res = await t.api('POST', `/${ext}/${as}`, { collection, method, args }, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { ok?: unknown; code?: string };
  };
  const secret = async () => (await t.api('GET', `/items/authors/${author}?fields=secret`)).body.data.secret;
  const count = async (collection: string) =>
    (await t.api('GET', `/items/${collection}?meta=filter_count&fields=id`)).body.meta.filter_count;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-relscope-'));
    writeProbe(path.join(dir, 'ext'), 'posts-only', { posts: ['read', 'create', 'update'] });
    writeProbe(path.join(dir, 'ext'), 'posts-and-author-names', { posts: ['read'], authors: ['read'] });
    t = await startHost({
      extensions: [path.join(dir, 'ext', 'posts-only'), path.join(dir, 'ext', 'posts-and-author-names')],
    });
    await createCollection(t, 'authors', { name: 'string', secret: 'string' });
    await createCollection(t, 'posts', {
      title: 'string',
      author: { type: 'integer', related_collection: 'authors' } as any,
    });
    author = (await t.api('POST', '/items/authors', { name: 'Ana', secret: 'ana-secret' })).body.data.id;
    post = (await t.api('POST', '/items/posts', { title: 'p1', author })).body.data.id;
    // An ordinary role that may read everything: the scope, not the role, must stop the extension.
    reader = await createUser(t, 'everything-reader', [
      { collection: 'posts', action: 'read' },
      { collection: 'authors', action: 'read' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const as of ['self', 'caller'] as const) {
    const who = as === 'self' ? 'as itself' : "in an administrator's request";
    it(`${who}: a related field of an ungranted collection cannot be read`, async () => {
      expect(await probe('posts-only', as, 'posts', 'readByQuery', { fields: ['title', 'author.secret'] })).toEqual({
        code: 'FORBIDDEN',
      });
      expect(await probe('posts-only', as, 'posts', 'readByQuery', { fields: ['*.*'] })).toEqual({ code: 'FORBIDDEN' });
      expect(await probe('posts-only', as, 'posts', 'readOne', post, { fields: ['author.*'] })).toEqual({
        code: 'FORBIDDEN',
      });
    });

    it(`${who}: filters and sorts through the relation are no oracle on it`, async () => {
      expect(
        await probe('posts-only', as, 'posts', 'readByQuery', {
          filter: { author: { secret: { _starts_with: 'ana' } } },
        }),
      ).toEqual({ code: 'FORBIDDEN' });
      expect(await probe('posts-only', as, 'posts', 'readByQuery', { sort: ['author.secret'] })).toEqual({
        code: 'FORBIDDEN',
      });
    });

    it(`${who}: nested writes cannot create or change items of an ungranted collection`, async () => {
      const authors = await count('authors');
      const posts = await count('posts');
      expect(await probe('posts-only', as, 'posts', 'createOne', { title: 'x', author: { name: 'planted' } })).toEqual({
        code: 'FORBIDDEN',
      });
      expect(
        await probe('posts-only', as, 'posts', 'updateOne', post, { author: { id: author, secret: 'pwned' } }),
      ).toEqual({ code: 'FORBIDDEN' });
      expect(await count('authors')).toBe(authors);
      expect(await count('posts')).toBe(posts);
      expect(await secret()).toBe('ana-secret');
    });
  }

  it("in an ordinary reader's request: the role may read authors.secret, the extension's scope still may not", async () => {
    // Control: the reader's own request reads the secret (the role grants it) ...
    expect((await t.api('GET', `/items/posts?fields=title,author.secret`, undefined, reader.token)).body.data).toEqual([
      { title: 'p1', author: { secret: 'ana-secret' } },
    ]);
    // ... and through the extension, a field of its scope with the reader's rights works ...
    expect(
      await probeWith('posts-only', 'caller', reader.token, 'posts', 'readByQuery', { fields: ['title'] }),
    ).toEqual({ ok: [{ title: 'p1' }] });
    // ... but the relation out of its scope does not.
    expect(
      await probeWith('posts-only', 'caller', reader.token, 'posts', 'readByQuery', {
        fields: ['title', 'author.secret'],
      }),
    ).toEqual({ code: 'FORBIDDEN' });
  });

  it('what is granted still works: the own collection, and a relation into a granted one', async () => {
    expect(await probe('posts-only', 'self', 'posts', 'readByQuery', { fields: ['title', 'author'] })).toEqual({
      ok: [{ title: 'p1', author }],
    });
    expect(
      await probe('posts-and-author-names', 'self', 'posts', 'readByQuery', { fields: ['title', 'author.name'] }),
    ).toEqual({ ok: [{ title: 'p1', author: { name: 'Ana' } }] });
    expect(
      await probe('posts-and-author-names', 'caller', 'posts', 'readByQuery', {
        filter: { author: { name: { _eq: 'Ana' } } },
        fields: ['title'],
      }),
    ).toEqual({ ok: [{ title: 'p1' }] });
    // Granted read on posts and authors is not update: a nested write into authors stays refused.
    expect(
      await probe('posts-and-author-names', 'caller', 'posts', 'updateOne', post, {
        author: { id: author, name: 'renamed' },
      }),
    ).toEqual({ code: 'FORBIDDEN' });
    expect((await t.api('GET', `/items/authors/${author}?fields=name`)).body.data.name).toBe('Ana');
  });
});
