import type { Context, Middleware } from 'koa';
import { isCodedError } from '@annex/protocol';
import { MarketplaceErrors as E } from '../errors.js';
import type { Logger } from './logger.js';

export type RouteHandler = (ctx: Context, match: string[]) => Promise<void>;
export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Matched against the raw (still percent-encoded) path. */
  pattern: RegExp;
  handler: RouteHandler;
}

/** First matching route wins; a path that matches with another method is a 405. */
export function createRouter(routes: Route[]): Middleware {
  return async (ctx) => {
    let pathMatched = false;
    for (const route of routes) {
      const m = route.pattern.exec(ctx.path);
      if (!m) continue;
      pathMatched = true;
      if (route.method === ctx.method || (route.method === 'GET' && ctx.method === 'HEAD')) {
        await route.handler(
          ctx,
          m.slice(1).map((s) => (s === undefined ? s : safeDecode(s))),
        );
        return;
      }
    }
    throw pathMatched
      ? E.MKT_UNSUPPORTED({ reason: `${ctx.method} ${ctx.path}` })
      : E.MKT_ROUTE_NOT_FOUND({ path: ctx.path });
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw E.MKT_INVALID_REQUEST({ reason: 'malformed percent-encoding in the path' });
  }
}

/**
 * Maps every error to one body both client families understand: npm prints `error`,
 * Directus clients read `errors[0].extensions.code`. Unexposed errors are logged, not shown.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const coded = isCodedError(error) && typeof error.status === 'number' ? error : undefined;
      const status = coded?.status ?? 500;
      const expose = coded !== undefined && coded.expose !== false;
      if (!expose) logger.error({ err: error, path: ctx.path, method: ctx.method }, 'request failed');
      const code = expose ? coded.code : 'INTERNAL';
      const message = expose ? coded.message : 'Internal server error';
      const details = expose ? coded.details : undefined;
      ctx.status = status;
      ctx.body = {
        error: message,
        errors: [{ message, extensions: { code, ...(details?.issues ? { issues: details.issues } : {}) } }],
      };
    }
  };
}

/** Reads and parses a JSON body, refusing more than `limit` bytes. */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw E.MKT_PAYLOAD_TOO_LARGE({ limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.req.destroy();
      throw E.MKT_PAYLOAD_TOO_LARGE({ limit });
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw E.MKT_INVALID_REQUEST({ reason: 'the body is not valid JSON' });
  }
}

/** `{limit, offset}` from query strings, bounded. */
export function intParam(value: unknown, fallback: number, min: number, max: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw E.MKT_INVALID_REQUEST({ reason: `${name} must be an integer between ${min} and ${max}` });
  return n;
}
