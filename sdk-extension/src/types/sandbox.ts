import type { Accountability, Item } from './accountability.js';

/** What a sandboxed endpoint handler receives (plain data, copied into the isolate). */
export interface SandboxEndpointRequest<TBody = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  path: string;
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  headers: Record<string, string>;
  body: TBody;
  accountability: Accountability | null;
}

/** What a sandboxed endpoint handler returns. */
export interface SandboxEndpointResponse<TBody = unknown> {
  status: number;
  headers?: Record<string, string>;
  body?: TBody;
}

export type SandboxRouteHandler = (
  request: SandboxEndpointRequest,
) => SandboxEndpointResponse | Promise<SandboxEndpointResponse>;

type SandboxRouteMethod = (path: string, handler: SandboxRouteHandler) => void;

/** The router a sandboxed endpoint registers on. */
export interface SandboxEndpointRouter {
  get: SandboxRouteMethod;
  post: SandboxRouteMethod;
  put: SandboxRouteMethod;
  patch: SandboxRouteMethod;
  delete: SandboxRouteMethod;
}

export type SandboxEndpointConfigFunction = (router: SandboxEndpointRouter) => void;
export type SandboxEndpointConfig =
  | SandboxEndpointConfigFunction
  | { id: string; handler: SandboxEndpointConfigFunction };

/** Third argument of sandboxed filter/action handlers: data only, no database handle. */
export interface SandboxEventContext {
  accountability: Accountability | null;
}
export interface SandboxHookMeta {
  event: string;
  collection?: string;
  keys?: (string | number)[];
  key?: string | number;
  payload?: unknown;
  [key: string]: unknown;
}

/** The functions a sandboxed hook registers with. */
export interface SandboxHookRegisterContext {
  filter<T = unknown>(
    event: string,
    handler: (payload: T, meta: SandboxHookMeta, context: SandboxEventContext) => T | void | Promise<T | void>,
  ): void;
  action(event: string, handler: (meta: SandboxHookMeta, context: SandboxEventContext) => void | Promise<void>): void;
  init(event: string, handler: (meta: Record<string, unknown>) => void | Promise<void>): void;
  schedule(cron: string, handler: () => void | Promise<void>): void;
  embed(position: 'head' | 'body', code: string): void;
}
export type SandboxHookConfig = (register: SandboxHookRegisterContext) => void;

/** Second argument of a sandboxed operation handler. */
export interface SandboxOperationContext {
  data: Record<string, unknown>;
  accountability: Accountability | null;
}
export interface SandboxOperationConfig<Options = Record<string, unknown>> {
  id: string;
  handler: (options: Options, context: SandboxOperationContext) => unknown | Promise<unknown>;
}

export type { Item };
