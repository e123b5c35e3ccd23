import type {
  ErrorRequestHandler as ExpressErrorRequestHandler,
  NextFunction as ExpressNextFunction,
  Request,
  RequestHandler as ExpressRequestHandler,
  Response,
  Router,
} from 'express';
import type { Accountability } from './accountability.js';
import type { ApiExtensionContext, ExtensionEmitter } from './api-context.js';
import type { SchemaOverview } from './schema.js';
import type { Query } from './query.js';

/*
 * Trusted endpoints get a real `express.Router()` (Express 4, as Directus ships), so their types are
 * Express's own, from @types/express, as in Directus's SDK. The fields Directus's middlewares set on
 * every request are added to Express's Request, as Directus's api/src/types/express.d.ts does.
 */
declare global {
  namespace Express {
    interface Request {
      /** Who is calling; null for the public. */
      accountability?: Accountability | null;
      /** The schema overview of this request. */
      schema: SchemaOverview;
      /** The Directus-sanitised query (`fields`, `filter`, `sort`, `limit` … parsed); `{}` when none. */
      sanitizedQuery: Query;
      /** The bearer token (header, `access_token` query or session cookie), or null. */
      token: string | null;
    }
  }
}

/** The router a trusted endpoint registers its routes on: Express's `Router`. */
export type EndpointRouter = Router;
/** Express's request, with `accountability`, `schema`, `sanitizedQuery` and `token`. */
export type EndpointRequest<TBody = any> = Request<Request['params'], any, TBody>;
/** Express's response. */
export type EndpointResponse = Response;
export type NextFunction = ExpressNextFunction;
export type RequestHandler = ExpressRequestHandler;
export type ErrorRequestHandler = ExpressErrorRequestHandler;

export type EndpointExtensionContext = ApiExtensionContext & { emitter: ExtensionEmitter };

export type EndpointConfigFunction = (router: Router, context: EndpointExtensionContext) => void;
/** A trusted endpoint: mounted at `/<extension name>` (function form) or `/<id>`. */
export type EndpointConfig = EndpointConfigFunction | { id: string; handler: EndpointConfigFunction };
