import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, rejection, route, spec, USER, sleep } from './helpers.js';

type Body = { status: number; body: unknown };

describe.each(['inline', 'process'] as const)('capabilities (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  beforeAll(() => {
    engine = createTestEngine(kind);
  });
  afterAll(() => engine.close());

  /** Load a one-route endpoint and call it; resolves to the body or the thrown record. */
  async function run(body: string, scopes = {}, accountability: typeof USER | null = null, extra = {}) {
    const inst = await engine.load(
      spec(
        route(
          `try { return { status: 200, body: { ok: true, value: await (async () => { ${body} })() } }; } catch (e) { return { status: 200, body: { ok: false, code: e.code, status: e.status, message: e.message, details: e.details } }; }`,
          "import * as api from 'directus:api'; const { log, sleep, items, env, storage, emit, request } = api;",
        ),
        { scopes, ...extra },
      ),
    );
    const res = (await inst.call(0, [{}], accountability)) as Body;
    return {
      inst,
      ...(res.body as {
        ok: boolean;
        value?: unknown;
        code?: string;
        status?: number;
        details?: Record<string, unknown>;
      }),
    };
  }

  describe('scope checks: an ungranted capability fails with FORBIDDEN (403)', () => {
    it.each([
      ['log', `log('x')`],
      ['sleep', `await sleep(1)`],
      ['request', `await request('https://example.com/')`],
      ['items', `await items('articles').readByQuery({})`],
      ['env', `env('API_KEY')`],
      ['storage', `await storage.get('k')`],
      ['emit', `await emit('my.event', {})`],
      ['fetch', `await fetch('https://example.com/')`],
    ])('%s', async (_name, body) => {
      const r = await run(body);
      expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN', status: 403 });
    });
  });

  it('log (Directus-compatible) writes info lines to the extension log', async () => {
    const before = engine.host.logs().length;
    const r = await run(`log('hello'); log({ a: 1 }); return 1`, { log: {} });
    expect(r.ok).toBe(true);
    await sleep(50);
    const lines = engine.host.logs().slice(before);
    expect(lines).toEqual([
      expect.objectContaining({ ext: r.inst.id, level: 'info', message: 'hello' }),
      expect.objectContaining({ level: 'info', message: '{"a":1}' }),
    ]);
  });

  it('sleep waits and validates its argument', async () => {
    const t = Date.now();
    expect((await run(`await sleep(60); return 'slept'`, { sleep: {} })).value).toBe('slept');
    expect(Date.now() - t).toBeGreaterThanOrEqual(55);
    expect(await run(`await sleep('soon')`, { sleep: {} })).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
      status: 400,
    });
    expect(await run(`await sleep(-1)`, { sleep: {} })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  describe('items', () => {
    const scopes = { items: { articles: ['read', 'create'] as ('read' | 'create')[] } };

    it('runs as the extension (null accountability) without one', async () => {
      const r = await run(`return await items('articles').readByQuery({ limit: 1 })`, scopes, USER);
      expect(r.value).toEqual([{ id: 1, title: 'a' }]);
      const call = engine.host.calls.filter((c) => c.kind === 'items').at(-1)!;
      expect(call).toMatchObject({
        ext: r.inst.id,
        method: 'readByQuery',
        args: ['articles', { limit: 1 }],
        accountability: null,
      });
    });

    it("runs as the acting user when given the call's accountability; the host gets its own object back", async () => {
      const inst = await engine.load(
        spec(
          route(
            `return { status: 200, body: await items('articles', req).readOne(5) };`,
            "import { items } from 'directus:api';",
          ),
          { scopes },
        ),
      );
      expect(await inst.call(0, [{}], USER)).toEqual({ status: 200, body: { id: 5, title: 'a' } });
      const call = engine.host.calls.filter((c) => c.kind === 'items').at(-1)!;
      expect(call.accountability).toBe(USER);
    });

    it('supports the namespace form items.readOne(collection, key)', async () => {
      const r = await run(`return await items.readOne('articles', 3)`, scopes);
      expect(r.value).toEqual({ id: 3, title: 'a' });
    });

    it('refuses collections and actions outside the grant', async () => {
      expect(await run(`await items('users').readByQuery({})`, scopes)).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
        details: { collection: 'users', action: 'read' },
      });
      expect(await run(`await items('articles').deleteOne(1)`, scopes)).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
        details: { collection: 'articles', action: 'delete' },
      });
      expect(await run(`await items('articles').updateOne(1, { a: 1 })`, scopes)).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
    });

    it('refuses a forged accountability (no valid token) instead of acting as the extension', async () => {
      const forged = await run(
        `return await items('articles', { accountability: { user: 'admin', admin: true } }).readOne(1)`,
        scopes,
        USER,
      );
      expect(forged).toMatchObject({ ok: false, code: 'FORBIDDEN', details: { reason: 'accountability' } });
      const wrongToken = await run(
        `return await items('articles', { accountability: { token: 'guess' } }).readOne(1)`,
        scopes,
        USER,
      );
      expect(wrongToken).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    });

    it('refuses a token after its call ended', async () => {
      const inst = await engine.load(
        spec(
          `import { items, storage } from 'directus:api'; let saved;
          export default (r) => { r.get('/save', (req) => { saved = req.accountability; return 1; }); r.get('/use', async () => { try { await items('articles', { accountability: saved }).readOne(1); return 'used'; } catch (e) { return e.code; } }); };`,
          { scopes },
        ),
      );
      await inst.call(0, [{}], USER);
      expect(await inst.call(1, [{}], null)).toEqual({ status: 200, body: 'FORBIDDEN' });
    });

    it('validates queries and payloads with the capability schema', async () => {
      expect(await run(`await items('articles').readByQuery({ limit: 'all' })`, scopes)).toMatchObject({
        ok: false,
        code: 'INVALID_PAYLOAD',
      });
      expect(await run(`await items('articles').readByQuery({ drop: true })`, scopes)).toMatchObject({
        ok: false,
        code: 'INVALID_PAYLOAD',
      });
      expect(await run(`await items('articles; drop table').readByQuery({})`, scopes)).toMatchObject({
        ok: false,
        code: 'INVALID_PAYLOAD',
      });
      expect(await run(`await items('articles').createOne('not an object')`, scopes)).toMatchObject({
        ok: false,
        code: 'INVALID_PAYLOAD',
      });
      expect(await run(`return await items('articles').createOne({ title: 'x' })`, scopes)).toMatchObject({
        ok: true,
        value: { title: 'x' },
      });
    });
  });

  it('env answers allow-listed names from the spec and refuses others', async () => {
    const extra = { env: { API_KEY: 'k-123', OTHER: 'nope' } };
    expect(await run(`return env('API_KEY')`, { env: ['API_KEY', 'UNSET'] }, null, extra)).toMatchObject({
      ok: true,
      value: 'k-123',
    });
    expect(await run(`return env('UNSET') === undefined`, { env: ['API_KEY', 'UNSET'] }, null, extra)).toMatchObject({
      ok: true,
      value: true,
    });
    expect(await run(`return env('OTHER')`, { env: ['API_KEY'] }, null, extra)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await run(`return env('__proto__')`, { env: ['API_KEY'] }, null, extra)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  it('storage get/set/delete go to the host under the extension id', async () => {
    const r = await run(
      `await storage.set('k', { n: 1 }); const v = await storage.get('k'); const d = await storage.delete('k'); return [v, d, await storage.get('k')]`,
      { storage: {} },
    );
    expect(r.value).toEqual([{ n: 1 }, true, null]);
    expect(engine.host.calls.filter((c) => c.kind === 'storage' && c.ext === r.inst.id).map((c) => c.method)).toEqual([
      'set',
      'get',
      'delete',
      'get',
    ]);
  });

  it('emit checks the event against the granted patterns', async () => {
    const scopes = { emit: ['my-ext.*'] };
    const ok = await run(`await emit('my-ext.done', { a: 1 }); return 1`, scopes);
    expect(ok.ok).toBe(true);
    expect(engine.host.calls.filter((c) => c.kind === 'emit').at(-1)).toMatchObject({
      ext: ok.inst.id,
      event: 'my-ext.done',
      payload: { a: 1 },
    });
    expect(await run(`await emit('items.create', {})`, scopes)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
      details: { event: 'items.create' },
    });
  });

  it('copies arguments once: getters, toJSON and Symbol.toPrimitive cannot change what the host validated', async () => {
    const scopes = { items: { articles: ['read'] as 'read'[] } };
    const r = await run(
      `let n = 0; const q = { get limit() { n++; return n === 1 ? 1 : 'boom'; } };
       const a = await items('articles').readByQuery(q);
       const codes = [];
       for (const bad of [{ limit: 1, toJSON() { return { limit: 'x' }; } }, { [Symbol.toPrimitive]: () => 5 }]) {
         try { await items('articles').readOne(bad); codes.push('accepted'); } catch (e) { codes.push(e.code); }
       }
       return [a, n, codes];`,
      scopes,
    );
    expect(r.value).toEqual([[{ id: 1, title: 'a' }], 1, ['INVALID_PAYLOAD', 'INVALID_PAYLOAD']]);
    expect(engine.host.calls.filter((c) => c.kind === 'items').at(-1)!.args).toEqual(['articles', { limit: 1 }]);
  });

  it('refuses functions, proxies and cyclic arguments with INVALID_PAYLOAD', async () => {
    const scopes = { storage: {} };
    expect(await run(`await storage.set('k', { f: () => 1 })`, scopes)).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
    });
    expect(await run(`await storage.set('k', new Proxy({}, {}))`, scopes)).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
    });
    expect(await run(`const a = {}; a.a = a; await storage.set('k', a)`, scopes)).toMatchObject({
      ok: false,
      code: 'INVALID_PAYLOAD',
    });
  });

  it('refuses oversized arguments with RT_PAYLOAD_TOO_LARGE', async () => {
    const r = await run(`await storage.set('k', 'x'.repeat(300000))`, { storage: {} }, null, {
      limits: { maxPayloadBytes: 100_000 },
    });
    expect(r).toMatchObject({ ok: false, code: 'RT_PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('keeps a host error code and status, hides unexposed messages and uncoded errors', async () => {
    const failing = createTestEngine(kind, {
      capabilityHost: Object.assign(engine.host, {}),
    });
    await failing.close();
    const host = { ...engine.host };
    const e2 = createTestEngine(kind, {
      capabilityHost: {
        ...host,
        async storage(_ext, method) {
          if (method === 'get')
            throw Object.assign(new Error('no such key'), { code: 'RECORD_NOT_FOUND', status: 404 });
          if (method === 'set')
            throw Object.assign(new Error('secret SQL detail'), { code: 'DB_ERROR', status: 500, expose: false });
          throw new Error('/srv/host/internal.js exploded');
        },
      } as typeof engine.host,
    });
    try {
      const inst = await e2.load(
        spec(
          route(
            `const out = []; for (const f of [() => storage.get('k'), () => storage.set('k', 1), () => storage.delete('k')]) { try { await f(); } catch (e) { out.push([e.code, e.status, e.message, String(e.stack).includes('/srv/host')]); } } return { status: 200, body: out };`,
            "import { storage } from 'directus:api';",
          ),
          { scopes: { storage: {} } },
        ),
      );
      const res = (await inst.call(0, [{}])) as Body;
      expect(res.body).toEqual([
        ['RECORD_NOT_FOUND', 404, 'no such key', false],
        ['DB_ERROR', 500, 'Capability "storage.set" failed', false],
        ['RT_CAPABILITY_FAILED', 500, 'Capability "storage.delete" failed', false],
      ]);
    } finally {
      await e2.close();
    }
  });

  it('a capability call flood beyond the pending limit fails with RT_BUSY', async () => {
    const r = await run(
      `const ps = []; for (let i = 0; i < 50; i++) ps.push(sleep(20).then(() => 'ok', (e) => e.code)); return (await Promise.all(ps)).filter((c) => c === 'RT_BUSY').length`,
      { sleep: {} },
      null,
      { limits: { maxPendingCapabilityCalls: 10 } },
    );
    expect(r.value).toBe(40);
  });

  it('late registration from a handler fails with RT_INVALID_REGISTRATION', async () => {
    const inst = await engine.load(
      spec(`let router; export default (r) => { router = r; r.get('/', () => { router.get('/late', () => 1); }); };`),
    );
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_INVALID_REGISTRATION');
  });
});
