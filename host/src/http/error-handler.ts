import type { Context, Next } from 'koa';
import { isCodedError } from '@annex/protocol';
import type { Logger } from '../logger.js';
import { failureEntries, type RuleFailure } from '../services/payload-rules.js';

export interface DirectusErrorBody {
  errors: { message: string; extensions: { code: string; [k: string]: unknown } }[];
}

/** Directus error codes by status, for errors that carry only one of the two. */
const STATUS_OF_CODE: Record<string, number> = {
  FORBIDDEN: 403, INVALID_PAYLOAD: 400, INVALID_QUERY: 400, FAILED_VALIDATION: 400, RECORD_NOT_UNIQUE: 400,
  CONTAINS_NULL_VALUES: 400, VALUE_TOO_LONG: 400, VALUE_OUT_OF_RANGE: 400, INVALID_FOREIGN_KEY: 400, NOT_NULL_VIOLATION: 400,
  INVALID_CREDENTIALS: 401, INVALID_TOKEN: 401, TOKEN_EXPIRED: 401, INVALID_OTP: 401, UNAUTHENTICATED: 401,
  ROUTE_NOT_FOUND: 404, UNSUPPORTED_MEDIA_TYPE: 415, UNPROCESSABLE_CONTENT: 422, REQUESTS_EXCEEDED: 429,
  SERVICE_UNAVAILABLE: 503, LIMIT_EXCEEDED: 403, ILLEGAL_ASSET_TRANSFORMATION: 400, RANGE_NOT_SATISFIABLE: 416,
};
const CODE_OF_STATUS: Record<number, string> = { 400: 'INVALID_PAYLOAD', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'ROUTE_NOT_FOUND', 409: 'CONFLICT', 422: 'UNPROCESSABLE_CONTENT', 429: 'REQUESTS_EXCEEDED', 503: 'SERVICE_UNAVAILABLE' };

/**
 * Normalises the error shapes real extensions throw: coded errors (`code`, `status`),
 * Directus-style `extensions.code` on a plain Error, and http-errors (`status`/`statusCode`,
 * `expose`). Anything else is an internal error.
 */
function normalise(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  // A path or query with a broken %-escape: the client's mistake, not the server's.
  if (error instanceof URIError) return { code: 'INVALID_QUERY', message: 'The URL is malformed (a broken %-escape).', status: 400, expose: true };
  const e = error as { code?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; extensions?: { code?: unknown } };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (typeof e.code === 'string' && typeof e.message === 'string') {
    return status === undefined && STATUS_OF_CODE[e.code] ? { code: e.code, message: e.message, status: STATUS_OF_CODE[e.code], extensions: e.extensions } : error;
  }
  const extCode = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
  if (extCode && typeof e.message === 'string') return { code: extCode, message: e.message, status: status ?? STATUS_OF_CODE[extCode] ?? 500, extensions: e.extensions };
  if (status !== undefined && status >= 400 && status < 500 && e.expose !== false && typeof e.message === 'string') {
    return { code: CODE_OF_STATUS[status] ?? `HTTP_${status}`, message: e.message, status, expose: true };
  }
  return error;
}

/** Converts any thrown value to Directus's error shape; only exposed messages reach the client. */
export function toErrorResponse(raw: unknown): { status: number; body: DirectusErrorBody } {
  const error = normalise(raw);
  if (isCodedError(error)) {
    const e = error as { code: string; message: string; status?: unknown; expose?: unknown; extensions?: unknown };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
    const expose = typeof e.expose === 'boolean' ? e.expose : status < 500;
    const extra = e.extensions && typeof e.extensions === 'object' ? (e.extensions as Record<string, unknown>) : {};
    const failures = (error as { details?: { failures?: unknown } }).details?.failures;
    if (e.code === 'FAILED_VALIDATION' && Array.isArray(failures) && failures.length > 0) return { status: 400, body: { errors: failureEntries(failures as RuleFailure[]) } };
    return {
      status,
      body: { errors: [{ message: expose ? e.message : 'An unexpected error occurred.', extensions: { ...extra, code: expose ? e.code : 'INTERNAL_SERVER_ERROR' } }] },
    };
  }
  return { status: 500, body: { errors: [{ message: 'An unexpected error occurred.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
}

export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) logger.error({ err: error, path: ctx.path, method: ctx.method }, 'request failed');
      ctx.status = status;
      const retryAfter = (error as { details?: { retryAfterSeconds?: unknown } } | null)?.details?.retryAfterSeconds;
      if (status === 429 && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      ctx.body = body;
    }
  };
}
