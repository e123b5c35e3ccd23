import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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
 * Trusted endpoints and init hooks get real Express (the major Directus ships), one application per
 * host as in Directus. Express runs on the node request and response koa already holds: koa
 * authenticates and parses the body; `enter` then does, once per request, what Directus's app does
 * before its routes (Express's own init and query parser, cookie-parser, and what Directus's
 * middlewares set: `accountability`, `schema`, `token`, `body`, `sanitizedQuery`), and each
 * endpoint's router runs under its `/<id>` mount. When Express answers, koa steps aside
 * (`ctx.respond = false`); when it calls its final `next()`, koa goes on.
 */

/** Express's request with what Directus's middlewares add. */
export type DirectusRequest = Request & {
  accountability: unknown;
  schema: unknown;
  token: string | null;
  sanitizedQuery: Readonly<SanitizedQuery>;
};

const ENTERED = Symbol('annex.expressEntered');
const SANITIZED = Symbol('annex.sanitizedQuery');
const HANDOFF = Symbol('annex.expressHandoff');

type Handoff = (next: NextFunction) => void;
type NodeRequest = IncomingMessage & {
  [ENTERED]?: true;
  [SANITIZED]?: unknown;
  [HANDOFF]?: Handoff;
  [key: string]: unknown;
};
type Handle = (req: Request, res: Response, next: NextFunction) => void;

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
  // Directus's sanitize-query middleware, on the request prototype so a request pays for it only when it
  // reads it: computed from Express's parsed `req.query`; an invalid query throws INVALID_QUERY there.
  Object.defineProperty(app.request, 'sanitizedQuery', {
    configurable: true,
    enumerable: true,
    get(this: NodeRequest) {
      return (this[SANITIZED] ??= getSanitizedQuery(this.query as Record<string, unknown> | undefined));
    },
    set(this: NodeRequest, value: unknown) {
      this[SANITIZED] = value;
    },
  });
  return app;
}

/**
 * Runs an Express handle (an app or a router) on the request of `ctx`. Resolves true when the
 * request was answered (by Express, or by koa through a handoff layer), false when Express fell
 * through; rejects with the error Express ended with.
 */
export function runExpress(
  handle: Handle,
  ctx: Context,
  handoff?: (ctx: Context) => Promise<boolean>,
): Promise<boolean> {
  const req = ctx.req as NodeRequest;
  const res = ctx.res as ServerResponse;
  const url = req.url;
  const koaStatus = res.statusCode;
  // koa starts every response at 404; Express (and node) start at 200.
  if (!res.headersSent) res.statusCode = 200;
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let listening = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (listening) {
        res.off('finish', answered);
        res.off('close', answered);
      }
      if (handoff) req[HANDOFF] = undefined;
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
    if (handoff) {
      req[HANDOFF] = (next) => {
        handoff(ctx).then(
          (handled) => (handled ? settle(() => resolve(true)) : next()),
          (error) => next(error),
        );
      };
    }
    handle(req as unknown as Request, res as unknown as Response, (error?: unknown) => {
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
    if (settled) return;
    // Most routes answer before returning (`res.send` in a synchronous handler): no listeners needed.
    if (res.writableEnded) return answered();
    listening = true;
    res.once('finish', answered);
    res.once('close', answered);
  });
}

function requestClass(proto: object): typeof IncomingMessage {
  function AnnexRequest(this: IncomingMessage, socket: Socket) {
    IncomingMessage.call(this, socket);
  }
  AnnexRequest.prototype = proto;
  return AnnexRequest as unknown as typeof IncomingMessage;
}

function responseClass(proto: object): typeof ServerResponse {
  function AnnexResponse(this: ServerResponse, req: IncomingMessage, options?: unknown) {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(
      this,
      req,
      options,
    );
  }
  AnnexResponse.prototype = proto;
  return AnnexResponse as unknown as typeof ServerResponse;
}

/** The layer standing for all koa mounts (core routes and extensions' endpoints) in the host app. */
function mountsLayer(req: Request, _res: Response, next: NextFunction): void {
  const handoff = (req as unknown as NodeRequest)[HANDOFF];
  if (handoff) handoff(next);
  else next();
}

/**
 * The host's Express app. Endpoints' routers run on its request and response; init hooks get it
 * (`app.before`, `middlewares.*`, `routes.*`) as Directus hands its own: what they `use()` before
 * `mountRoutes()` runs in front of every route; what they add after runs for requests no route answered.
 */
export function createHostExpress(options: { trustProxy: boolean }) {
  const app = createExpressApp(options);
  const parseCookies = cookieParser() as unknown as Handle;
  app.use(parseCookies as unknown as RequestHandler);
  const queryParser = app.get('query parser fn') as typeof parseQueryString;
  const stack = (): { handle: unknown }[] =>
    (app as unknown as { _router?: { stack: { handle: unknown }[] } })._router?.stack ?? [];
  const base = new Set(stack().map((l) => l.handle));
  let mounted = false;
  const noop = () => {};

  /**
   * Once per request: Express's init (`req.res`, `res.req`, the app's request and response
   * prototypes, `res.locals`) and query parser, cookie-parser, and what Directus's middlewares set
   * on the request. The app's own init layers see it done and leave it as it is.
   */
  function enter(ctx: Context): void {
    const req = ctx.req as NodeRequest;
    if (req[ENTERED]) return;
    req[ENTERED] = true;
    const res = ctx.res as ServerResponse & { req?: unknown; locals?: unknown };
    req.res = res;
    res.req = req;
    // Born with these prototypes when the server was made with `serverOptions()`; changing an
    // object's prototype costs V8 more than the rest of Express's routing, so only when it was not.
    if (Object.getPrototypeOf(req) !== app.request) Object.setPrototypeOf(req, app.request);
    if (Object.getPrototypeOf(res) !== app.response) Object.setPrototypeOf(res, app.response);
    res.locals ??= Object.create(null);
    req.query = queryParser(ctx.querystring);
    parseCookies(req as unknown as Request, res as unknown as Response, noop);
    req.accountability = ctx.state.accountability ?? null;
    req.schema = ctx.state.schema;
    req.token = ctx.state.token ?? null;
    const request = ctx.request as { body?: unknown; rawBody?: unknown };
    // Directus runs express.json() on every request: `req.body` is at least `{}`. `_body` tells an
    // extension's own body parser that koa already read the stream.
    req.body = request.body ?? {};
    if (request.rawBody !== undefined) req._body = true;
  }

  return {
    app,
    /**
     * `http.createServer` options whose requests and responses are born as this app's (node's
     * classes with Express's request and response prototypes in between), so neither `enter` nor
     * Express's own init has to change them.
     */
    serverOptions(): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
      return { IncomingMessage: requestClass(app.request), ServerResponse: responseClass(app.response) };
    },
    /** Places the routes (koa's mounts) in the app's stack; called once, after `routes.custom.before`. */
    mountRoutes(): void {
      if (mounted) return;
      mounted = true;
      app.use(mountsLayer);
    },
    /** True when an extension added anything: otherwise requests skip the app's stack entirely. */
    used(): boolean {
      return stack().some((l) => !base.has(l.handle) && l.handle !== mountsLayer);
    },
    /** Runs a request through the app; `dispatch` answers the routes layer. */
    handle(ctx: Context, dispatch: (ctx: Context) => Promise<boolean>): Promise<boolean> {
      this.mountRoutes();
      enter(ctx);
      return runExpress(app as unknown as Handle, ctx, dispatch);
    },
    /**
     * A trusted endpoint's mount: its router under the first path segment (the mount id koa already
     * matched), which becomes `req.baseUrl`, the rest `req.url`, as under Directus's `/<id>` mount.
     */
    mount(router: Router): (ctx: Context) => Promise<boolean> {
      const mountRouter = express.Router();
      mountRouter.use(/^\/[^/?]+/, router);
      return (ctx) => {
        enter(ctx);
        return runExpress(mountRouter as unknown as Handle, ctx);
      };
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
