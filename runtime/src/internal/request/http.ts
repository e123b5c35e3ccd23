import http from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction, RequestOptions } from '../../types.js';
import type { Scopes } from '@annex/protocol';
import { RuntimeErrors } from '../../errors.js';
import { checkUrl, parseUrlPattern, type UrlPattern } from './url-scope.js';
import { createAddressMatcher, isDeniedAddress, parseIPv4, parseIPv6 } from './ip.js';

const EMPTY = Buffer.alloc(0);

/** A redirect the client follows (its body is read and dropped). */
function isRedirect(res: http.IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 300 && status < 400 && status !== 304 && typeof res.headers.location === 'string';
}

export const DEFAULT_REQUEST_OPTIONS: RequestOptions = {
  timeoutMs: 10_000,
  maxResponseBytes: 4 * 1024 * 1024,
  maxRedirects: 5,
};

export interface RequestInput {
  method?: string;
  headers?: Record<string, string> | [string, string][];
  body?: unknown;
  /**
   * `stream` is for host code only (the sandbox's capability takes `auto` or `text`): `data` is a
   * Readable of the final response's body, resolved once its headers arrived; it fails with
   * RT_RESPONSE_TOO_LARGE past the size cap and RT_REQUEST_TIMEOUT past the deadline, like a
   * buffered body. Whoever takes it must read it or destroy it.
   */
  responseType?: 'auto' | 'text' | 'stream';
}

/** Directus's `request` result shape. */
export interface RequestResult {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  data: unknown;
  /** Final URL after redirects (used by `fetch`'s Response.url). */
  url: string;
}

const DROPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'accept-encoding',
]);
const defaultLookup: LookupFunction = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** A request client bound to one extension's grant. Compiled patterns are cached per grant. */
export interface RequestClient {
  request(url: string, input: RequestInput): Promise<RequestResult>;
}

export function createRequestClient(
  grant: NonNullable<Scopes['request']>,
  options: Partial<RequestOptions> = {},
): RequestClient {
  const opts: RequestOptions = { ...DEFAULT_REQUEST_OPTIONS, ...options };
  const patterns: (UrlPattern | null)[] = grant.urls.map(parseUrlPattern);
  const lookup = opts.lookup ?? defaultLookup;
  const exempt = createAddressMatcher(opts.allowAddresses ?? []);
  const addressAllowed = (address: string) =>
    grant.allowPrivate === true || exempt(address) || !isDeniedAddress(address);

  function deny(reason: string, details: Record<string, unknown> = {}): never {
    throw RuntimeErrors.FORBIDDEN(
      { reason: `request ${reason}` },
      { details: { capability: 'request', reason, ...details } },
    );
  }

  async function resolvePinned(url: URL): Promise<{ address: string; family: 4 | 6 }> {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (parseIPv4(host))
      return addressAllowed(host) ? { address: host, family: 4 } : deny('private-address', { address: host });
    if (parseIPv6(host))
      return addressAllowed(host) ? { address: host, family: 6 } : deny('private-address', { address: host });
    let answers: { address: string; family: 4 | 6 }[];
    try {
      answers = await lookup(host);
    } catch {
      throw RuntimeErrors.RT_REQUEST_FAILED({ reason: 'DNS lookup failed' }, { details: { host } });
    }
    if (answers.length === 0)
      throw RuntimeErrors.RT_REQUEST_FAILED({ reason: 'DNS lookup returned no address' }, { details: { host } });
    /* Any denied answer fails the request: a mixed answer is the DNS-rebinding shape. */
    for (const a of answers) if (!addressAllowed(a.address)) deny('private-address', { host, address: a.address });
    return answers[0];
  }

  function check(target: string | URL, method: string): URL {
    const result = checkUrl(target, patterns);
    if (!result.ok) deny(result.reason, { url: String(target) });
    if (!(grant.methods as string[]).includes(method)) deny('method', { method });
    return result.url;
  }

  /** One hop. With `stream`, a response that is not a redirect resolves at its headers, its body as `stream`. */
  function send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    pinned: { address: string; family: 4 | 6 },
    deadline: number,
    stream = false,
  ): Promise<{ res: http.IncomingMessage; body: Buffer; stream?: Readable }> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(RuntimeErrors.RT_REQUEST_TIMEOUT({ timeoutMs: opts.timeoutMs }));
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port || undefined,
          path: url.pathname + url.search,
          method,
          headers: {
            ...headers,
            host: url.host,
            'accept-encoding': 'identity',
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          agent: false,
          /* Pin the connection to the address that was checked (no second resolution). */
          lookup: ((_host: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) =>
            o?.all
              ? cb(null, [{ address: pinned.address, family: pinned.family }])
              : cb(null, pinned.address, pinned.family)) as unknown as http.RequestOptions['lookup'],
        },
        (res) => {
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > opts.maxResponseBytes) {
            res.destroy();
            return finish(RuntimeErrors.RT_RESPONSE_TOO_LARGE({ limit: opts.maxResponseBytes }));
          }
          if (stream && !isRedirect(res)) return finish(null, { res, body: EMPTY, stream: streamBody(res) });
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > opts.maxResponseBytes) {
              res.destroy();
              finish(RuntimeErrors.RT_RESPONSE_TOO_LARGE({ limit: opts.maxResponseBytes }));
            } else chunks.push(chunk);
          });
          res.on('end', () => finish(null, { res, body: Buffer.concat(chunks) }));
          res.on('error', () => finish(RuntimeErrors.RT_REQUEST_FAILED({ reason: 'connection reset' })));
        },
      );
      let settled = false;
      let out: PassThrough | undefined;
      const timer = setTimeout(() => {
        const error = RuntimeErrors.RT_REQUEST_TIMEOUT({ timeoutMs: opts.timeoutMs });
        if (out) out.destroy(error);
        else finish(error);
        req.destroy();
      }, remaining);
      function finish(err: Error | null, value?: { res: http.IncomingMessage; body: Buffer; stream?: Readable }) {
        if (settled) return;
        settled = true;
        /* A streamed body keeps the deadline until it ended. */
        if (!value?.stream) clearTimeout(timer);
        if (err) reject(err);
        else resolve(value!);
      }
      /** The body as a stream under the same cap and deadline, with back-pressure. */
      function streamBody(res: http.IncomingMessage): Readable {
        const body = new PassThrough();
        /* An error before the reader attached must not be uncaught; the reader still sees it (`errored`). */
        body.on('error', () => undefined);
        out = body;
        let size = 0;
        const fail = (error: Error) => {
          clearTimeout(timer);
          res.destroy();
          body.destroy(error);
        };
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxResponseBytes) fail(RuntimeErrors.RT_RESPONSE_TOO_LARGE({ limit: opts.maxResponseBytes }));
          else if (!body.write(chunk)) res.pause();
        });
        body.on('drain', () => res.resume());
        res.on('end', () => {
          clearTimeout(timer);
          body.end();
        });
        res.on('error', () => fail(RuntimeErrors.RT_REQUEST_FAILED({ reason: 'connection reset' })));
        res.on('close', () => {
          if (!res.complete && !body.destroyed) fail(RuntimeErrors.RT_REQUEST_FAILED({ reason: 'connection reset' }));
        });
        /* The reader gave up: stop the download. */
        body.on('close', () => {
          clearTimeout(timer);
          if (!res.complete) req.destroy();
        });
        return body;
      }
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish(RuntimeErrors.RT_REQUEST_FAILED({ reason: e.code ?? 'network error' })),
      );
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async function request(input: string, options: RequestInput): Promise<RequestResult> {
    let method = (options.method ?? 'GET').toUpperCase();
    let url = check(input, method);
    const headers: Record<string, string> = {};
    const rawHeaders = Array.isArray(options.headers) ? options.headers : Object.entries(options.headers ?? {});
    for (const [k, v] of rawHeaders) if (!DROPPED_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = String(v);
    let body: string | undefined;
    if (options.body !== undefined && options.body !== null) {
      if (typeof options.body === 'string') body = options.body;
      else {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const deadline = Date.now() + opts.timeoutMs;
    for (let hop = 0; ; hop++) {
      const pinned = await resolvePinned(url);
      const {
        res,
        body: raw,
        stream,
      } = await send(url, method, headers, body, pinned, deadline, options.responseType === 'stream');
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (isRedirect(res) && typeof location === 'string') {
        if (hop >= opts.maxRedirects) throw RuntimeErrors.RT_REQUEST_FAILED({ reason: 'too many redirects' });
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw RuntimeErrors.RT_REQUEST_FAILED({ reason: 'invalid redirect location' });
        }
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
        if (next.origin !== url.origin) delete headers.authorization;
        url = check(next, method);
        continue;
      }
      const responseHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      if (stream)
        return { status, statusText: res.statusMessage ?? '', headers: responseHeaders, data: stream, url: url.href };
      const text = raw.toString('utf8');
      let data: unknown = text;
      if (options.responseType !== 'text' && /\bjson\b|\+json/i.test(responseHeaders['content-type'] ?? '')) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      return { status, statusText: res.statusMessage ?? '', headers: responseHeaders, data, url: url.href };
    }
  }

  return { request };
}
