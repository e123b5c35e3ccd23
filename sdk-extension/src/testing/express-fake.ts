import type { Accountability } from '../types/accountability.js';
import type { EndpointRequest, EndpointResponse, EndpointRouter, ErrorRequestHandler, RequestHandler } from '../types/endpoint.js';
import type { SchemaOverview } from '../types/schema.js';
import { matchPath, mounts } from './events.js';
import { errorResponse, type DispatchRequest, type HarnessResponse } from './model.js';

interface Layer {
  method: string | null; // null = use()
  path: string;
  handlers: (RequestHandler | ErrorRequestHandler)[];
}

/** An Express-compatible router (the subset Annex supports) that dispatches in memory. */
export function createFakeRouter(getSchema: () => SchemaOverview) {
  const layers: Layer[] = [];
  const route = (method: string) => (path: string, ...handlers: RequestHandler[]) => {
    layers.push({ method, path, handlers });
    return router;
  };
  const router: EndpointRouter = {
    get: route('GET'),
    post: route('POST'),
    put: route('PUT'),
    patch: route('PATCH'),
    delete: route('DELETE'),
    all: route('ALL'),
    use(first: string | RequestHandler | ErrorRequestHandler, ...rest: (RequestHandler | ErrorRequestHandler)[]) {
      if (typeof first === 'string') layers.push({ method: null, path: first, handlers: rest });
      else layers.push({ method: null, path: '/', handlers: [first, ...rest] });
      return router;
    },
  };

  async function handle(input: DispatchRequest): Promise<HarnessResponse | null> {
    const headers: Record<string, string> = {};
    let status = 200;
    let body: unknown = undefined;
    let done: (res: HarnessResponse) => void = () => {};
    const finished = new Promise<HarnessResponse>((r) => (done = r));
    let ended = false;
    const end = (value: unknown) => {
      if (ended) return;
      ended = true;
      body = value;
      res.headersSent = true;
      done({ status, headers, body });
    };
    const res: EndpointResponse = {
      statusCode: 200,
      headersSent: false,
      status(code) { status = code; res.statusCode = code; return res; },
      json(value) { headers['content-type'] ??= 'application/json; charset=utf-8'; end(structuredClone(value)); return res; },
      send(value) { if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return res.json(value); headers['content-type'] ??= 'text/html; charset=utf-8'; end(value); return res; },
      set(field: string | Record<string, string | number | string[]>, value?: string | number | string[]) {
        const entries = typeof field === 'string' ? [[field, value] as const] : Object.entries(field);
        for (const [k, v] of entries) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
        return res;
      },
      header(field, value) { return res.set(field, value); },
      setHeader(field, value) { return res.set(field, value); },
      getHeader(field) { return headers[field.toLowerCase()]; },
      type(contentType) { return res.set('content-type', contentType); },
      sendStatus(code) { status = code; end(String(code)); return res; },
      redirect(a: number | string, b?: string) { status = typeof a === 'number' ? a : 302; headers.location = String(typeof a === 'number' ? b : a); end(undefined); },
      end(chunk) { end(chunk); return res; },
    };
    const req: EndpointRequest = {
      method: input.method,
      url: input.url,
      originalUrl: input.url,
      path: input.path,
      params: {},
      query: input.query,
      sanitizedQuery: {},
      headers: input.headers,
      body: input.body,
      accountability: input.accountability as Accountability | null,
      schema: getSchema(),
      get: (h) => input.headers[h.toLowerCase()],
    };
    let matched = false;
    const stack = layers.flatMap((layer) => layer.handlers.map((h) => ({ layer, h })));
    let i = 0;
    const next = async (error?: unknown): Promise<void> => {
      while (i < stack.length && !ended) {
        const { layer, h } = stack[i++]!;
        const params = layer.method === null ? (mounts(layer.path, input.path) ? {} : null) : matchPath(layer.path, input.path);
        if (!params || (layer.method !== null && layer.method !== 'ALL' && layer.method !== input.method)) continue;
        const isErrorHandler = h.length === 4;
        if (Boolean(error) !== isErrorHandler) continue;
        if (layer.method !== null) matched = true;
        req.params = params;
        try {
          const nextOnce = (e?: unknown) => void next(e);
          await (isErrorHandler ? (h as ErrorRequestHandler)(error, req, res, nextOnce) : (h as RequestHandler)(req, res, nextOnce));
          return;
        } catch (e) {
          return next(e);
        }
      }
      if (ended) return;
      if (error) {
        ended = true;
        done(errorResponse(error));
      } else if (!matched) {
        ended = true;
        done({ status: -1, headers: {}, body: null });
      }
    };
    await next();
    const result = await Promise.race([finished, new Promise<HarnessResponse>((r) => setTimeout(() => r({ status: 504, headers: {}, body: { errors: [{ message: 'The handler never responded (no res.send/json/end within 10s)', extensions: { code: 'SDK_HARNESS_TIMEOUT' } }] } }), 10_000).unref())]);
    return result.status === -1 ? null : result;
  }

  return { router, handle };
}
