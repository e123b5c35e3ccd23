import Koa, { type Context, type Next } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { errors } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { errorHandler } from './error-handler.js';
import { leanJsonBody } from './json-body.js';
import { notFoundHandled, responseEvents } from './request-events.js';

function bearer(ctx: Context): string | null {
  const header = ctx.get('Authorization');
  if (header) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
  }
  const q = ctx.query.access_token;
  if (typeof q === 'string' && q) return q;
  // Directus's session cookie, for reads only: a same-origin <img src="/assets/…"> of an extension
  // carries the admin app's session; it can authorize no change (the app sets it SameSite=Strict).
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return ctx.cookies.get(SESSION_COOKIE) || null;
  return null;
}

/** The cookie Directus's app keeps its session in (SESSION_COOKIE_NAME's default). */
const SESSION_COOKIE = 'directus_session_token';

/**
 * The koa application: errors → Directus shape, body parsing, authentication and schema on
 * every request, then the mounts that endpoint extensions (built-ins included) registered.
 * The core mounts nothing else.
 */
export function createHttpApp(kernel: Kernel): Koa {
  const app = new Koa({ proxy: kernel.config.trustProxy });
  app.silent = true;
  app.use(responseEvents(kernel.emitter));
  app.use(errorHandler(kernel.logger, kernel.emitter));
  // Directus's batch delete takes its keys or query in a DELETE body, and SEARCH its query.
  const parsedMethods = ['POST', 'PUT', 'PATCH', 'DELETE', 'SEARCH'];
  app.use(leanJsonBody({ limit: kernel.config.maxPayloadSize, methods: parsedMethods }));
  app.use(
    bodyParser({
      enableTypes: ['json', 'form', 'text'],
      parsedMethods,
      jsonLimit: kernel.config.maxPayloadSize,
      onError(err) {
        throw errors.INVALID_PAYLOAD({ reason: `The request body could not be parsed: ${err.message}` });
      },
    }),
  );
  app.use(async (ctx: Context, next: Next) => {
    ctx.state.token = bearer(ctx);
    ctx.state.accountability = await kernel.auth.authenticate(ctx.state.token, ctx.ip, ctx.req);
    ctx.state.schema = await kernel.schema.get();
    await next();
  });
  app.use(async (ctx: Context) => {
    if (ctx.path === '/' && ctx.method === 'GET') return ctx.redirect('/admin');
    // Express middleware and routes that init hooks added run around the mounts; without any, koa dispatches directly.
    if (
      kernel.express.used()
        ? await kernel.express.handle(ctx, kernel.mounts.dispatch)
        : await kernel.mounts.dispatch(ctx)
    )
      return;
    if (await notFoundHandled(kernel.emitter, ctx)) return;
    throw errors.ROUTE_NOT_FOUND({ path: ctx.path });
  });
  return app;
}
