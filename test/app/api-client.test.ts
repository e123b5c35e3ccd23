import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../host/app/src/api.js';

/** The app's `useApi()` client: axios's calling shapes over fetch. */
describe('the app api client', () => {
  const realFetch = globalThis.fetch;
  const seen: { method: string; url: string; auth: string | null; body: string | null }[] = [];
  beforeEach(() => {
    const store = new Map<string, string>([['annex.access_token', 'tok']]);
    (globalThis as any).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    };
    seen.length = 0;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push({
        method: String(init.method),
        url,
        auth: new Headers(init.headers).get('authorization'),
        body: (init.body as string) ?? null,
      });
      return new Response(JSON.stringify({ data: { ok: true } }), { status: 200 });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
    delete (globalThis as any).localStorage;
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

  it('exposes the current credentials where axios keeps them', () => {
    const api = createApi();
    expect(api.defaults.headers.common.Authorization).toBe('Bearer tok');
    api.clearTokens();
    expect(api.defaults.headers.common.Authorization).toBe(undefined);
  });
});
