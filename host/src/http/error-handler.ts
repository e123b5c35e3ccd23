import type { Context, Next } from 'koa';
import { isCodedError } from '@annex/runtime/protocol';
import type { Logger } from '../logger.js';

export interface DirectusErrorBody {
  errors: { message: string; extensions: { code: string; [k: string]: unknown } }[];
}

/** Converts any thrown value to Directus's error shape; only exposed messages reach the client. */
export function toErrorResponse(error: unknown): { status: number; body: DirectusErrorBody } {
  if (isCodedError(error)) {
    const e = error as { code: string; message: string; status?: unknown; expose?: unknown; extensions?: unknown };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
    const expose = typeof e.expose === 'boolean' ? e.expose : status < 500;
    const extra = e.extensions && typeof e.extensions === 'object' ? (e.extensions as Record<string, unknown>) : {};
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
      ctx.body = body;
    }
  };
}
