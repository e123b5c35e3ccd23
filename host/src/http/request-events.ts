import type { Context, Next } from 'koa';
import type { Emitter } from '../events/emitter.js';

function eventContext(ctx: Context) {
  return { database: null, schema: ctx.state.schema ?? null, accountability: ctx.state.accountability ?? null };
}

/**
 * Directus's `response` action once a response is written: `{request, response, ip, duration, finished}`.
 * A request that starts while nobody listens to it is not watched (a listener added meanwhile hears the next ones).
 */
export function responseEvents(emitter: Emitter) {
  return async function emitResponse(ctx: Context, next: Next): Promise<void> {
    if (!emitter.hasAction('response')) return next();
    const started = performance.now();
    ctx.res.once('close', () => {
      void emitter.emitAction(
        'response',
        {
          request: ctx.req,
          response: ctx.res,
          ip: ctx.ip,
          duration: Math.round((performance.now() - started) * 1000) / 1000,
          finished: ctx.res.writableFinished,
        },
        eventContext(ctx),
      );
    });
    await next();
  };
}

/**
 * Directus's `request.not_found` filter before a 404: payload `false`, meta `{request, response}`.
 * True when a hook answered the request itself (it returned true and wrote the response).
 */
export async function notFoundHandled(emitter: Emitter, ctx: Context): Promise<boolean> {
  const handled = await emitter.emitFilter(
    'request.not_found',
    false,
    { request: ctx.req, response: ctx.res },
    eventContext(ctx),
  );
  if (handled !== true) return false;
  if (ctx.res.headersSent || ctx.res.writableEnded) ctx.respond = false;
  return true;
}

/** Directus's `request.error` filter over the errors of an error response (hooks may rewrite them). */
export async function filterRequestErrors<T>(emitter: Emitter, ctx: Context, errors: T[]): Promise<T[]> {
  try {
    const out = await emitter.emitFilter('request.error', errors, {}, eventContext(ctx));
    return Array.isArray(out) ? out : errors;
  } catch {
    // A failing hook must not turn an error response into a crash: the errors go out unchanged.
    return errors;
  }
}
