import fs from 'node:fs';
import path from 'node:path';
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

/** Express's `req` as trusted endpoints get it (see KoaExpressRequest). */
export type ExpressRequest = KoaExpressRequest;

type HeaderValue = string | number | readonly string[];

export interface CookieOptions {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: boolean | 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None';
}

export interface ExpressResponse {
  statusCode: number;
  headersSent: boolean;
  locals: Record<string, unknown>;
  status(code: number): ExpressResponse;
  sendStatus(code: number): ExpressResponse;
  set(field: string | Record<string, HeaderValue>, value?: HeaderValue): ExpressResponse;
  header(field: string, value: HeaderValue): ExpressResponse;
  setHeader(field: string, value: HeaderValue): ExpressResponse;
  append(field: string, value: string | string[]): ExpressResponse;
  get(field: string): string | undefined;
  getHeader(field: string): HeaderValue | undefined;
  hasHeader(field: string): boolean;
  removeHeader(field: string): void;
  writeHead(code: number, reasonOrHeaders?: string | Record<string, HeaderValue>, headers?: Record<string, HeaderValue>): ExpressResponse;
  location(url: string): ExpressResponse;
  vary(field: string): ExpressResponse;
  attachment(filename?: string): ExpressResponse;
  cookie(name: string, value: unknown, options?: CookieOptions): ExpressResponse;
  clearCookie(name: string, options?: CookieOptions): ExpressResponse;
  format(handlers: Record<string, () => void>): ExpressResponse;
  sendFile(file: string, options?: { root?: string; headers?: Record<string, string> } | ((err?: Error) => void), callback?: (err?: Error) => void): void;
  download(file: string, filename?: string | ((err?: Error) => void), callback?: (err?: Error) => void): void;
  on(event: 'finish' | 'close', listener: () => void): ExpressResponse;
  once(event: 'finish' | 'close', listener: () => void): ExpressResponse;
  type(type: string): ExpressResponse;
  contentType(type: string): ExpressResponse;
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

/** Express's `res.location`: characters a URL may not carry are percent-encoded, existing escapes kept. */
function encodeLocation(url: string): string {
  return url.replace(/[^\x21-\x7e]+|["<>\\^`{|}]/g, (run) => {
    try {
      return encodeURI(run);
    } catch {
      return '';
    }
  });
}

/** `a=1; b=x%20y` → {a: '1', b: 'x y'} (cookie-parser's result; the first of a repeated name wins). */
export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || Object.hasOwn(out, name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_ATTRIBUTE = /^[\u0021-\u003A\u003C-\u007E]*$/;

/** Express's `res.cookie` header value: the value URI-encoded (objects as `j:` JSON), `maxAge` in ms. */
export function serializeCookie(name: string, value: unknown, options: CookieOptions = {}): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`res.cookie: invalid cookie name ${JSON.stringify(name)}`);
  const text = typeof value === 'object' && value !== null ? `j:${JSON.stringify(value)}` : String(value);
  const parts = [`${name}=${encodeURIComponent(text)}`];
  const attribute = (label: string, v: string) => {
    if (!COOKIE_ATTRIBUTE.test(v)) throw new TypeError(`res.cookie: invalid ${label} ${JSON.stringify(v)}`);
    parts.push(`${label}=${v}`);
  };
  if (options.maxAge !== undefined) {
    const ms = Number(options.maxAge);
    if (!Number.isFinite(ms)) throw new TypeError('res.cookie: maxAge must be a number of milliseconds');
    parts.push(`Max-Age=${Math.floor(ms / 1000)}`);
    parts.push(`Expires=${new Date(Date.now() + ms).toUTCString()}`);
  } else if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.domain) attribute('Domain', options.domain);
  attribute('Path', options.path ?? '/');
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.sameSite) {
    const same = options.sameSite === true ? 'Strict' : String(options.sameSite).toLowerCase();
    if (same !== 'Strict' && !['lax', 'strict', 'none'].includes(same)) throw new TypeError(`res.cookie: invalid sameSite ${JSON.stringify(options.sameSite)}`);
    parts.push(`SameSite=${same.charAt(0).toUpperCase()}${same.slice(1)}`);
  }
  return parts.join('; ');
}

/**
 * Express's `req` over a koa context. The plain fields are set per request; everything else is on
 * the prototype and computed when asked (most handlers read only params, query and body).
 */
export class KoaExpressRequest {
  [key: string]: unknown;
  method: string;
  url: string;
  originalUrl: string;
  baseUrl: string;
  path: string;
  params: Record<string, string> = {};
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  hostname: string;
  protocol: string;
  accountability: unknown;
  schema: unknown;
  sanitizedQuery: unknown;
  token: string | null;
  #ctx: Context;
  #cookies: Record<string, string> | undefined;

  constructor(ctx: Context, subPath: string, baseUrl: string) {
    this.#ctx = ctx;
    this.method = ctx.method;
    this.url = subPath + (ctx.querystring ? `?${ctx.querystring}` : '');
    this.originalUrl = ctx.originalUrl;
    this.baseUrl = baseUrl;
    this.path = subPath;
    this.query = ctx.query as Record<string, unknown>;
    this.body = (ctx.request as { body?: unknown }).body ?? {};
    this.headers = ctx.headers;
    this.ip = ctx.ip;
    this.hostname = ctx.hostname;
    this.protocol = ctx.protocol;
    this.accountability = ctx.state.accountability;
    this.schema = ctx.state.schema;
    this.sanitizedQuery = ctx.state.sanitizedQuery ?? {};
    this.token = (ctx.state.token as string | null | undefined) ?? null;
  }

  get(name: string): string | undefined {
    return this.#ctx.get(name) || undefined;
  }
  header(name: string): string | undefined {
    return this.#ctx.get(name) || undefined;
  }
  /** Cookies of the request, parsed (Directus runs cookie-parser). */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.#ctx.get('Cookie')));
  }
  get secure(): boolean {
    return this.#ctx.secure;
  }
  get ips(): string[] {
    return this.#ctx.ips;
  }
  get xhr(): boolean {
    return this.#ctx.get('X-Requested-With').toLowerCase() === 'xmlhttprequest';
  }
  get subdomains(): string[] {
    return this.#ctx.subdomains;
  }
  get fresh(): boolean {
    return this.#ctx.fresh;
  }
  get stale(): boolean {
    return this.#ctx.stale;
  }
  get socket() {
    return this.#ctx.req.socket;
  }
  get connection() {
    return this.#ctx.req.socket;
  }
  is(...types: string[]) {
    return this.#ctx.is(...types);
  }
  accepts(...types: string[]) {
    return this.#ctx.accepts(...types);
  }
  acceptsEncodings(...encodings: string[]) {
    return this.#ctx.acceptsEncodings(...encodings);
  }
  acceptsCharsets(...charsets: string[]) {
    return this.#ctx.acceptsCharsets(...charsets);
  }
  acceptsLanguages(...languages: string[]) {
    return this.#ctx.acceptsLanguages(...languages);
  }
  // The request body as a stream, as on Express's `req` (an IncomingMessage): extensions that
  // parse uploads themselves (`req.pipe(busboy(...))`, `for await (const chunk of req)`) get
  // the bytes koa's body parser left unread (anything but JSON, forms and text).
  pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    return this.#ctx.req.pipe(destination, options);
  }
  unpipe(destination?: NodeJS.WritableStream) {
    this.#ctx.req.unpipe(destination);
    return this;
  }
  on(event: string, listener: (...args: unknown[]) => void) {
    this.#ctx.req.on(event, listener);
    return this;
  }
  once(event: string, listener: (...args: unknown[]) => void) {
    this.#ctx.req.once(event, listener);
    return this;
  }
  resume() {
    this.#ctx.req.resume();
    return this;
  }
  pause() {
    this.#ctx.req.pause();
    return this;
  }
  [Symbol.asyncIterator]() {
    return this.#ctx.req[Symbol.asyncIterator]();
  }
}

function makeRequest(ctx: Context, subPath: string, baseUrl: string): ExpressRequest {
  return new KoaExpressRequest(ctx, subPath, baseUrl);
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
        if (typeof field === 'object') for (const [k, v] of Object.entries(field)) res.set(k, v);
        else ctx.set(field, Array.isArray(value) ? value.map(String) : String(value));
        return res;
      },
      header: (f, v) => res.set(f, v),
      setHeader: (f, v) => res.set(f, v),
      append(field, value) {
        ctx.append(field, value);
        return res;
      },
      get: (f) => (ctx.response.get(f) as string) || undefined,
      getHeader: (f) => ctx.res.getHeader(f) as HeaderValue | undefined,
      hasHeader: (f) => ctx.res.hasHeader(f),
      removeHeader: (f) => ctx.remove(f),
      writeHead(code, reasonOrHeaders, headers) {
        res.statusCode = code;
        const all = typeof reasonOrHeaders === 'object' ? reasonOrHeaders : headers;
        if (all) res.set(all);
        return res;
      },
      location(url) {
        ctx.set('Location', encodeLocation(url === 'back' ? ctx.get('Referrer') || '/' : url));
        return res;
      },
      vary(field) {
        ctx.vary(field);
        return res;
      },
      attachment(filename) {
        ctx.attachment(filename);
        return res;
      },
      cookie(name, value, options) {
        ctx.append('Set-Cookie', serializeCookie(name, value, options));
        return res;
      },
      clearCookie(name, options = {}) {
        const { maxAge: _ignored, ...rest } = options;
        return res.cookie(name, '', { ...rest, expires: new Date(1) });
      },
      format(handlers) {
        const types = Object.keys(handlers).filter((k) => k !== 'default');
        const chosen = types.length ? ctx.accepts(types) : false;
        ctx.vary('Accept');
        if (typeof chosen === 'string') {
          ctx.type = chosen;
          handlers[chosen]!();
        } else if (handlers.default) handlers.default();
        else next(errors.NOT_ACCEPTABLE());
        return res;
      },
      sendFile(file, optionsOrCallback, maybeCallback) {
        const options = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
        const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
        if (!options.root && !path.isAbsolute(file)) throw new TypeError('path must be absolute or specify root to res.sendFile');
        const fail = (error: Error) => (callback ? callback(error) : next(error));
        const target = options.root ? path.resolve(options.root, `.${path.sep}${file}`) : path.resolve(file);
        const within = options.root ? path.relative(path.resolve(options.root), target) : path.basename(target);
        if (options.root && (within.startsWith('..') || path.isAbsolute(within) || file.split(/[\\/]/).includes('..'))) return void fail(errors.FORBIDDEN());
        // Express's default: dotfiles are not served.
        if (within.split(path.sep).some((part) => part.startsWith('.') && part.length > 1)) return void fail(errors.ROUTE_NOT_FOUND({ path: ctx.path }));
        void fs.promises.stat(target).then(
          (stat) => {
            if (!stat.isFile()) return fail(errors.ROUTE_NOT_FOUND({ path: ctx.path }));
            if (finished) return;
            for (const [k, v] of Object.entries(options.headers ?? {})) ctx.set(k, v);
            if (!ctx.response.get('Content-Type')) ctx.type = path.extname(target) || 'application/octet-stream';
            ctx.set('Last-Modified', stat.mtime.toUTCString());
            ctx.length = stat.size;
            const body = fs.createReadStream(target);
            if (callback) {
              body.once('end', () => callback());
              body.once('error', (error) => callback(error));
            }
            finished = true;
            res.headersSent = true;
            ctx.status = res.statusCode;
            ctx.body = body;
            resolve(true);
          },
          () => fail(errors.ROUTE_NOT_FOUND({ path: ctx.path })),
        );
      },
      download(file, filenameOrCallback, maybeCallback) {
        const filename = typeof filenameOrCallback === 'string' ? filenameOrCallback : path.basename(file);
        const callback = typeof filenameOrCallback === 'function' ? filenameOrCallback : maybeCallback;
        ctx.attachment(filename);
        res.sendFile(path.resolve(file), {}, callback);
      },
      on(event, listener) {
        ctx.res.on(event, listener);
        return res;
      },
      once(event, listener) {
        ctx.res.once(event, listener);
        return res;
      },
      type(type) {
        ctx.type = type;
        return res;
      },
      contentType: (type) => res.type(type),
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
        res.location(url);
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
