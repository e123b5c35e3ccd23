import type { IncomingMessage, ServerResponse } from 'node:http';
import cookieParser from 'cookie-parser';
import qs from 'qs';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { Context } from 'koa';
import { errors } from '../errors.js';
import { getSanitizedQuery, type SanitizedQuery } from './sanitized-query.js';

/*
 * Trusted endpoints and init hooks get real Express (the major Directus ships). Express runs on
 * the node request and response koa already holds: koa authenticates and parses the body, this
 * bridge sets what Directus's middlewares set (`accountability`, `schema`, `token`, `body`,
 * `sanitizedQuery`, `cookies`) and hands the pair to an Express app. When Express answers, koa
 * steps aside (`ctx.respond = false`); when it calls its final `next()`, koa goes on.
 */

/** Express's request with what Directus's middlewares add. */
export type DirectusRequest = Request & {
  accountability: unknown;
  schema: unknown;
  token: string | null;
  sanitizedQuery: Readonly<SanitizedQuery>;
};

const DECORATED = Symbol('annex.expressDecorated');
const HANDOFF = Symbol('annex.expressHandoff');

type Handoff = (next: NextFunction) => void;
type NodeRequest = IncomingMessage & { [DECORATED]?: true; [HANDOFF]?: Handoff; [key: string]: unknown };

/**
 * Express 4's own (`extended`) query parser, qs, except that a key naming `__proto__`,
 * `constructor` or `prototype` is INVALID_QUERY instead of being dropped without a word.
 */
export function parseQueryString(text: string): Record<string, unknown> {
  for (const key of new URLSearchParams(text).keys()) {
    if (key.split(/[[\]]/).some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) {
      throw errors.INVALID_QUERY({ reason: `"${key}" is not allowed.` });
    }
  }
  return qs.parse(text, { allowPrototypes: true });
}

/** An Express application set up as Directus sets up its own. */
export function createExpressApp(options: { trustProxy: boolean }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('query parser fn', parseQueryString);
  return app;
}

/** Sets on the node request, once, the fields Directus's middlewares set before any route. */
function decorate(ctx: Context): void {
  const req = ctx.req as NodeRequest;
  if (req[DECORATED]) return;
  req[DECORATED] = true;
  req.accountability = ctx.state.accountability ?? null;
  req.schema = ctx.state.schema;
  req.token = ctx.state.token ?? null;
  const request = ctx.request as { body?: unknown; rawBody?: unknown };
  // Directus runs express.json() on every request: `req.body` is at least `{}`. `_body` tells an
  // extension's own body parser that koa already read the stream.
  req.body = request.body ?? {};
  if (request.rawBody !== undefined) req._body = true;
  let sanitized: unknown;
  Object.defineProperty(req, 'sanitizedQuery', {
    configurable: true,
    enumerable: true,
    // Computed on first read from Express's parsed `req.query`; an invalid query throws INVALID_QUERY there.
    get(this: { query?: Record<string, unknown> }) {
      return (sanitized ??= getSanitizedQuery(this.query));
    },
    set(value: unknown) {
      sanitized = value;
    },
  });
}

/**
 * Runs `app` on the request of `ctx`. Resolves true when the request was answered (by Express, or
 * by koa through a handoff layer), false when Express fell through; rejects with the error Express
 * ended with.
 */
export function runExpress(app: Express, ctx: Context, handoff?: (ctx: Context) => Promise<boolean>): Promise<boolean> {
  decorate(ctx);
  const req = ctx.req as NodeRequest;
  const res = ctx.res as ServerResponse;
  const reqProto = Object.getPrototypeOf(req);
  const url = req.url;
  const resProto = Object.getPrototypeOf(res);
  const koaStatus = res.statusCode;
  // koa starts every response at 404; Express (and node) start at 200.
  if (!res.headersSent) res.statusCode = 200;
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      res.off('finish', answered);
      res.off('close', answered);
      if (handoff) delete req[HANDOFF];
      // Another Express app may run on this request next (or koa): give the objects back as they were.
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      // Express leaves the mount-relative url behind once a route answered; koa (paths, logs) needs the real one.
      req.url = url;
      fn();
    };
    function answered() {
      settle(() => {
        ctx.respond = false;
        resolve(true);
      });
    }
    res.once('finish', answered);
    res.once('close', answered);
    if (handoff) {
      req[HANDOFF] = (next) => {
        handoff(ctx).then(
          (handled) => (handled ? settle(() => resolve(true)) : next()),
          (error) => next(error),
        );
      };
    }
    app(req as unknown as Request, res as unknown as Response, (error?: unknown) => {
      if (settled) return;
      if (res.headersSent) {
        // Headers are out but the body never ended: nothing can be answered any more; close it.
        if (error) res.destroy(error instanceof Error ? error : undefined);
        return answered();
      }
      settle(() => {
        res.statusCode = koaStatus;
        if (error !== undefined && error !== null && error !== 'router' && error !== 'route') reject(error);
        else resolve(false);
      });
    });
  });
}

/**
 * The Express app a trusted endpoint's router is mounted in: the first path segment (the mount id
 * koa already matched) becomes `req.baseUrl`, the rest `req.url`, as under Directus's `/<id>` mount.
 */
export function createEndpointApp(router: Router, options: { trustProxy: boolean }): Express {
  const app = createExpressApp(options);
  app.use(cookieParser() as unknown as RequestHandler);
  app.use(/^\/[^/?]+/, router);
  return app;
}

/** The layer standing for all koa mounts (core routes and extensions' endpoints) in the host app. */
function mountsLayer(req: Request, _res: Response, next: NextFunction): void {
  const handoff = (req as unknown as NodeRequest)[HANDOFF];
  if (handoff) handoff(next);
  else next();
}

/**
 * The host's Express app, handed to init hooks (`app.before`, `middlewares.*`, `routes.*`) as
 * Directus hands its own: what they `use()` before `mountRoutes()` runs in front of every route;
 * what they add after runs for requests no route answered.
 */
export function createHostExpress(options: { trustProxy: boolean }) {
  const app = createExpressApp(options);
  app.use(cookieParser() as unknown as RequestHandler);
  const stack = (): { handle: unknown }[] =>
    (app as unknown as { _router?: { stack: { handle: unknown }[] } })._router?.stack ?? [];
  const base = new Set(stack().map((l) => l.handle));
  let mounted = false;
  return {
    app,
    /** Places the routes (koa's mounts) in the app's stack; called once, after `routes.custom.before`. */
    mountRoutes(): void {
      if (mounted) return;
      mounted = true;
      app.use(mountsLayer);
    },
    /** True when an extension added anything: otherwise requests skip Express entirely. */
    used(): boolean {
      return stack().some((l) => !base.has(l.handle) && l.handle !== mountsLayer);
    },
    /** Runs a request through the app; `dispatch` answers the routes layer. */
    handle(ctx: Context, dispatch: (ctx: Context) => Promise<boolean>): Promise<boolean> {
      this.mountRoutes();
      return runExpress(app, ctx, dispatch);
    },
    /**
     * Runs `fn` (an init handler) and returns a disposer removing the layers it added to the app,
     * so a hook that is disabled or reloaded takes its middleware with it.
     */
    async track(fn: () => unknown): Promise<() => void> {
      const before = new Set(stack());
      await fn();
      const added = stack().filter((l) => !before.has(l));
      return () => {
        const s = stack();
        for (const layer of added) {
          const i = s.indexOf(layer);
          if (i !== -1) s.splice(i, 1);
        }
      };
    },
  };
}

export type HostExpress = ReturnType<typeof createHostExpress>;
