import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import Koa, { type Context, type Next } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors } from '../../errors.js';
import { leanJsonBody } from '../json-body.js';

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** An app parsing bodies as app.ts does (the lean reader first when `lean`), answering what it read and who read it. */
function makeApp(lean: boolean, limit: string) {
  const app = new Koa();
  app.use(async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (e) {
      ctx.status = 400;
      ctx.body = { code: (e as { code?: string }).code ?? 'UNCODED' };
    }
  });
  if (lean) app.use(leanJsonBody({ limit, methods: METHODS }));
  app.use(async (ctx: Context, next: Next) => {
    // Whether koa's parser had anything left to read.
    ctx.state.parserRead = (ctx.request as { body?: unknown }).body === undefined;
    await next();
  });
  app.use(
    bodyParser({
      enableTypes: ['json', 'form', 'text'],
      parsedMethods: METHODS,
      jsonLimit: limit,
      onError(err) {
        throw errors.INVALID_PAYLOAD({ reason: `The request body could not be parsed: ${err.message}` });
      },
    }),
  );
  app.use((ctx: Context) => {
    const request = ctx.request as { body?: unknown; rawBody?: unknown };
    ctx.body = { body: request.body, raw: request.rawBody ?? null, parserRead: ctx.state.parserRead };
  });
  return app;
}

const servers: http.Server[] = [];
async function listen(app: Koa): Promise<number> {
  const server = http.createServer(app.callback());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Sends `chunks` as the body (each written separately) with `headers`; the JSON answer. */
function send(port: number, headers: Record<string, string | number>, chunks: Buffer[], method = 'POST') {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const json = (text: string, extra: Record<string, string | number> = {}) => ({
  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra },
  chunks: [Buffer.from(text)],
});

let lean: number;
let plain: number;
let tight: number;
beforeAll(async () => {
  lean = await listen(makeApp(true, '10mb'));
  plain = await listen(makeApp(false, '10mb'));
  tight = await listen(makeApp(true, '10b'));
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

describe('small JSON bodies read without koa’s body parser', () => {
  it('reads what koa’s parser reads (body and raw text), and koa’s parser finds nothing left to read', async () => {
    const cases = [
      json('{"text":"x"}'),
      json('[1,{"a":null}]'),
      json(' \n{"nested":{"list":[1,2,"é"]}}'),
      json('{"text":"x"}', { 'content-type': 'application/json; charset=utf-8' }),
      json('{"text":"x"}', { 'content-type': 'Application/JSON;charset="UTF-8"' }),
      { headers: { 'content-type': 'application/json', 'content-length': 0 }, chunks: [] },
    ];
    for (const c of cases) {
      const a = await send(lean, c.headers, c.chunks);
      const b = await send(plain, c.headers, c.chunks);
      expect(a.status).toBe(200);
      expect({ ...a.body, parserRead: undefined }).toEqual({ ...b.body, parserRead: undefined });
      expect(a.body.parserRead).toBe(false);
      expect(b.body.parserRead).toBe(true);
    }
  });

  it('joins a multi-byte character split between two chunks', async () => {
    const bytes = Buffer.from('{"text":"ü€"}');
    const headers = { 'content-type': 'application/json', 'content-length': bytes.length };
    const res = await send(lean, headers, [bytes.subarray(0, 11), bytes.subarray(11)]);
    expect(res.body).toMatchObject({ body: { text: 'ü€' }, parserRead: false });
  });

  it('refuses what koa’s parser refuses, with INVALID_PAYLOAD: not JSON, not an object or list, a __proto__ key at any depth', async () => {
    for (const text of [
      '{"a":',
      '"a string"',
      '12',
      '{"__proto__":{"admin":true}}',
      '{"\\u005f_proto__":{"admin":true}}',
      '{"a":[{"b":{"__proto__":{"x":1}}}]}',
    ]) {
      const c = json(text);
      const a = await send(lean, c.headers, c.chunks);
      const b = await send(plain, c.headers, c.chunks);
      expect([a.status, a.body.code], text).toEqual([400, 'INVALID_PAYLOAD']);
      expect([b.status, b.body.code], text).toEqual([400, 'INVALID_PAYLOAD']);
    }
    // A __proto__ inside a string value is data, not a key.
    const c = json('{"text":"\\"__proto__\\": 1"}');
    expect((await send(lean, c.headers, c.chunks)).body).toMatchObject({ body: { text: '"__proto__": 1' } });
  });

  it('leaves other bodies to koa’s parser: other JSON types, encoded, large, over the limit', async () => {
    const vnd = json('{"a":1}', { 'content-type': 'application/vnd.api+json' });
    expect((await send(lean, vnd.headers, vnd.chunks)).body).toEqual({
      body: { a: 1 },
      raw: '{"a":1}',
      parserRead: true,
    });
    const gz = zlib.gzipSync('{"a":2}');
    const zipped = await send(
      lean,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length },
      [gz],
    );
    expect(zipped.body).toMatchObject({ body: { a: 2 }, parserRead: true });
    const big = json(JSON.stringify({ text: 'x'.repeat(20_000) }));
    expect((await send(lean, big.headers, big.chunks)).body).toMatchObject({ parserRead: true });
    const over = json('{"text":"too long"}');
    const refused = await send(tight, over.headers, over.chunks);
    expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_PAYLOAD']);
    // GET bodies are not read, as koa's parser does not read them.
    const get = json('{"a":1}');
    expect((await send(lean, get.headers, get.chunks, 'GET')).body).toMatchObject({ parserRead: true });
  });
});

describe('the limit', () => {
  it('is read as MAX_PAYLOAD_SIZE is written (units, fractions), as koa’s parser reads it', async () => {
    const port = await listen(makeApp(true, '1.5kb')); // 1,536 bytes
    const within = json(JSON.stringify({ text: 'x'.repeat(1500) })); // 1,513 bytes
    expect((await send(port, within.headers, within.chunks)).body).toMatchObject({ parserRead: false });
    const over = json(JSON.stringify({ text: 'x'.repeat(1600) }));
    const refused = await send(port, over.headers, over.chunks);
    expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_PAYLOAD']);
    // A limit that is not a size leaves every body to koa's parser.
    const odd = await listen(makeApp(true, 'lots'));
    const small = json('{"a":1}');
    expect((await send(odd, small.headers, small.chunks)).body).toMatchObject({ parserRead: true });
  });
});
