import type { Accountability } from '../types/accountability.js';

/** A request made through `harness.request()`. */
export interface HarnessRequestInit {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  /** Who makes the request (default: the harness's accountability). */
  accountability?: Accountability | null;
}

export interface HarnessResponse<TBody = unknown> {
  status: number;
  headers: Record<string, string>;
  body: TBody;
}

/** A request as it reaches a mounted endpoint (path relative to the mount). */
export interface DispatchRequest {
  method: string;
  url: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
  accountability: Accountability | null;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** An outgoing `request()` an extension made. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockResponse {
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  data?: unknown;
}
export type RequestMatcher = string | RegExp | ((request: RecordedRequest) => boolean);
export type MockHandler = MockResponse | ((request: RecordedRequest) => MockResponse | Promise<MockResponse>);

/** What a loader (trusted or sandboxed) hands the harness. */
export interface LoadedApi {
  endpoints: { mount: string; handle(req: DispatchRequest): Promise<HarnessResponse | null> }[];
  filters: {
    event: string;
    run(payload: unknown, meta: Record<string, unknown>, accountability: Accountability | null): Promise<unknown>;
  }[];
  actions: {
    event: string;
    run(meta: Record<string, unknown>, accountability: Accountability | null): Promise<void>;
  }[];
  inits: { event: string; run(meta: Record<string, unknown>): Promise<void> }[];
  schedules: { cron: string; run(): Promise<void> }[];
  embeds: { position: 'head' | 'body'; html: string }[];
  operations: {
    id: string;
    run(
      options: Record<string, unknown>,
      context: { data: Record<string, unknown>; accountability: Accountability | null },
    ): Promise<unknown>;
  }[];
  dispose(): Promise<void>;
}

export function emptyLoaded(): LoadedApi {
  return {
    endpoints: [],
    filters: [],
    actions: [],
    inits: [],
    schedules: [],
    embeds: [],
    operations: [],
    dispose: async () => {},
  };
}

/** Directus's error body for a thrown error (code and status kept when the error has them). */
export function errorResponse(error: unknown): HarnessResponse {
  const e = error as { code?: unknown; status?: unknown; message?: unknown };
  const status = typeof e?.status === 'number' ? e.status : 500;
  const code = typeof e?.code === 'string' ? e.code : 'INTERNAL_SERVER_ERROR';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: { errors: [{ message, extensions: { code } }] },
  };
}
