import type { Context } from 'koa';
import type { Accountability } from '../auth/accountability.js';
import type { SandboxCall } from '../extensions/units/types.js';
import { getSandboxResponseHead } from './sandbox-response-policy.js';

/** A route an isolate registered, with its compiled path matcher. */
export interface SandboxedRoute {
  method: string;
  handler: number;
  match: (path: string) => false | { params: object };
}

const SANDBOX_CSP = 'sandbox allow-scripts allow-forms allow-popups allow-downloads';
/** What koa sets for an object body. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function headersOf(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers))
    if (typeof v === 'string' && k !== 'authorization' && k !== 'cookie') out[k] = v;
  return out;
}

/** The request as plain JSON data for the isolate; the caller's credentials are not the extension's. */
function requestOf(ctx: Context, sub: string, params: object) {
  // The caller's `?access_token` authenticated the request; like the Authorization header, it is not the extension's.
  let query = ctx.query;
  let querystring = ctx.querystring;
  if (query.access_token !== undefined) {
    query = { ...query };
    delete query.access_token;
    const search = new URLSearchParams(querystring);
    search.delete('access_token');
    querystring = search.toString();
  }
  return {
    method: ctx.method,
    url: sub + (querystring ? `?${querystring}` : ''),
    path: sub,
    query,
    params,
    headers: headersOf(ctx),
    body: (ctx.request as { body?: unknown }).body ?? null,
  };
}

type SandboxResponse = { status?: unknown; headers?: unknown; body?: unknown; json?: string } | undefined;

/**
 * Served on the app's origin, an extension's HTML would run as the signed-in admin's page:
 * whatever it returns is rendered in an opaque origin (scripts run, but not as this site).
 * Constant, valid headers, set before the call so an error response carries them too.
 */
function protect(ctx: Context): void {
  ctx.res.setHeader('Content-Security-Policy', SANDBOX_CSP);
  ctx.res.setHeader('X-Content-Type-Options', 'nosniff');
}

function writeResponse(ctx: Context, extension: string, res: SandboxResponse): void {
  // Checked as a whole before anything is set (http/sandbox-response-policy.ts): a refused response leaves only the host's headers.
  const head = getSandboxResponseHead(extension, res?.status, res?.headers);
  ctx.status = head.status;
  for (const [k, v] of head.headers) ctx.set(k, v);
  if (typeof res?.json === 'string') {
    /* Serialised in the isolate; typed as koa types an object body (before the body, so koa does not type the text first). */
    ctx.res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    ctx.body = res.json;
  } else ctx.body = res?.body ?? '';
}

/**
 * The HTTP side of a sandboxed endpoint: finds the isolate's route for the request, sends it the
 * request as data and writes back what it answered. Returns false when no route matches.
 */
export function createSandboxedEndpointHandler(routes: SandboxedRoute[], call: SandboxCall, extension: string) {
  return async (ctx: Context, sub: string): Promise<boolean> => {
    for (const r of routes) {
      if (r.method !== ctx.method && !(r.method === 'GET' && ctx.method === 'HEAD')) continue;
      const m = r.match(sub);
      if (!m) continue;
      const acc = (ctx.state.accountability ?? null) as Accountability | null;
      protect(ctx);
      // The request is JSON data the host built (the body as the body parser read it): it crosses as text, unwalked.
      const res = (await call(r.handler, [requestOf(ctx, sub, m.params)], acc, {
        jsonBody: true,
        jsonArgs: true,
      })) as SandboxResponse;
      writeResponse(ctx, extension, res);
      return true;
    }
    return false;
  };
}
