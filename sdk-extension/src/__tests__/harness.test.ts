import { describe, expect, it } from 'vitest';
import { createTestHarness } from '../testing/index.js';

const pkg = (ext: Record<string, unknown>) => ({
  name: 'h-ext',
  version: '1.0.0',
  type: 'module',
  'directus:extension': { host: '^10.10.0', path: 'dist/index.js', source: 'src/index.js', ...ext },
});

describe('test harness', () => {
  it('runs a trusted hook: filters in order, actions, services emitting item events, logs', async () => {
    const h = await createTestHarness({
      manifest: pkg({ type: 'hook' }),
      files: {
        'src/index.js':
          "export default ({ filter, action, schedule }, { logger }) => {\n filter('items.create', (p) => ({ ...p, a: 1 }));\n filter('*.items.create', (p, meta) => ({ ...p, c: meta.collection }));\n action('items.create', ({ key }) => logger.info('made ' + key));\n schedule('*/5 * * * *', () => logger.warn('tick'));\n};\n",
      },
      build: true,
      items: { posts: [] },
    });
    try {
      expect(h.engine).toBe('trusted');
      expect(await h.filter('items.create', { t: 1 }, { collection: 'posts' })).toEqual({ t: 1, a: 1 });
      const svc = new h.services.ItemsService('posts', { schema: { collections: {}, relations: [] } });
      const key = await svc.createOne({ t: 2 });
      expect(h.items('posts')).toEqual([{ id: key, t: 2, a: 1, c: 'posts' }]);
      expect(h.logs).toContainEqual({ level: 'info', message: 'made 1' });
      await h.runSchedule('*/5 * * * *');
      expect(h.logs.at(-1)).toEqual({ level: 'warn', message: 'tick' });
    } finally {
      await h.dispose();
    }
  });

  it('runs a sandboxed endpoint against a scope-checked directus:api with mocked requests', async () => {
    const h = await createTestHarness({
      manifest: pkg({
        type: 'endpoint',
        sandbox: {
          enabled: true,
          requestedScopes: { log: {}, request: { urls: ['https://api.example.com/*'], methods: ['GET'] } },
        },
      }),
      files: {
        'src/index.js':
          "import { request, log, items } from 'directus:api';\nexport default (router) => {\n router.get('/weather/:city', async (req) => { const r = await request('https://api.example.com/w?c=' + req.params.city); log('got ' + r.status); return { status: 200, body: r.data }; });\n router.get('/evil', async () => { await request('https://api.example.com.evil.io/'); return { status: 200 }; });\n router.get('/items', async () => ({ status: 200, body: await items.readByQuery('posts') }));\n};\n",
      },
      build: true,
      sandbox: 'emulated',
    });
    try {
      h.mockRequest('https://api.example.com/w', (req) => ({ status: 200, data: { url: req.url } }));
      const ok = await h.request('GET', '/weather/paris');
      expect(ok).toMatchObject({ status: 200, body: { url: 'https://api.example.com/w?c=paris' } });
      expect(h.requests).toHaveLength(1);
      expect(h.logs).toEqual([{ level: 'info', message: 'got 200' }]);
      expect((await h.request('GET', '/evil')).status).toBe(403);
      expect(await h.request('GET', '/items')).toMatchObject({
        status: 403,
        body: { errors: [{ extensions: { code: 'SDK_HARNESS_FORBIDDEN' } }] },
      });
      expect((await h.request('GET', '/nowhere')).status).toBe(404);
    } finally {
      await h.dispose();
    }
  });

  it('runs a trusted endpoint on a real Express router: param(), stack, error middleware, cookies, sanitizedQuery', async () => {
    const h = await createTestHarness({
      manifest: pkg({ type: 'endpoint' }),
      files: {
        'src/index.js': [
          'export default (router) => {',
          "  router.param('id', (req, _res, next, id) => { req.doubled = Number(id) * 2; next(); });",
          "  router.get('/n/:id', (req, res) => res.cookie('seen', req.params.id).json({ doubled: req.doubled, user: req.accountability?.user, q: req.sanitizedQuery, express: Array.isArray(router.stack) && typeof req.app?.set === 'function' }));",
          "  router.get('/boom', () => { const e = new Error('nope'); e.status = 418; throw e; });",
          '  router.use((err, _req, res, _next) => res.status(err.status).json({ caught: err.message }));',
          '};',
        ].join('\n'),
      },
      build: true,
      accountability: { user: 'u7', role: null, admin: false, app: true },
    });
    try {
      const ok = await h.request('GET', '/n/21?filter={"a":{"_eq":1}}&limit=2');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({
        doubled: 42,
        user: 'u7',
        q: { fields: ['*'], filter: { a: { _eq: 1 } }, limit: 2 },
        express: true,
      });
      expect(ok.headers['set-cookie']).toBe('seen=21; Path=/');
      expect(await h.request('GET', '/boom')).toMatchObject({ status: 418, body: { caught: 'nope' } });
      expect((await h.request('GET', '/nowhere')).status).toBe(404);
    } finally {
      await h.dispose();
    }
  });

  it('runs a trusted operation with data and accountability', async () => {
    const h = await createTestHarness({
      manifest: pkg({
        type: 'operation',
        path: { app: 'dist/app.js', api: 'dist/api.js' },
        source: { app: 'src/app.js', api: 'src/api.js' },
      }),
      files: {
        'src/app.js': "export default { id: 'op' };\n",
        'src/api.js':
          "export default { id: 'op', handler: (o, { data, accountability }) => ({ n: o.n * 2, last: data.$last, user: accountability?.user }) };\n",
      },
      build: true,
      accountability: { user: 'u1', role: null, admin: false, app: true },
    });
    try {
      expect(await h.operation({ n: 21 }, { data: { $last: 'x' } })).toEqual({ n: 42, last: 'x', user: 'u1' });
    } finally {
      await h.dispose();
    }
  });
});

describe('test harness on the runtime sandbox', () => {
  it('loads a sandboxed endpoint into a sandbox worker process and enforces scopes', async () => {
    const h = await createTestHarness({
      manifest: pkg({ type: 'endpoint', sandbox: { enabled: true, requestedScopes: { log: {} } } }),
      files: {
        'src/index.js':
          "import { log, storage } from 'directus:api';\nexport default (router) => {\n router.get('/', (req) => { log('q=' + req.query.q); return { status: 200, headers: { 'x-a': '1' }, body: { user: req.accountability?.user } }; });\n router.get('/store', async () => ({ status: 200, body: await storage.get('k') }));\n};\n",
      },
      build: true,
      accountability: { user: 'u9', role: null, admin: false, app: false },
    });
    try {
      expect(h.engine).toBe('process');
      expect(await h.request('GET', '/?q=1')).toMatchObject({
        status: 200,
        headers: { 'x-a': '1' },
        body: { user: 'u9' },
      });
      expect(h.logs.map((l) => l.message)).toContain('q=1');
      const denied = await h.request('GET', '/store');
      expect(denied.status).toBeGreaterThanOrEqual(400);
    } finally {
      await h.dispose();
    }
  });
});
