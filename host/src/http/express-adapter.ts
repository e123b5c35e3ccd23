import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import { match, type MatchFunction } from 'path-to-regexp';
import { errors } from '../errors.js';

type Next = (error?: unknown) => void;
export type ExpressHandler = (req: ExpressRequest, res: ExpressResponse, next: Next) => unknown;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ALL' | 'USE';

interface Layer {
  method: Method;
  matcher: MatchFunction<Record<string, string | string[]>>;
  handlers: ExpressHandler[];
  prefix: boolean;
}

/** Express 4 path syntax (`/:id?`, `*`) → path-to-regexp 8 syntax. */
export function convertExpressPath(path: string): string {
  if (path === '*' || path === '/*') return '/*splat';
  let i = 0;
  return path
    .replace(/\/:(\w+)\?/g, '{/:$1}')
    .replace(/\(\.\*\)/g, () => `*wild${i++}`)
    .replace(/(^|\/)\*(?=$|\/)/g, (_m, p) => `${p}*wild${i++}`);
}

function compile(path: string, prefix: boolean): Layer['matcher'] {
  // `use('/')` mounts on everything; path-to-regexp needs '' for that prefix.
  const p = prefix ? path.replace(/\/+$/, '') : path;
  return match(convertExpressPath(p), { decode: decodeURIComponent, end: !prefix });
}

export interface ExpressRequest {
  method: string;
  url: string;
  originalUrl: string;
  baseUrl: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  hostname: string;
  protocol: string;
  accountability: unknown;
  schema: unknown;
  sanitizedQuery: unknown;
  get(name: string): string | undefined;
  header(name: string): string | undefined;
  [key: string]: unknown;
}

export interface ExpressResponse {
  statusCode: number;
  headersSent: boolean;
  locals: Record<string, unknown>;
  status(code: number): ExpressResponse;
  sendStatus(code: number): ExpressResponse;
  set(field: string | Record<string, string>, value?: string): ExpressResponse;
  header(field: string, value: string): ExpressResponse;
  setHeader(field: string, value: string): ExpressResponse;
  get(field: string): string | undefined;
  type(type: string): ExpressResponse;
  json(body: unknown): ExpressResponse;
  send(body?: unknown): ExpressResponse;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): ExpressResponse;
  redirect(statusOrUrl: number | string, url?: string): ExpressResponse;
}

/** An Express-compatible Router for trusted endpoints (the subset real extensions use). */
export function createExpressRouter() {
  const layers: Layer[] = [];
  const add = (method: Method, prefix: boolean) => (pathOrHandler: string | ExpressHandler, ...handlers: ExpressHandler[]) => {
    let path = '/';
    if (typeof pathOrHandler === 'string') path = pathOrHandler;
    else handlers.unshift(pathOrHandler);
    const flat = handlers.flat() as unknown[];
    for (const h of flat) if (typeof h !== 'function') throw new TypeError(`router.${method.toLowerCase()}("${path}") needs handler functions`);
    layers.push({ method, matcher: compile(path, prefix), handlers: flat as ExpressHandler[], prefix });
    return router;
  };
  const router = {
    get: add('GET', false),
    post: add('POST', false),
    put: add('PUT', false),
    patch: add('PATCH', false),
    delete: add('DELETE', false),
    head: add('HEAD', false),
    options: add('OPTIONS', false),
    all: add('ALL', false),
    use: add('USE', true),
    route(path: string) {
      const r = {
        get: (...h: ExpressHandler[]) => (add('GET', false)(path, ...h), r),
        post: (...h: ExpressHandler[]) => (add('POST', false)(path, ...h), r),
        put: (...h: ExpressHandler[]) => (add('PUT', false)(path, ...h), r),
        patch: (...h: ExpressHandler[]) => (add('PATCH', false)(path, ...h), r),
        delete: (...h: ExpressHandler[]) => (add('DELETE', false)(path, ...h), r),
        all: (...h: ExpressHandler[]) => (add('ALL', false)(path, ...h), r),
      };
      return r;
    },
    /** Internal: the layer stack (read by `handle`). */
    _layers: layers,
  };
  return router;
}

export type ExpressRouter = ReturnType<typeof createExpressRouter>;

function makeRequest(ctx: Context, subPath: string, baseUrl: string): ExpressRequest {
  const qs = ctx.querystring ? `?${ctx.querystring}` : '';
  const req: ExpressRequest = {
    method: ctx.method,
    url: subPath + qs,
    originalUrl: ctx.originalUrl,
    baseUrl,
    path: subPath,
    params: {},
    query: ctx.query as Record<string, unknown>,
    body: (ctx.request as { body?: unknown }).body ?? {},
    headers: ctx.headers,
    ip: ctx.ip,
    hostname: ctx.hostname,
    protocol: ctx.protocol,
    accountability: ctx.state.accountability,
    schema: ctx.state.schema,
    sanitizedQuery: ctx.state.sanitizedQuery ?? {},
    get: (name: string) => ctx.get(name) || undefined,
    header: (name: string) => ctx.get(name) || undefined,
    // The request body as a stream, as on Express's `req` (an IncomingMessage): extensions that
    // parse uploads themselves (`req.pipe(busboy(...))`, `for await (const chunk of req)`) get
    // the bytes koa's body parser left unread (anything but JSON, forms and text).
    pipe: <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }) => ctx.req.pipe(destination, options),
    unpipe: (destination?: NodeJS.WritableStream) => ctx.req.unpipe(destination),
    on: (event: string, listener: (...args: unknown[]) => void) => (ctx.req.on(event, listener), req),
    once: (event: string, listener: (...args: unknown[]) => void) => (ctx.req.once(event, listener), req),
    resume: () => (ctx.req.resume(), req),
    pause: () => (ctx.req.pause(), req),
    [Symbol.asyncIterator]: () => ctx.req[Symbol.asyncIterator](),
  };
  return req;
}

/**
 * Runs a request through an Express-style router on a koa context. Resolves true when the
 * router answered, false when every layer called `next()` (fall through to the next mount).
 */
export function handleWithRouter(router: ExpressRouter, ctx: Context, subPath: string, baseUrl: string): Promise<boolean> {
  const req = makeRequest(ctx, subPath, baseUrl);
  const chunks: (string | Uint8Array)[] = [];
  let finished = false;
  /** Set once the handler calls `res.write`: the response streams from then on (server-sent events, large bodies). */
  let stream: PassThrough | undefined;
  return new Promise<boolean>((resolve, reject) => {
    const streaming = (): PassThrough => {
      if (stream) return stream;
      stream = new PassThrough();
      finished = true;
      res.headersSent = true;
      ctx.status = res.statusCode;
      ctx.body = stream;
      resolve(true);
      return stream;
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      res.headersSent = true;
      // Status and body are applied when the promise settles, after the handler's synchronous
      // code: Express behind Directus's compression middleware flushes late, and real extensions
      // rely on `res.json(x); res.status(201)`.
      queueMicrotask(() => {
        if (chunks.length) ctx.body = chunks.every((c) => typeof c === 'string') ? chunks.join('') : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
        else if (ctx.body === undefined) ctx.body = '';
        ctx.status = res.statusCode;
        resolve(true);
      });
    };
    const res: ExpressResponse = {
      statusCode: 200,
      headersSent: false,
      locals: {},
      status(code) {
        res.statusCode = code;
        return res;
      },
      sendStatus(code) {
        res.statusCode = code;
        return res.send(String(code));
      },
      set(field, value) {
        if (typeof field === 'object') for (const [k, v] of Object.entries(field)) ctx.set(k, v);
        else ctx.set(field, String(value));
        return res;
      },
      header: (f, v) => res.set(f, v),
      setHeader: (f, v) => res.set(f, v),
      get: (f) => (ctx.response.get(f) as string) || undefined,
      type(type) {
        ctx.type = type;
        return res;
      },
      json(body) {
        if (stream) return res.end(JSON.stringify(body ?? null));
        if (!ctx.response.get('Content-Type')) ctx.type = 'application/json';
        chunks.push(JSON.stringify(body ?? null));
        finish();
        return res;
      },
      send(body) {
        if (stream) return res.end(body === undefined || body === null ? undefined : typeof body === 'object' && !(body instanceof Uint8Array) ? JSON.stringify(body) : (body as string | Uint8Array));
        if (body === undefined || body === null) {
          finish();
          return res;
        }
        if (typeof body === 'object' && !(body instanceof Uint8Array)) return res.json(body);
        if (!ctx.response.get('Content-Type')) ctx.type = typeof body === 'string' ? 'text/html' : 'application/octet-stream';
        chunks.push(typeof body === 'number' ? String(body) : (body as string | Uint8Array));
        finish();
        return res;
      },
      write(chunk) {
        if (finished && !stream) return false;
        return streaming().write(chunk);
      },
      end(chunk) {
        if (stream) {
          if (!stream.writableEnded) stream.end(chunk);
          return res;
        }
        if (chunk !== undefined) chunks.push(chunk);
        finish();
        return res;
      },
      redirect(a, b) {
        const [code, url] = typeof a === 'number' ? [a, b!] : [302, a];
        res.statusCode = code;
        ctx.set('Location', url);
        finish();
        return res;
      },
    };

    const layers = router._layers;
    let index = 0;
    let handlerIndex = 0;
    let current: Layer | undefined;
    let pending: unknown;
    // Express semantics: handlers with four parameters are error handlers; they run only
    // while an error is pending, the others only while none is.
    const next: Next = (error?: unknown) => {
      if (finished) {
        // A handler that failed after it began streaming: cut the response rather than leave it open.
        if (error !== undefined && error !== 'router' && stream && !stream.writableEnded) stream.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (error === 'router') {
        finished = true;
        return void resolve(false);
      }
      const skipLayer = error === 'route';
      if (error !== undefined && error !== null && error !== 'route') pending = error;
      if (current && !skipLayer) {
        while (handlerIndex < current.handlers.length) {
          const h = current.handlers[handlerIndex++]!;
          if ((h.length === 4) === (pending !== undefined)) return run(h);
        }
      }
      while (index < layers.length) {
        const layer = layers[index++]!;
        if (layer.method !== 'USE' && layer.method !== 'ALL' && layer.method !== req.method && !(layer.method === 'GET' && req.method === 'HEAD')) continue;
        const m = layer.matcher(subPath);
        if (!m) continue;
        const h = layer.handlers.findIndex((fn) => (fn.length === 4) === (pending !== undefined));
        if (h === -1) continue;
        req.params = m.params as Record<string, string>;
        current = layer;
        handlerIndex = h + 1;
        return run(layer.handlers[h]!);
      }
      finished = true;
      if (pending !== undefined) reject(pending);
      else resolve(false);
    };
    const run = (handler: ExpressHandler) => {
      const args = pending !== undefined ? [pending, req, res, next] : [req, res, next];
      if (pending !== undefined) pending = undefined;
      try {
        const out = (handler as (...a: unknown[]) => unknown)(...args);
        if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(undefined, (e) => next(e ?? errors.INTERNAL()));
      } catch (e) {
        next(e ?? errors.INTERNAL());
      }
    };
    next();
  });
}
