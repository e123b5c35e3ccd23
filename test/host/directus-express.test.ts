import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';

/**
 * Extensions written for Directus that rely on its Express: a trusted endpoint requiring
 * `express` itself (static files, router.param, sendFile, cookies, sanitizedQuery into
 * readByQuery, Express's own prototypes), and a hook adding middleware and routes in init events.
 */
let t: TestHost;
const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${p}`, { headers: { Authorization: `Bearer ${t.token}`, ...headers } });

beforeAll(async () => {
  t = await startHost({ extensions: ['directus/express-endpoint', 'directus/express-init-hook'] });
  await createCollection(t, 'notes', { title: 'string', n: 'integer' });
  for (const [title, n] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const)
    await t.api('POST', '/items/notes', { title, n });
});
afterAll(() => t?.close());

describe('a trusted endpoint on real Express', () => {
  it('gets a router, request and response of the host Express it requires itself', async () => {
    const body = await (await get('/express-fixture/identity')).json();
    expect(body).toEqual({
      routerIsExpress: true,
      requestIsExpress: true,
      responseIsExpress: true,
      baseUrl: '/express-fixture',
      url: '/identity',
    });
  });

  it("req.sanitizedQuery carries the caller's filter, sort and limit into readByQuery", async () => {
    const res = await get('/express-fixture/items/NOTES?filter[n][_gte]=2&sort=-n&limit=1&fields=title');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.query).toEqual({ fields: ['title'], filter: { n: { _gte: '2' } }, sort: ['-n'], limit: 1 });
    expect(body.data).toEqual([{ title: 'c' }]);
    const all = await (await get('/express-fixture/items/notes')).json();
    expect(all.query).toEqual({});
    expect(all.data).toHaveLength(3);
    const bad = await get('/express-fixture/items/notes?limit=abc');
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].extensions.code).toBe('INVALID_QUERY');
  });

  it('express.static, res.sendFile and res.cookie behave as Express', async () => {
    const stat = await get('/express-fixture/static/hello.txt');
    expect(stat.status).toBe(200);
    expect(await stat.text()).toBe('static hello\n');
    expect(stat.headers.get('etag')).toBeTruthy();
    expect((await get('/express-fixture/static/missing.txt')).status).toBe(404);
    expect(await (await get('/express-fixture/file')).text()).toBe('static hello\n');
    const cookie = await get('/express-fixture/cookie', { Cookie: 'fixture=before' });
    expect(cookie.headers.get('set-cookie')).toBe('fixture=yes; Path=/; HttpOnly');
    expect(await cookie.json()).toEqual({ had: 'before' });
  });
});

describe('init hooks receive the Express app', () => {
  it("every init event in Directus's order, each with the Express app", async () => {
    const res = await get('/init-hook/seen');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.seen.map((s: { event: string }) => s.event)).toEqual([
      'app.before',
      'middlewares.before',
      'middlewares.after',
      'routes.before',
      'routes.after',
      'routes.custom.before',
      'routes.custom.after',
      'app.after',
    ]);
    expect(body.seen.every((s: { express: boolean }) => s.express)).toBe(true);
    expect(body.user).toBeTruthy();
  });

  it('middleware added in app.before runs for every route, core routes and endpoints alike', async () => {
    expect((await get('/items/notes')).headers.get('x-init-hook')).toBe('app.before');
    expect((await get('/express-fixture/identity')).headers.get('x-init-hook')).toBe('app.before');
    expect((await get('/server/ping')).headers.get('x-init-hook')).toBe('app.before');
  });

  it('a route added after the custom routes answers only where nothing else does; unknown paths stay ROUTE_NOT_FOUND', async () => {
    expect(await (await get('/init-hook/late')).json()).toEqual({ late: true });
    const missing = await get('/nowhere-at-all');
    expect(missing.status).toBe(404);
    expect((await missing.json()).errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
  });

  it('disabling the hook removes its middleware and routes', async () => {
    const list = (await t.api('GET', '/extensions')).body.data;
    const row = list.find((e: any) => e.annex?.name === 'directus-express-init-hook');
    expect((await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } })).status).toBe(200);
    expect((await get('/items/notes')).headers.get('x-init-hook')).toBeNull();
    expect((await get('/init-hook/seen')).status).toBe(404);
  });
});
