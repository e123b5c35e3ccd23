import type { Accountability } from './accountability.js';
import type { ApiExtensionContext, ExtensionEmitter } from './api-context.js';
import type { SchemaOverview } from './schema.js';
import type { Query } from './query.js';

/** The Express-compatible request a trusted endpoint handler receives. */
export interface EndpointRequest<TBody = unknown> {
  method: string;
  url: string;
  originalUrl: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  /** The Directus-sanitised query (`fields`, `filter`, `limit` ... parsed). */
  sanitizedQuery: Query;
  headers: Record<string, string | string[] | undefined>;
  body: TBody;
  accountability: Accountability | null;
  schema: SchemaOverview;
  ip?: string;
  get(header: string): string | undefined;
}

/** The Express-compatible response (the subset Annex implements). */
export interface EndpointResponse {
  statusCode: number;
  headersSent: boolean;
  status(code: number): EndpointResponse;
  json(body: unknown): EndpointResponse;
  send(body?: unknown): EndpointResponse;
  set(field: string, value: string | number | string[]): EndpointResponse;
  set(fields: Record<string, string | number | string[]>): EndpointResponse;
  header(field: string, value: string | number | string[]): EndpointResponse;
  setHeader(field: string, value: string | number | string[]): EndpointResponse;
  getHeader(field: string): string | number | string[] | undefined;
  type(contentType: string): EndpointResponse;
  sendStatus(code: number): EndpointResponse;
  redirect(url: string): void;
  redirect(status: number, url: string): void;
  end(chunk?: string | Uint8Array): EndpointResponse;
}

export type NextFunction = (error?: unknown) => void;
export type RequestHandler = (req: EndpointRequest, res: EndpointResponse, next: NextFunction) => unknown;
export type ErrorRequestHandler = (error: unknown, req: EndpointRequest, res: EndpointResponse, next: NextFunction) => unknown;

type RouteMethod = (path: string, ...handlers: RequestHandler[]) => EndpointRouter;

/** The Express-compatible router a trusted endpoint registers its routes on. */
export interface EndpointRouter {
  get: RouteMethod;
  post: RouteMethod;
  put: RouteMethod;
  patch: RouteMethod;
  delete: RouteMethod;
  all: RouteMethod;
  use(...handlers: (RequestHandler | ErrorRequestHandler)[]): EndpointRouter;
  use(path: string, ...handlers: (RequestHandler | ErrorRequestHandler)[]): EndpointRouter;
}

export type EndpointExtensionContext = ApiExtensionContext & { emitter: ExtensionEmitter };

export type EndpointConfigFunction = (router: EndpointRouter, context: EndpointExtensionContext) => void;
/** A trusted endpoint: mounted at `/<extension name>` (function form) or `/<id>`. */
export type EndpointConfig = EndpointConfigFunction | { id: string; handler: EndpointConfigFunction };
