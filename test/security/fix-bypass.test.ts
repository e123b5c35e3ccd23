import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPackage } from '../../marketplace/src/install/extract.js';
import { packageEntries, polyglotInner, type RawEntry } from './tarball/helpers.js';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/**
 * Attacks on the checks today's security commits added (97f044a..HEAD). Every test asserts the
 * SAFE outcome: a failing test is a bypass that works.
 */

const made: string[] = [];
const tmp = (p: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `annex-fb-${p}-`));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// ---------------------------------------------------------------- marketplace
/** One gzip member of exactly `total` bytes (FEXTRA padding) holding `data`. */
function paddedMember(data: Buffer, total: number): Buffer {
  const d = deflateRawSync(data);
  const tr = Buffer.alloc(8);
  tr.writeUInt32LE(crc32(data), 0);
  tr.writeUInt32LE(data.length, 4);
  const xlen = total - 12 - d.length - 8;
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, xlen & 255, xlen >> 8]),
    Buffer.alloc(xlen, 0x58),
    d,
    tr,
  ]);
}

describe('marketplace: the compressed-magic check', () => {
  const pkg = {
    name: 'mm-poly',
    version: '1.0.0',
    'directus:extension': { type: 'hook', path: 'dist/index.js', host: '^11.0.0', sandbox: { enabled: true } },
  };
  const t1: RawEntry[] = [
    { path: 'package/package.json', content: JSON.stringify(pkg) },
    { path: 'package/dist/index.js', content: '/* inspected? */' },
    { path: 'package/dist/index.js', content: 'globalThis.UNINSPECTED = 1;' },
  ];

  it('a polyglot whose first gunzip chunk is one byte (a 64 KiB first gzip member holding 0x1f) is still refused', async () => {
    const inner = await polyglotInner(t1, packageEntries(pkg));
    // Outer file: member 1 fills the first 64 KiB read and inflates to the byte 1f alone; member 2 holds the rest.
    const outer = Buffer.concat([paddedMember(inner.subarray(0, 1), 65536), gzipSync(inner.subarray(1))]);
    const dir = tmp('mm');
    const file = path.join(dir, 'pkg.tgz');
    fs.writeFileSync(file, outer);
    const outcome = await extractPackage(file, path.join(dir, 'out')).then(
      () =>
        `extracted: dist/index.js = ${fs.readFileSync(path.join(dir, 'out', 'package', 'dist', 'index.js'), 'utf8')}`,
      (e: { code?: string }) => `refused (${e.code})`,
    );
    expect(outcome).toMatch(/^refused \(MKT_TAR_/);
  });

  it('blocked: the same polyglot as one gzip member (magic in the first chunk)', async () => {
    const dir = tmp('mm1');
    const file = path.join(dir, 'pkg.tgz');
    fs.writeFileSync(file, gzipSync(await polyglotInner(t1, packageEntries(pkg))));
    await expect(extractPackage(file, path.join(dir, 'out'))).rejects.toMatchObject({
      code: expect.stringMatching(/^MKT_TAR_/),
    });
  });
});

// ---------------------------------------------------------------- sandbox boundary (a real host)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A sandboxed package (folder `folder`, package name `name`). */
function sandboxed(
  root: string,
  folder: string,
  name: string,
  type: 'endpoint' | 'hook' | 'operation',
  scopes: object,
  code: string,
): string {
  const dir = path.join(root, folder);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const entry = type === 'operation' ? { path: { api: 'dist/api.js', app: 'dist/app.js' } } : { path: 'dist/index.js' };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': { type, ...entry, host: '^10.10.0', sandbox: { enabled: true, requestedScopes: scopes } },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', type === 'operation' ? 'api.js' : 'index.js'), code);
  if (type === 'operation')
    fs.writeFileSync(
      path.join(dir, 'dist', 'app.js'),
      `export default { id: 'x', name: 'x', icon: 'box', overview: () => [], options: [] };\n`,
    );
  return dir;
}
const storageOf = async (t: TestHost, extension: string) =>
  JSON.stringify(await t.host.knex('annex_extension_storage').where({ extension }).select('key', 'value'));

describe('sandbox boundary checks, against a real host', () => {
  let t: TestHost;
  let root: string;
  beforeAll(async () => {
    root = tmp('sbx');
    const exts = [
      // A package NAME equal to the unit id of the built-in bundle entry that registers "condition".
      sandboxed(
        root,
        'op-collide',
        '@annex/builtin-operations/condition',
        'operation',
        { storage: {} },
        `import { storage } from 'directus:api';
export default { id: 'condition', handler: async (options, { data }) => { await storage.set('stolen', { trigger: data.$trigger }); return null; } };
`,
      ),
      // Loaded before zz-shop (folders load in name order): mounts zz-shop's id while nobody has it yet.
      sandboxed(
        root,
        'aa-front',
        'aa-front',
        'endpoint',
        {},
        `export default { id: 'zz-shop', handler: (router) => { router.get('/', () => 'sandboxed aa-front'); router.post('/login', (req) => ({ got: req.body })); } };\n`,
      ),
      writeEndpoint(root, 'zz-shop', 'trusted zz-shop'),
      sandboxed(
        root,
        'id-variants',
        'id-variants',
        'endpoint',
        {},
        `export default { id: 'Auth', handler: (router) => { router.post('/login', () => 'sandboxed login'); router.get('/q', (req) => ({ url: req.url, query: req.query })); } };\n`,
      ),
      sandboxed(
        root,
        'hoarder',
        'hoarder',
        'endpoint',
        { storage: {} },
        `import { storage } from 'directus:api';
export default (router) => {
  router.post('/emoji', async (req) => { const v = '\\u{1F600}'.repeat(262000); let n = 0; try { for (; n < req.body.n; n++) await storage.set('e' + n, v); } catch (e) { return { n, code: e.code }; } return { n }; });
  router.post('/race', async (req) => { const v = 'x'.repeat(900000); const r = await Promise.allSettled(Array.from({ length: req.body.n }, (_, i) => storage.set('k' + i, v))); return r.filter((x) => x.status === 'fulfilled').length; }); };
`,
      ),
      sandboxed(
        root,
        'shouter',
        'shouter',
        'endpoint',
        { emit: ['**'] },
        `import { emit } from 'directus:api';
export default (router) => { router.post('/', async (req) => { try { await emit(req.body.event, { forged: true }); return 'emitted'; } catch (e) { return e.code; } }); };
`,
      ),
      // An upload-tagging hook granted create on directus_files: it sees every upload's row before it is written.
      sandboxed(
        root,
        'file-tagger',
        'file-tagger',
        'hook',
        { items: { directus_files: ['create'] } },
        `let seen = null;
export default ({ filter }) => {
  filter('files.create', (p) => { if (p.title === 'steal' && seen) return { ...p, filename_disk: seen, title: 'tagged' }; seen = p.filename_disk; return { ...p, description: 'tagged' }; });
};
`,
      ),
      // Answers every pong with a ping (its own collections): with an event flow ping → pong, a loop through the sandbox.
      sandboxed(
        root,
        'echo-hook',
        'echo-hook',
        'hook',
        { items: { pings: ['create'], pongs: ['create'] } },
        `import { items } from 'directus:api';
export default ({ action }) => { action('pongs.items.create', async () => { await items('pings').createOne({ n: 1 }); }); };
`,
      ),
      sandboxed(
        root,
        'relinker',
        'relinker',
        'hook',
        { items: { authors: ['create', 'update'] } },
        `export default ({ filter }) => {
  filter('authors.items.update', (payload) => (payload.name === 'relink' ? { ...payload, posts: [1] } : payload.name === 'relink-obj' ? { ...payload, posts: { update: [{ id: 1, title: 'x' }] } } : payload));
};
`,
      ),
    ];
    t = await startHost({ extensions: exts, env: { EXTENSIONS_SANDBOX_TIMEOUT: '2000' } });
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'posts', {
      title: 'string',
      author: { type: 'integer', related_collection: 'authors' } as any,
    });
    await t.api('POST', '/fields/authors', {
      field: 'posts',
      type: 'alias',
      meta: { special: ['o2m'] },
      related_collection: 'posts',
    });
    await t.api('POST', '/items/authors', [{ name: 'victim' }, { name: 'hooked' }]);
    await createCollection(t, 'pings', { n: 'integer' });
    await createCollection(t, 'pongs', { n: 'integer' });
    await t.api('POST', '/items/posts', { title: 'victim post', author: 1 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a sandboxed operation named like the built-in bundle entry ('@annex/builtin-operations/condition') does not replace 'condition'", async () => {
    const flow = (
      await t.api('POST', '/flows', { name: 'gate', status: 'active', trigger: 'webhook', options: { method: 'POST' } })
    ).body.data;
    const op = (
      await t.api('POST', '/operations', {
        flow: flow.id,
        key: 'check',
        type: 'condition',
        options: { filter: { $trigger: { body: { pass: { _eq: true } } } } },
      })
    ).body.data;
    await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
    await t.host.kernel.flows.reload();
    const res = await t.api('POST', `/flows/trigger/${flow.id}`, { pass: false, card: '4111-1111' }, null);
    // The impostor's name is not a package name (two slashes), so it never loads; the built-in entry keeps the id.
    const rows = (await t.api('GET', '/extensions')).body.data;
    const impostor = rows.find((e: any) => e.meta?.folder === 'op-collide');
    expect(impostor, 'the op-collide folder is listed').toBeDefined();
    expect({
      status: res.status,
      stolen: (await storageOf(t, '@annex/builtin-operations/condition')).includes('4111-1111'),
      impostor: [impostor.annex?.state, impostor.annex?.last_error?.code],
      owner: t.host.kernel.operations.get('condition')?.owner,
    }).toEqual({
      status: 422,
      stolen: false,
      impostor: ['failed', 'HOST_MANIFEST_INVALID'],
      owner: '@annex/builtin-operations/condition',
    });
    // Control: the same flow with a passing body resolves through the built-in condition.
    expect((await t.api('POST', `/flows/trigger/${flow.id}`, { pass: true }, null)).status).toBe(200);
  });

  it("a sandboxed endpoint does not sit in front of another extension's mount id (activated before it)", async () => {
    const owners = t.host.kernel.mounts.owners('zz-shop');
    const res = await t.api('GET', '/zz-shop', undefined, null);
    const login = await t.api('POST', '/zz-shop/login', { password: 'hunter2' }, null);
    // The sandbox's mount may still be listed, but it never answers while another extension shares its id.
    expect(owners).toContain('zz-shop');
    expect({ body: res.body, login: JSON.stringify(login.body) }).toMatchObject({
      body: 'trusted zz-shop',
      login: expect.not.stringContaining('hunter2'),
    });
  });

  it('blocked: mount id case/encoding variants and ?access_token spellings do not reach /auth or the token', async () => {
    expect(
      (await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).body.data
        ?.access_token,
    ).toBeTruthy();
    expect(
      (await t.api('POST', '/%61uth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).body.data
        ?.access_token,
    ).toBeTruthy();
    const q = (await t.api('GET', `/Auth/q?access%5Ftoken=${t.token}&a=1`, undefined, null)).body;
    expect(JSON.stringify(q)).not.toContain(t.token);
    expect(q.query).toEqual({ a: '1' });
  });

  it('blocked: a filter may not relink o2m items with a primitive key list or a changes object', async () => {
    expect((await t.api('PATCH', '/items/authors/2', { name: 'plain' })).status).toBe(200);
    for (const name of ['relink', 'relink-obj']) {
      const res = await t.api('PATCH', '/items/authors/2', { name });
      expect(res.status, name).toBe(403);
    }
    expect((await t.api('GET', '/items/posts/1')).body.data).toMatchObject({ author: 1, title: 'victim post' });
  });

  it('blocked: emit variants (case, trailing dot, newline, look-alike letters) reach no listener of the host events', async () => {
    const heard: string[] = [];
    const offs = ['posts.items.create', '*.items.create', 'items.*', 'auth.login', '**'].map((e) =>
      t.host.kernel.emitter.onAction(e, (m) => void heard.push(`${e} <- ${JSON.stringify(m.event)}`), 'test'),
    );
    try {
      for (const event of [
        'posts.items.CREATE',
        'posts.items.create.',
        'Auth.login',
        'posts.items.create\n',
        'posts.items.cr\u0435ate',
        '.auth.login',
        'users',
        'auth',
      ])
        await t.api('POST', '/shouter', { event }, null);
      await sleep(30);
    } finally {
      offs.forEach((off) => off());
    }
    // '**' hears everything (that is what it asks for); no listener of a real host event may hear a forgery.
    expect(heard.filter((h) => !h.startsWith('** <-'))).toEqual([]);
  });

  it("a filter on files.create cannot set the host-written storage columns (point a new upload at another upload's bytes)", async () => {
    const upload = async (title: string, body: string, token: string) => {
      const form = new FormData();
      form.append('title', title);
      form.append('file', new Blob([body], { type: 'text/plain' }), `${title}.txt`);
      return (
        await (
          await fetch(`${t.url}/files`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } })
        ).json()
      ).data;
    };
    const uploader = await createUser(t, 'uploader', [
      { collection: 'directus_files', action: 'create' },
      { collection: 'directus_files', action: 'read', permissions: { uploaded_by: { _eq: '$CURRENT_USER' } } },
    ]);
    const victim = await upload('payroll', 'TOP-SECRET-PAYROLL', t.token);
    const mine = await upload('steal', 'harmless', uploader.token);
    const asset = await (await fetch(`${t.url}/assets/${mine?.id}?access_token=${uploader.token}`)).text();
    const row = await t.host.knex('directus_files').where({ id: mine?.id }).first();
    expect({
      victimReadable: (await t.api('GET', `/files/${victim.id}`, undefined, uploader.token)).status,
      sameBytes: row?.filename_disk === victim.filename_disk,
      asset,
    }).toEqual({ victimReadable: 403, sameBytes: false, asset: 'harmless' });
  });

  it('the flow chain limit (16 nested runs) also holds when the loop passes through a sandboxed hook', async () => {
    const flow = (
      await t.api('POST', '/flows', {
        name: 'ping-pong',
        status: 'active',
        trigger: 'event',
        options: { type: 'action', scope: ['items.create'], collections: ['pings'] },
      })
    ).body.data;
    const op = (
      await t.api('POST', '/operations', {
        flow: flow.id,
        key: 'pong',
        type: 'item-create',
        options: { collection: 'pongs', permissions: '$full', payload: { n: 1 } },
      })
    ).body.data;
    await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
    await t.host.kernel.flows.reload();
    await t.api('POST', '/items/pings', { n: 0 });
    // Wait until the loop stops (no new run for two seconds), not a fixed time: a loaded machine is slow,
    // and an unbounded loop never stops (bounded by 30 s, far past 16 runs).
    const count = async () =>
      Number((await t.host.knex('annex_flow_runs').where({ flow: flow.id }).count({ n: '*' }).first())?.n);
    const end = Date.now() + 30_000;
    let last = -1;
    let still = 0;
    while (still < 8 && Date.now() < end) {
      await sleep(250);
      const n = await count();
      still = n === last ? still + 1 : 0;
      last = n;
    }
    await t.api('PATCH', `/flows/${flow.id}`, { status: 'inactive' });
    await t.host.kernel.flows.reload();
    const runs = await count();
    // Exactly the limit (the first ping and one per run): fewer would mean the loop through the sandboxed hook never ran (no positive control), more a bypass.
    expect({ runs, pings: Number((await t.host.knex('pings').count({ n: '*' }).first())?.n) }).toEqual({
      runs: 16,
      pings: 17,
    });
  });

  it('the 16 MB storage quota counts bytes, not characters (values of 4-byte emoji, one after another)', async () => {
    const res = (await t.api('POST', '/hoarder/emoji', { n: 60 }, null)).body;
    const [{ bytes }] = await t.host
      .knex('annex_extension_storage')
      .where({ extension: 'hoarder' })
      .select(t.host.knex.raw('sum(length(cast(value as blob))) as bytes'));
    await t.host.knex('annex_extension_storage').where({ extension: 'hoarder' }).delete();
    // 16 values of 1 048 002 bytes (JSON of 262 000 four-byte emoji) fit in 16 MiB; the 17th is refused.
    expect({
      res,
      stored: Number(bytes) <= 16 * 1024 * 1024 ? 'within 16 MB' : `${Math.round(Number(bytes) / 1048576)} MB`,
    }).toEqual({ res: { n: 16, code: 'INVALID_PAYLOAD' }, stored: 'within 16 MB' });
  });

  it('the 16 MB storage quota holds against parallel sets (24 values of 0.9 MB at once)', async () => {
    const stored = (await t.api('POST', '/hoarder/race', { n: 24 }, null)).body;
    const [{ bytes }] = await t.host
      .knex('annex_extension_storage')
      .where({ extension: 'hoarder' })
      .select(t.host.knex.raw('sum(length(value)) as bytes'));
    await t.host.knex('annex_extension_storage').where({ extension: 'hoarder' }).delete();
    // 18 values of 900 002 bytes fit in 16 MiB: exactly 18 of the 24 parallel sets succeed.
    expect({ stored, withinQuota: Number(bytes) <= 16 * 1024 * 1024 }).toEqual({ stored: 18, withinQuota: true });
  });
});

// ---------------------------------------------------------------- GraphQL budget, flows
describe('GraphQL row budget and flows, against a real host', () => {
  let t: TestHost;
  let reader: { token: string };
  let internal: http.Server;
  let internalHits = 0;
  let port = 0;
  const gql = (query: string) => t.api('POST', '/graphql', { query }, reader.token);
  /** Items a GraphQL answer holds (every object written out). */
  const countObjects = (v: unknown): number =>
    v === null || typeof v !== 'object'
      ? 0
      : (Array.isArray(v) ? 0 : 1) + Object.values(v).reduce((n: number, c) => n + countObjects(c), 0);
  async function flow(trigger: object, ops: { key: string; type: string; options: object }[]): Promise<string> {
    const f = (
      await t.api('POST', '/flows', {
        name: 'f',
        status: 'active',
        accountability: 'all',
        trigger: 'webhook',
        options: { method: 'POST' },
        ...trigger,
      })
    ).body.data;
    let next: string | null = null;
    for (const op of [...ops].reverse())
      next = (
        await t.api('POST', '/operations', {
          flow: f.id,
          key: op.key,
          type: op.type,
          options: op.options,
          resolve: next,
        })
      ).body.data.id;
    await t.api('PATCH', `/flows/${f.id}`, { operation: next });
    await t.host.kernel.flows.reload();
    return f.id;
  }

  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'posts', {
      title: 'string',
      author: { type: 'integer', related_collection: 'authors' } as any,
    });
    await t.api('POST', '/fields/authors', {
      field: 'posts',
      type: 'alias',
      meta: { special: ['o2m'] },
      related_collection: 'posts',
    });
    await createCollection(t, 'big', { n: 'integer' });
    await createCollection(t, 'notes', { text: 'string' });
    await t.api('POST', '/items/authors', { name: 'ana' });
    await t.api(
      'POST',
      '/items/posts',
      Array.from({ length: 60 }, (_, i) => ({ title: `p${i}`, author: 1 })),
    );
    await t.host.knex.batchInsert(
      'big',
      Array.from({ length: 2500 }, (_, i) => ({ n: i })),
      400,
    );
    await t.api('POST', '/items/notes', [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    reader = await createUser(t, 'gqlreader', [
      { collection: 'posts', action: 'read' },
      { collection: 'authors', action: 'read' },
      { collection: 'big', action: 'read' },
    ]);
    internal = http.createServer((_req, res) => {
      internalHits++;
      res.end('{"secret":"internal"}');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    port = (internal.address() as { port: number }).port;
  });
  afterAll(async () => {
    await t?.close();
    internal?.close();
  });

  it('aliases of one relation (read once, written out 144 times) stay within the 100 000-item budget', async () => {
    const inner = Array.from({ length: 12 }, (_, i) => `b${i}: posts { id }`).join(' ');
    const outer = Array.from({ length: 12 }, (_, i) => `a${i}: posts { author { ...I } }`).join(' ');
    const query = `{ posts(limit: 1) { author { ...O } } } fragment I on authors { ${inner} } fragment O on authors { ${outer} }`;
    const res = await gql(query);
    expect({
      status: res.status,
      data: res.body?.data,
      codes: res.body?.errors?.map((e: any) => e.extensions?.code),
    }).toEqual({ status: 400, data: null, codes: ['INVALID_QUERY'] });
    // Control: the same shape with 2 × 2 aliases fits and answers every item.
    const small = await gql(
      `{ posts(limit: 1) { author { ...O } } } fragment I on authors { b0: posts { id } b1: posts { id } } fragment O on authors { a0: posts { author { ...I } } a1: posts { author { ...I } } }`,
    );
    expect({ status: small.status, errors: small.body?.errors }).toEqual({ status: 200, errors: undefined });
    // data, the post, its author; 2 × 60 posts with their authors; 2 × 60 × 2 × 60 inner posts.
    expect(countObjects(small.body.data)).toBe(3 + 2 * 60 * 2 + 2 * 60 * 2 * 60);
  });

  it('_aggregated root fields (groupBy the key) count against the 100 000-item budget', async () => {
    const query = `{ ${Array.from({ length: 50 }, (_, i) => `g${i}: big_aggregated(groupBy: ["id"]) { group } `).join('')}}`;
    const res = await gql(query);
    expect({ status: res.status, codes: [...new Set(res.body?.errors?.map((e: any) => e.extensions?.code))] }).toEqual({
      status: 400,
      codes: ['INVALID_QUERY'],
    });
    // Control: one such field (2 500 rows) is within the budget and answers every row.
    const one = await gql(`{ g: big_aggregated(groupBy: ["id"]) { group } }`);
    expect({ status: one.status, errors: one.body?.errors, rows: one.body?.data?.g?.length }).toEqual({
      status: 200,
      errors: undefined,
      rows: 2500,
    });
  });

  it('blocked: a field only one permission row grants is not reached by groupBy, search, sort, related filters, o2m reads, GraphQL or meta', async () => {
    await createCollection(t, 'docs', { title: 'string', secret: 'string', owner: 'string' });
    await createCollection(t, 'comments', {
      body: 'string',
      doc: { type: 'integer', related_collection: 'docs' } as any,
    });
    await t.api('POST', '/fields/docs', {
      field: 'comments',
      type: 'alias',
      meta: { special: ['o2m'] },
      related_collection: 'comments',
    });
    await t.api('POST', '/items/docs', [
      { title: 'mine', secret: 'mine-s', owner: 'me' },
      { title: 'other', secret: 'HIDDEN-S', owner: 'other' },
    ]);
    await t.api('POST', '/items/comments', { body: 'c', doc: 2 });
    const u = await createUser(t, 'rows', [
      { collection: 'docs', action: 'read', permissions: { owner: { _eq: 'me' } }, fields: '*' },
      { collection: 'docs', action: 'read', fields: 'id,title,owner,comments' },
      { collection: 'comments', action: 'read' },
    ]);
    expect((await t.api('GET', '/items/docs?fields=id,secret', undefined, u.token)).body.data).toEqual([
      { id: 1, secret: 'mine-s' },
      { id: 2, secret: null },
    ]);
    const got = [
      await t.api('GET', '/items/docs?groupBy[]=secret', undefined, u.token),
      await t.api('GET', '/items/docs?aggregate[max]=secret', undefined, u.token),
      await t.api('GET', '/items/docs?search=HIDDEN', undefined, u.token),
      await t.api('GET', '/items/docs?sort=secret', undefined, u.token),
      await t.api('GET', '/items/comments?filter[doc][secret][_starts_with]=H', undefined, u.token),
      await t.api('GET', '/items/docs?meta=filter_count&filter[secret][_starts_with]=H', undefined, u.token),
      await t.api('GET', '/items/comments?fields=doc.secret', undefined, u.token),
      await t.api('GET', '/items/docs?fields=secret,comments.doc.secret', undefined, u.token),
      await t.api(
        'POST',
        '/graphql',
        { query: '{ docs { secret comments { doc { secret } } } comments { doc { secret } } }' },
        u.token,
      ),
    ];
    expect(got.map((r) => JSON.stringify(r.body)).filter((b) => b.includes('HIDDEN'))).toEqual([]);
  });

  it('run logs mask secrets under other common names (x-api-key header, client_secret, private_key, passwd)', async () => {
    const id = await flow({}, [{ key: 'echo', type: 'transform', options: { json: '{{$trigger}}' } }]);
    const secrets = {
      'x-api-key': 'hdr-k3y-0001',
      client_secret: 'cs-0002',
      private_key: 'pk-0003',
      passwd: 'pw-0004',
      'X-Auth-Token': 'xat-0005',
    };
    await fetch(`${t.url}/flows/trigger/${id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': secrets['x-api-key'],
        'x-auth-token': secrets['X-Auth-Token'],
      },
      body: JSON.stringify({
        client_secret: secrets.client_secret,
        private_key: secrets.private_key,
        passwd: secrets.passwd,
      }),
    });
    const log = JSON.stringify(await t.host.knex('annex_flow_runs').where({ flow: id }).select('steps'));
    expect(
      Object.entries(secrets)
        .filter(([, v]) => log.includes(v))
        .map(([k]) => k),
    ).toEqual([]);
  });

  it('blocked: item-delete keys as an array template, with spaces, or rendering to an object/list never act on the whole collection', async () => {
    const cases = ['["{{$trigger.body.id}}"]', '{{ $trigger.body.id }}', '{{$trigger.body.id}}'];
    for (const [i, key] of cases.entries()) {
      const id = await flow({}, [
        {
          key: 'del',
          type: 'item-delete',
          options: { collection: 'notes', permissions: '$full', key: key.startsWith('[') ? JSON.parse(key) : key },
        },
      ]);
      for (const body of [{}, { id: { _nnull: true } }, { id: [] }, { id: [[1]] }, { id: '' }])
        await t.api('POST', `/flows/trigger/${id}`, body, null);
      expect(await t.host.knex('notes').count({ n: '*' }).first(), `case ${i}`).toEqual({ n: 3 });
      expect(
        (await t.host.knex('annex_flow_runs').where({ flow: id }).select('status')).map((r) => r.status),
        `case ${i}`,
      ).toEqual(Array(5).fill('rejected'));
    }
  });

  it('blocked: the request operation refuses numeric, IPv6-mapped and NAT64 forms of loopback', async () => {
    const urls = [
      `http://0x7f000001:${port}/`,
      `http://2130706433:${port}/`,
      `http://127.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
      `http://[::127.0.0.1]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`,
      `http://[2002:7f00:1::]:${port}/`,
      `http://[::]:${port}/`,
      `http://0.0.0.0:${port}/`,
    ];
    const id = await flow({}, [
      { key: 'req', type: 'request', options: { url: '{{$trigger.body.url}}', method: 'GET' } },
    ]);
    for (const url of urls) await t.api('POST', `/flows/trigger/${id}`, { url }, null);
    const runs = JSON.stringify(await t.host.knex('annex_flow_runs').where({ flow: id }).select('status', 'steps'));
    expect({ internalHits, rejected: (runs.match(/"status":"rejected"/g) ?? []).length }).toEqual({
      internalHits: 0,
      rejected: urls.length,
    });
  });
});

// ---------------------------------------------------------------- isolate bootstrap, app SDK
describe('isolate bootstrap: memory outside the limit', () => {
  it('resizable ArrayBuffers (maxByteLength = byteLength, no resize needed) stay within memoryMb like plain ones', async () => {
    const { createArena } = await import('./sandbox/harness.js');
    const arena = await createArena();
    try {
      const alloc = (opts: string) =>
        `const keep = []; try { for (let i = 0; i < 4; i++) { const b = new ArrayBuffer(64 * 1024 * 1024${opts}); const u = new Uint8Array(b); for (let j = 0; j < u.length; j += 4096) u[j] = 1; keep.push(b); } return 'committed ' + keep.length * 64 + ' MB'; } catch (e) { return e.name; }`;
      const plain = await arena.run(alloc(''), { limits: { cpuTimeoutMs: 5000, wallTimeoutMs: 10000 } });
      const resizable = await arena.run(alloc(', { maxByteLength: 64 * 1024 * 1024 }'), {
        limits: { cpuTimeoutMs: 5000, wallTimeoutMs: 10000 },
      });
      const gone = await arena.run(
        `return [typeof WebAssembly, typeof Function('return this')().WebAssembly, typeof ArrayBuffer.prototype.resize, typeof SharedArrayBuffer, typeof Atomics].join()`,
      );
      expect(gone.body).toBe('undefined,undefined,undefined,undefined,undefined');
      // The constructor refuses maxByteLength however it is reached (the global, or .constructor of any buffer).
      const refused = await arena.run(
        `const r = []; for (const C of [ArrayBuffer, new Uint8Array(1).buffer.constructor, structuredClone(new ArrayBuffer(1)).constructor]) { try { new C(1, { maxByteLength: 8 }); r.push('made'); } catch (e) { r.push(e.name); } } return r.join();`,
      );
      expect(refused.body).toBe('RangeError,RangeError,RangeError');
      // memoryMb is 32 in the arena: 256 MB must be refused whichever constructor form is used.
      expect({ plain: plain.body ?? plain.code, resizable: resizable.body ?? resizable.code }).toEqual({
        plain: 'RangeError',
        resizable: expect.not.stringMatching(/^committed/),
      });
      await arena.assertStillServing();
    } finally {
      await arena.close();
    }
  });
});

describe('app SDK: propsFor', () => {
  it('blocked: undeclared innerHTML/on… options and kebab spellings of them are never bound', async () => {
    const { propsFor } = await import('../../host/app/src/sdk/props-for.js');
    const options = {
      innerHTML: '<img src=x onerror=alert(1)>',
      'inner-h-t-m-l': 'x',
      onClick: 'x',
      'on-click': 'x',
      style: 'x',
      class: 'x',
      __proto__: { innerHTML: 'y' },
      label: 'ok',
      'show-header': true,
    };
    expect(propsFor({ props: { label: String, showHeader: Boolean } }, options)).toEqual({
      label: 'ok',
      showHeader: true,
    });
    expect(propsFor({ __vccOpts: { props: ['label'] } }, options)).toEqual({ label: 'ok' });
    expect(propsFor((() => null) as unknown, options)).toEqual({});
    expect(propsFor({ props: { label: String } }, JSON.parse('{"__proto__": {"label": "polluted"}}'))).toEqual({});
  });
});
