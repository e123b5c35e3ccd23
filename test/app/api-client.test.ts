import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../host/app/src/api.js';

/** The app's `useApi()` client: axios's calling shapes over fetch. */
describe('the app api client', () => {
  const realFetch = globalThis.fetch;
  const seen: { method: string; url: string; auth: string | null; type: string | null; body: unknown }[] = [];
  beforeEach(() => {
    const store = new Map<string, string>([['annex.access_token', 'tok']]);
    (globalThis as any).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    };
    (globalThis as any).location = { origin: 'http://annex.test' };
    seen.length = 0;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push({
        method: String(init.method),
        url,
        auth: new Headers(init.headers).get('authorization'),
        type: new Headers(init.headers).get('content-type'),
        body: init.body ?? null,
      });
      if (url.includes('/missing'))
        return new Response(JSON.stringify({ errors: [{ message: 'no' }] }), { status: 404 });
      return new Response(JSON.stringify({ data: { ok: true } }), { status: 200 });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
    delete (globalThis as any).localStorage;
    delete (globalThis as any).location;
  });

  it("accepts axios's request(config) as well as get/post", async () => {
    const api = createApi();
    const res = await api.request({
      method: 'post',
      url: '/items/articles',
      data: { title: 'x' },
      params: { fields: ['id', 'title'] },
    });
    expect(res.data).toEqual({ data: { ok: true } });
    await api.get('/items/articles', { params: { filter: { id: { _eq: 1 } } } });
    expect(seen.map((s) => [s.method, decodeURIComponent(s.url)])).toEqual([
      ['POST', '/items/articles?fields=id,title'],
      ['GET', '/items/articles?filter={"id":{"_eq":1}}'],
    ]);
    expect(seen[0]!.body).toBe('{"title":"x"}');
    expect(seen.every((s) => s.auth === 'Bearer tok')).toBe(true);
  });

  it('sends a FormData body as it is, for the browser to type (as axios does), and JSON otherwise', async () => {
    const api = createApi();
    const form = new FormData();
    form.append('file', new Blob(['[]'], { type: 'application/json' }), 'a.json');
    await api.post('/utils/import/books', form);
    expect(seen[0]!.body).toBe(form);
    expect(seen[0]!.type).toBeNull();
    await api.post('/items/books', { title: 'x' });
    expect(seen[1]!.type).toBe('application/json');
    await api.post('/raw', 'a,b', { headers: { 'Content-Type': 'text/csv' } });
    expect(seen[2]!.type).toBe('text/csv');
    expect(seen[2]!.body).toBe('a,b');
  });

  it('exposes the current credentials where axios keeps them', () => {
    const api = createApi();
    expect(api.defaults.headers.common.Authorization).toBe('Bearer tok');
    api.clearTokens();
    expect(api.defaults.headers.common.Authorization).toBe(undefined);
  });

  it('is callable, with a path relative to the API root as axios’s baseURL makes it', async () => {
    const api = createApi() as any;
    await api('custom-query-panel/execute', { params: { query_id: 'q1' } });
    await api({ method: 'post', url: '/items/a', data: { x: 1 } });
    await api.get('items/b');
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ['GET', '/custom-query-panel/execute?query_id=q1'],
      ['POST', '/items/a'],
      ['GET', '/items/b'],
    ]);
  });

  it('sends the token to this origin only', async () => {
    const api = createApi() as any;
    await api.get('https://other.example/data');
    await api.get('http://annex.test/items/c');
    expect(seen.map((s) => s.auth)).toEqual([null, 'Bearer tok']);
  });

  it('runs request and response interceptors, and ejects them', async () => {
    const api = createApi() as any;
    const id = api.interceptors.request.use((config: any) => ({ ...config, params: { ...config.params, lang: 'de' } }));
    api.interceptors.response.use(
      (res: any) => ({ ...res, data: { wrapped: res.data } }),
      (error: any) => ({ data: { recovered: error.response.status } }),
    );
    expect((await api.get('/items/d')).data).toEqual({ wrapped: { data: { ok: true } } });
    expect((await api.get('/missing')).data).toEqual({ recovered: 404 });
    api.interceptors.request.eject(id);
    await api.get('/items/e');
    expect(seen.map((s) => s.url)).toEqual(['/items/d?lang=de', '/missing?lang=de', '/items/e']);
  });
});
