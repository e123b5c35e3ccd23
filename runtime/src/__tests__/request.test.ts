import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestClient } from '../internal/request/http.js';
import type { LookupFunction } from '../types.js';
import { createTestEngine, rejection, route, spec } from './helpers.js';

let server: http.Server;
let port = 0;
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/json')
        return res
          .writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] })
          .end('{"hello":"world"}');
      if (u.pathname === '/text') return res.writeHead(201, 'Made', { 'content-type': 'text/plain' }).end('plain');
      if (u.pathname === '/redirect') return res.writeHead(302, { location: u.searchParams.get('to')! }).end();
      if (u.pathname === '/see-other') return res.writeHead(303, { location: '/echo' }).end();
      if (u.pathname === '/echo')
        return res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, body, ct: req.headers['content-type'] ?? null }));
      if (u.pathname === '/big') return res.writeHead(200).end('x'.repeat(50_000));
      if (u.pathname === '/chunked-big') {
        res.writeHead(200);
        for (let i = 0; i < 60; i++) res.write('y'.repeat(1000));
        return res.end();
      }
      if (u.pathname === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 2000);
      if (u.pathname === '/declared-big')
        return res.writeHead(200, { 'content-length': '50000' }).end('x'.repeat(50_000));
      if (u.pathname === '/stall') {
        res.writeHead(200);
        res.write('z'.repeat(1000));
        return setTimeout(() => res.end('late'), 2000);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** DNS for tests: the service and evil names point at the test server or at loopback. */
const lookup: LookupFunction = async (host) => {
  const table: Record<string, string[]> = {
    'api.test': ['127.0.0.2'],
    'other.test': ['127.0.0.2'],
    'rebind.test': ['127.0.0.2', '127.0.0.1'],
    'evil.test': ['127.0.0.1'],
    'metadata.test': ['169.254.169.254'],
    'v6.test': ['::1'],
  };
  if (!table[host]) throw new Error('ENOTFOUND');
  return table[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const base = () => `http://api.test:${port}`;
const client = (urls: string[], methods: ('GET' | 'POST')[] = ['GET'], extra = {}) =>
  createRequestClient(
    { urls, methods },
    { lookup, allowAddresses: ['127.0.0.2'], timeoutMs: 1000, maxResponseBytes: 40_000, ...extra },
  );
const code = async (p: Promise<unknown>) => (await rejection(p)).code;
const reason = async (p: Promise<unknown>) => (await rejection(p)).details?.reason;

describe('request client', () => {
  it('returns Directus’s {status, statusText, headers, data}, parsing JSON by content type', async () => {
    const c = client([`${base()}/*`]);
    expect(await c.request(`${base()}/json`, {})).toEqual({
      status: 200,
      statusText: 'OK',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-multi': 'a, b' }),
      data: { hello: 'world' },
      url: `${base()}/json`,
    });
    expect(await c.request(`${base()}/text`, {})).toMatchObject({ status: 201, statusText: 'Made', data: 'plain' });
    expect(await c.request(`${base()}/json`, { responseType: 'text' })).toMatchObject({ data: '{"hello":"world"}' });
  });

  it('sends JSON bodies and headers, drops hop-by-hop headers, pins Host', async () => {
    const c = client([`${base()}/*`], ['POST']);
    const r = await c.request(`${base()}/echo`, {
      method: 'POST',
      body: { a: 1 },
      headers: { 'X-Test': '1', Host: 'evil.test', Connection: 'close' },
    });
    expect(r.data).toEqual({ method: 'POST', body: '{"a":1}', ct: 'application/json' });
    const last = seen.at(-1)!;
    expect(last.headers.host).toBe(`api.test:${port}`);
    expect(last.headers['x-test']).toBe('1');
  });

  it('checks the method against the grant', async () => {
    expect(await reason(client([`${base()}/*`], ['GET']).request(`${base()}/echo`, { method: 'POST' }))).toBe('method');
  });

  it('denies out-of-scope URLs before any connection', async () => {
    const before = seen.length;
    const c = client([`${base()}/v1/*`]);
    expect(await reason(c.request(`${base()}/json`, {}))).toBe('out-of-scope');
    expect(await reason(c.request(`http://other.test:${port}/v1/x`, {}))).toBe('out-of-scope');
    expect(await reason(c.request(`http://api.test:${port}@other.test:${port}/v1/`, {}))).toBe('userinfo');
    expect(seen.length).toBe(before);
  });

  it('re-checks every redirect: out-of-scope and loopback targets are denied', async () => {
    const c = client([`${base()}/*`]);
    expect(
      await reason(c.request(`${base()}/redirect?to=${encodeURIComponent(`http://other.test:${port}/json`)}`, {})),
    ).toBe('out-of-scope');
    const loop = client([`${base()}/*`, `http://127.0.0.1:${port}/*`, `http://evil.test:${port}/*`]);
    expect(
      await reason(loop.request(`${base()}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/json`)}`, {})),
    ).toBe('private-address');
    expect(
      await reason(loop.request(`${base()}/redirect?to=${encodeURIComponent(`http://evil.test:${port}/json`)}`, {})),
    ).toBe('private-address');
    expect(await c.request(`${base()}/redirect?to=/json`, {})).toMatchObject({ status: 200, data: { hello: 'world' } });
  });

  it('turns a 303 into a GET without body', async () => {
    const c = client([`${base()}/*`], ['POST', 'GET']);
    expect((await c.request(`${base()}/see-other`, { method: 'POST', body: 'x' })).data).toEqual({
      method: 'GET',
      body: '',
      ct: null,
    });
  });

  it('denies names resolving to loopback/metadata, mixed answers, and literal private IPs in every form', async () => {
    const c = client([
      'http://evil.test/*',
      'http://metadata.test/*',
      'http://rebind.test/*',
      'http://v6.test/*',
      'http://127.0.0.1/*',
      'http://[::1]/*',
      'http://[::ffff:7f00:1]/*',
      'http://169.254.169.254/*',
      'http://0.0.0.0/*',
    ]);
    for (const url of [
      'http://evil.test/',
      'http://metadata.test/',
      'http://rebind.test/',
      'http://v6.test/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://2130706433/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/',
      'http://0.0.0.0/',
    ]) {
      expect(await reason(c.request(url, {})), url).toBe('private-address');
    }
  });

  it('allows private targets when the grant says allowPrivate', async () => {
    const c = createRequestClient(
      { urls: [`http://127.0.0.2:${port}/*`], methods: ['GET'], allowPrivate: true },
      { lookup },
    );
    expect((await c.request(`http://127.0.0.2:${port}/json`, {})).data).toEqual({ hello: 'world' });
  });

  it('caps response size (declared and streamed) and time', async () => {
    const c = client([`${base()}/*`]);
    expect(await code(c.request(`${base()}/big`, {}))).toBe('RT_RESPONSE_TOO_LARGE');
    expect(await code(c.request(`${base()}/chunked-big`, {}))).toBe('RT_RESPONSE_TOO_LARGE');
    expect(await code(c.request(`${base()}/slow`, {}))).toBe('RT_REQUEST_TIMEOUT');
  });

  it('streams a body (responseType stream) under the same cap, deadline and redirect checks', async () => {
    const c = client([`${base()}/*`]);
    const read = async (data: unknown) => {
      const parts: Buffer[] = [];
      for await (const chunk of data as AsyncIterable<Buffer>) parts.push(chunk);
      return Buffer.concat(parts).toString();
    };
    const ok = await c.request(`${base()}/redirect?to=/text`, { responseType: 'stream' });
    expect({ status: ok.status, url: ok.url, body: await read(ok.data) }).toEqual({
      status: 201,
      url: `${base()}/text`,
      body: 'plain',
    });
    // Headers arrive at once; the cap and the deadline then fail the stream itself.
    const big = await c.request(`${base()}/chunked-big`, { responseType: 'stream' });
    expect((await rejection(read(big.data))).code).toBe('RT_RESPONSE_TOO_LARGE');
    const stalled = await c.request(`${base()}/stall`, { responseType: 'stream' });
    expect((await rejection(read(stalled.data))).code).toBe('RT_REQUEST_TIMEOUT');
    // Before any byte is read: a declared oversize, a redirect out of scope.
    expect(await code(c.request(`${base()}/declared-big`, { responseType: 'stream' }))).toBe('RT_RESPONSE_TOO_LARGE');
    expect(
      await code(c.request(`${base()}/redirect?to=http://127.0.0.1:${port}/text`, { responseType: 'stream' })),
    ).toBe('FORBIDDEN');
  });

  it('reports DNS failures and refused connections as RT_REQUEST_FAILED', async () => {
    expect(await code(client(['http://nowhere.test/*']).request('http://nowhere.test/', {}))).toBe('RT_REQUEST_FAILED');
    expect(await code(client(['http://api.test:1/*']).request('http://api.test:1/', {}))).toBe('RT_REQUEST_FAILED');
  });
});

describe.each(['inline', 'process'] as const)('request and fetch inside the sandbox (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  beforeAll(() => {
    engine = createTestEngine(kind, { request: { allowAddresses: ['127.0.0.2'], timeoutMs: 1000, lookup } });
  });
  afterAll(() => engine.close());

  it('request and fetch reach a granted URL; redirects to loopback and DNS-to-loopback fail FORBIDDEN', async () => {
    /* Capability calls run in the parent process, so the injected lookup applies to both engines. */
    const target = `http://api.test:${port}`;
    const inst = await engine.load(
      spec(
        route(
          `const out = {};
          out.request = await request('${target}/json');
          const res = await fetch('${target}/echo', { method: 'POST', body: new URLSearchParams({ a: '1' }) });
          out.fetch = [res.ok, res.status, res.headers.get('content-type'), await res.json()];
          for (const [k, u] of [['redirect', '${target}/redirect?to=http://127.0.0.1:${port}/json'], ['scope', 'http://127.0.0.1:${port}/json'], ['decimal', 'http://2130706433:${port}/json'], ['dns', 'http://evil.test:${port}/json']]) {
            try { await request(u); out[k] = 'allowed'; } catch (e) { out[k] = e.code; }
          }
          return { status: 200, body: out };`,
          "import { request } from 'directus:api';",
        ),
        {
          scopes: {
            request: {
              urls: [`${target}/*`, `http://127.0.0.1:${port}/*`, `http://evil.test:${port}/*`],
              methods: ['GET', 'POST'],
            },
          },
        },
      ),
    );
    const body = ((await inst.call(0, [{}])) as { body: Record<string, unknown> }).body;
    expect(body.request).toMatchObject({ status: 200, data: { hello: 'world' } });
    expect(body.fetch).toEqual([
      true,
      200,
      'application/json',
      { method: 'POST', body: 'a=1', ct: 'application/x-www-form-urlencoded;charset=UTF-8' },
    ]);
    expect(body).toMatchObject({ redirect: 'FORBIDDEN', scope: 'FORBIDDEN', decimal: 'FORBIDDEN', dns: 'FORBIDDEN' });
  });
});
