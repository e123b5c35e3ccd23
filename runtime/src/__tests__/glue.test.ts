import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, rejection, spec, USER } from './helpers.js';

describe.each(['inline', 'process'] as const)('registration glue (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  beforeAll(() => {
    engine = createTestEngine(kind);
  });
  afterAll(() => engine.close());

  it('endpoint function form: routes for every method, request shape in, response shape out', async () => {
    const inst = await engine.load(
      spec(`export default (router, context) => {
        router.get('/items/:id', (req) => ({ status: 200, headers: { 'X-Id': req.params.id, 'Set-Cookie': ['a=1', 'b=2'] }, body: { req: { method: req.method, url: req.url, path: req.path, query: req.query, headers: req.headers, body: req.body }, acc: req.accountability } }));
        router.post('/', (req) => ({ status: 201, body: req.body }));
        router.put('/', () => ({ status: 204 }));
        router.patch('/', () => 'plain value');
        router.delete('/', () => undefined);
      };`),
    );
    expect(inst.registrations.endpointId).toBeUndefined();
    expect(inst.registrations.routes.map((r) => [r.method, r.path, r.handler])).toEqual([
      ['GET', '/items/:id', 0],
      ['POST', '/', 1],
      ['PUT', '/', 2],
      ['PATCH', '/', 3],
      ['DELETE', '/', 4],
    ]);
    const req = {
      method: 'GET',
      url: '/ext/items/5?x=1',
      path: '/items/5',
      query: { x: '1' },
      params: { id: '5' },
      headers: { accept: 'application/json' },
      body: null,
    };
    const res = (await inst.call(0, [req], USER)) as {
      status: number;
      headers: Record<string, unknown>;
      body: { req: unknown; acc: Record<string, unknown> };
    };
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'x-id': '5', 'set-cookie': ['a=1', 'b=2'] });
    expect(res.body.req).toEqual({
      method: 'GET',
      url: '/ext/items/5?x=1',
      path: '/items/5',
      query: { x: '1' },
      headers: { accept: 'application/json' },
      body: null,
    });
    expect(res.body.acc).toMatchObject({ user: 'user-1', role: 'editor', admin: false, token: expect.any(String) });
    expect(await inst.call(1, [{ body: { a: 1 } }])).toEqual({ status: 201, body: { a: 1 } });
    expect(await inst.call(2, [{}])).toEqual({ status: 204, body: null });
    expect(await inst.call(3, [{}])).toEqual({ status: 200, body: 'plain value' });
    expect(await inst.call(4, [{}])).toEqual({ status: 200, body: null });
  });

  it("a route result whose getters throw fails with the extension's error, sync or awaited (never hangs)", async () => {
    const inst = await engine.load(
      spec(`const bad = () => ({ get status() { throw Object.assign(new Error('no status'), { code: 'EXT_BAD', status: 422 }); } });
      export default (router) => {
        router.get('/sync', () => bad());
        router.get('/async', async () => bad());
        router.get('/then', () => ({ get then() { throw new Error('no then'); } }));
        router.get('/thenable', () => ({ then(resolve) { resolve({ status: 202, body: 'later' }); } }));
      };`),
    );
    for (const handler of [0, 1]) {
      const err = await rejection(inst.call(handler, [{}]));
      expect(err).toMatchObject({ code: 'EXT_BAD', status: 422, message: 'no status' });
    }
    expect((await rejection(inst.call(2, [{}]))).message).toBe('no then');
    expect(await inst.call(3, [{}])).toEqual({ status: 202, body: 'later' });
  });

  it('with jsonBody, an object route body comes back as JSON text written in the isolate', async () => {
    const inst = await engine.load(
      spec(`class Money { constructor(c) { this.cents = c; } toJSON() { return (this.cents / 100).toFixed(2); } }
      export default (router) => {
        router.get('/obj', (req) => ({ status: 201, headers: { 'x-a': '1' }, body: { at: new Date(0), price: new Money(1250), q: req.query, m: new Map([[1, 2]]) } }));
        router.get('/text', () => 'plain');
        router.get('/bin', () => ({ status: 200, body: new Uint8Array([1, 2]) }));
        router.get('/big', () => ({ status: 200, body: { n: 1n } }));
      };`),
    );
    const res = (await inst.call(0, [{ query: { a: '1', list: ['x', 'y'] } }], null, { jsonBody: true })) as {
      status: number;
      headers: unknown;
      json: string;
      body?: unknown;
    };
    expect(res).toEqual({ status: 201, headers: { 'x-a': '1' }, json: expect.any(String) });
    expect(JSON.parse(res.json)).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      price: '12.50',
      q: { a: '1', list: ['x', 'y'] },
      m: {},
    });
    expect(await inst.call(1, [{}], null, { jsonBody: true })).toEqual({ status: 200, body: 'plain' });
    expect(await inst.call(2, [{}], null, { jsonBody: true })).toEqual({ status: 200, body: new Uint8Array([1, 2]) });
    /* JSON cannot write a bigint: the body keeps the copy path (and the host's own JSON step fails as before). */
    expect(await inst.call(3, [{}], null, { jsonBody: true })).toEqual({ status: 200, body: { n: 1n } });
    /* Without the option nothing changes: the body is a copy. */
    expect(((await inst.call(0, [{ query: {} }], null)) as { body: { at: unknown } }).body.at).toEqual(new Date(0));
  });

  it('arguments that JSON cannot carry exactly still arrive as copies', async () => {
    const inst = await engine.load(
      spec(
        `export default (router) => { router.post('/', (req) => ({ status: 200, body: { date: req.body.d instanceof Date, undef: 'u' in req.body, bytes: req.body.b instanceof Uint8Array } })); };`,
      ),
    );
    expect(await inst.call(0, [{ body: { d: new Date(0), u: undefined, b: new Uint8Array([1]) } }])).toEqual({
      status: 200,
      body: { date: true, undef: true, bytes: true },
    });
  });

  it('endpoint {id, handler} form records the id', async () => {
    const inst = await engine.load(
      spec(
        `export default { id: 'my-endpoint', handler: (router) => { router.get('/', () => ({ status: 200, body: 'ok' })); } };`,
      ),
    );
    expect(inst.registrations.endpointId).toBe('my-endpoint');
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 'ok' });
  });

  it('hooks: filter, action, init, schedule and embed with (payload, meta, context)', async () => {
    const inst = await engine.load(
      spec(
        `export default ({ filter, action, init, schedule, embed }, context) => {
          filter('items.create', (payload, meta, ctx) => ({ ...payload, seen: meta.event, by: ctx.accountability && ctx.accountability.user, schema: ctx.schema }));
          filter('items.update', () => undefined);
          action('items.create', (meta, ctx) => ({ key: meta.key, user: ctx.accountability && ctx.accountability.user }));
          init('app.before', (meta) => meta.name);
          schedule('*/5 * * * *', (ctx) => 'tick');
          embed('head', '<meta name="x">');
          embed('body', () => '<script>1</script>');
        };`,
        { type: 'hook' },
      ),
    );
    const r = inst.registrations;
    expect(r.filters).toEqual([
      { event: 'items.create', handler: 0 },
      { event: 'items.update', handler: 1 },
    ]);
    expect(r.actions).toEqual([{ event: 'items.create', handler: 2 }]);
    expect(r.inits).toEqual([{ event: 'app.before', handler: 3 }]);
    expect(r.schedules).toEqual([{ cron: '*/5 * * * *', handler: 4 }]);
    expect(r.embeds).toEqual([
      { position: 'head', html: '<meta name="x">' },
      { position: 'body', html: '<script>1</script>' },
    ]);
    expect(await inst.call(0, [{ title: 't' }, { event: 'items.create' }, { schema: { v: 1 } }], USER)).toEqual({
      title: 't',
      seen: 'items.create',
      by: 'user-1',
      schema: { v: 1 },
    });
    expect(await inst.call(1, [{ title: 't' }, { event: 'items.update' }, {}])).toBeUndefined();
    expect(await inst.call(2, [{ key: 9 }, {}], USER)).toEqual({ key: 9, user: 'user-1' });
    expect(await inst.call(3, [{ name: 'init' }])).toBe('init');
    expect(await inst.call(4, [])).toBe('tick');
  });

  it('operation {id, handler} gets (options, {data, accountability}); undefined resolves to null', async () => {
    const inst = await engine.load(
      spec(
        `export default { id: 'op-x', handler: (options, { data, accountability }) => options.echo ? { options, data, user: accountability && accountability.user } : undefined };`,
        { type: 'operation' },
      ),
    );
    expect(inst.registrations.operation).toEqual({ id: 'op-x', handler: 0 });
    expect(await inst.call(0, [{ echo: 1 }, { data: { $trigger: { a: 1 } } }], USER)).toEqual({
      options: { echo: 1 },
      data: { $trigger: { a: 1 } },
      user: 'user-1',
    });
    expect(await inst.call(0, [{}, {}])).toBeNull();
  });

  it('a null accountability reaches handlers as null', async () => {
    const inst = await engine.load(
      spec(`export default (router) => { router.get('/', (req) => ({ status: 200, body: req.accountability })); };`),
    );
    expect(await inst.call(0, [{}], null)).toEqual({ status: 200, body: null });
  });

  it.each([
    ['endpoint exporting an object without handler', `export default { id: 'x' };`, 'endpoint', 'RT_INVALID_EXPORT'],
    ['hook exporting an object', `export default { filter: 1 };`, 'hook', 'RT_INVALID_EXPORT'],
    ['operation exporting a function', `export default () => {};`, 'operation', 'RT_INVALID_EXPORT'],
    [
      'route path without a slash',
      `export default (r) => { r.get('x', () => 1); };`,
      'endpoint',
      'RT_INVALID_REGISTRATION',
    ],
    [
      'route handler that is not a function',
      `export default (r) => { r.get('/', 42); };`,
      'endpoint',
      'RT_INVALID_REGISTRATION',
    ],
    ['empty embed', `export default ({ embed }) => { embed('head', ''); };`, 'hook', 'RT_INVALID_REGISTRATION'],
    [
      'bad embed position',
      `export default ({ embed }) => { embed('footer', 'x'); };`,
      'hook',
      'RT_INVALID_REGISTRATION',
    ],
    [
      'registration after load',
      `export default ({ filter }) => { setTimeout(() => {}, 1); Promise.resolve().then(() => filter('late', () => 1)); throw new Error('boom'); };`,
      'hook',
      'RT_LOAD_FAILED',
    ],
    [
      'module that is not ES',
      `module.exports = function () {}; export default 1; return;`,
      'endpoint',
      'RT_COMPILE_ERROR',
    ],
    ['syntax error', `export default (router) => { router.get('/', ( => 1); };`, 'endpoint', 'RT_COMPILE_ERROR'],
    ['throw at top level', `throw new Error('top');`, 'endpoint', 'RT_LOAD_FAILED'],
    ['import of fs', `import fs from 'fs'; export default () => {};`, 'endpoint', 'RT_IMPORT_DENIED'],
  ])('load fails with a coded error: %s', async (_name, code, type, expected) => {
    const err = await rejection(engine.load(spec(code, { type: type as 'hook' })));
    expect(err.code).toBe(expected);
  });

  it('names the denied specifier', async () => {
    const err = await rejection(engine.load(spec(`import x from './helper.js'; export default () => {};`)));
    expect(err.code).toBe('RT_IMPORT_DENIED');
    expect(err.details).toMatchObject({ specifier: './helper.js' });
  });

  it('accepts both directus:api and annex:api, and the default export namespace', async () => {
    const inst = await engine.load(
      spec(`import api, { env } from 'directus:api'; import * as annex from 'annex:api';
        export default (router) => { router.get('/', () => ({ status: 200, body: [typeof api.items, typeof annex.items, typeof annex.items.readOne, env === annex.env, Object.keys(annex).sort()] })); };`),
    );
    const res = (await inst.call(0, [{}])) as { body: unknown[] };
    expect(res.body).toEqual([
      'function',
      'function',
      'function',
      true,
      ['default', 'emit', 'env', 'items', 'log', 'request', 'sleep', 'storage'],
    ]);
  });

  it('rejects unknown handler ids and bad specs with coded errors', async () => {
    const inst = await engine.load(spec(`export default (r) => { r.get('/', () => 1); };`));
    expect((await rejection(inst.call(99, []))).code).toBe('RT_HANDLER_NOT_FOUND');
    expect((await rejection(engine.load({ ...spec('export default 1'), type: 'bundle' as never }))).code).toBe(
      'RT_INVALID_SPEC',
    );
    expect(
      (await rejection(engine.load(spec('export default 1', { scopes: { request: { urls: 'x' } } as never })))).code,
    ).toBe('RT_INVALID_SPEC');
  });

  it('engine options are checked up front', async () => {
    const { createSandboxEngine } = await import('../index.js');
    expect(() => createSandboxEngine({ kind: kind, capabilityHost: {} as never })).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_SPEC' }),
    );
    expect(() => createSandboxEngine({ kind: 'bogus' as never, capabilityHost: engine.host })).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_SPEC' }),
    );
  });

  it('dispose fails later calls with RT_DISPOSED and frees the isolate', async () => {
    const before = await engine.isolateCount();
    const inst = await engine.load(spec(`export default (r) => { r.get('/', () => 1); };`));
    expect(await engine.isolateCount()).toBe(before + 1);
    await inst.dispose();
    await inst.dispose();
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_DISPOSED');
    expect(await engine.isolateCount()).toBe(before);
  });
});
