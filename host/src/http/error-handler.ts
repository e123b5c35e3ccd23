import type { Context, Next } from 'koa';
import { isCodedError } from '@annex/protocol';
import { errors, type HostErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Emitter } from '../events/emitter.js';
import { filterRequestErrors } from './request-events.js';
import { failureEntries, type RuleFailure } from '../services/payload-rules.js';

export interface DirectusErrorBody {
  errors: { message: string; extensions: { code: string; [k: string]: unknown } }[];
}

/** The code an http-error (status only) gets; any other status takes the first code the table has for it. */
const CODE_OF_STATUS: Record<number, HostErrorCode> = {
  400: 'INVALID_PAYLOAD',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  409: 'CONFLICT',
  413: 'CONTENT_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'REQUESTS_EXCEEDED',
  503: 'SERVICE_UNAVAILABLE',
};

/** What a client sees in place of an error whose message is not exposed. */
const HIDDEN_CODE: HostErrorCode = 'INTERNAL_SERVER_ERROR';
const HIDDEN_MESSAGE = 'An unexpected error occurred.';

/** The table code for an HTTP status (also what the CLI names a remote failure that carried no code). */
export function codeOfStatus(status: number): HostErrorCode {
  return CODE_OF_STATUS[status] ?? errors.codes.find((c) => errors.statusOf(c) === status) ?? 'INVALID_PAYLOAD';
}

/**
 * Normalises the error shapes real extensions throw: coded errors (`code`, `status`),
 * Directus-style `extensions.code` on a plain Error, and http-errors (`status`/`statusCode`,
 * `expose`). Anything else is an internal error.
 */
function normalise(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  // A path or query with a broken %-escape: the client's mistake, not the server's.
  if (error instanceof URIError) return errors.INVALID_QUERY({ reason: 'The URL is malformed (a broken %-escape).' });
  const e = error as {
    code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    message?: unknown;
    extensions?: { code?: unknown };
  };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (typeof e.code === 'string' && typeof e.message === 'string') {
    const tableStatus = status === undefined ? errors.statusOf(e.code) : undefined;
    return tableStatus !== undefined
      ? { code: e.code, message: e.message, status: tableStatus, extensions: e.extensions }
      : error;
  }
  const extCode = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
  if (extCode && typeof e.message === 'string')
    return {
      code: extCode,
      message: e.message,
      status: status ?? errors.statusOf(extCode) ?? 500,
      extensions: e.extensions,
    };
  if (status !== undefined && status >= 400 && status < 500 && e.expose !== false && typeof e.message === 'string') {
    return { code: codeOfStatus(status), message: e.message, status, expose: true };
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
    if (e.code === 'FAILED_VALIDATION' && Array.isArray(failures) && failures.length > 0)
      return { status: 400, body: { errors: failureEntries(failures as RuleFailure[]) } };
    return {
      status,
      body: {
        errors: [
          {
            message: expose ? e.message : HIDDEN_MESSAGE,
            extensions: { ...extra, code: expose ? e.code : HIDDEN_CODE },
          },
        ],
      },
    };
  }
  return { status: 500, body: { errors: [{ message: HIDDEN_MESSAGE, extensions: { code: HIDDEN_CODE } }] } };
}

export function errorHandler(logger: Logger, emitter?: Emitter) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) logger.error({ err: error, path: ctx.path, method: ctx.method }, 'request failed');
      ctx.status = status;
      const retryAfter = (error as { details?: { retryAfterSeconds?: unknown } } | null)?.details?.retryAfterSeconds;
      if (status === 429 && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      ctx.body = emitter ? { ...body, errors: await filterRequestErrors(emitter, ctx, body.errors) } : body;
    }
  };
}
