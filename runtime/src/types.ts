import type { Scopes } from './protocol/scopes.js';
import type { ErrorRecord } from './protocol/errors.js';

/** The sandboxable API extension kinds (bundles are never sandboxed). */
export type SandboxExtensionType = 'hook' | 'endpoint' | 'operation';

export interface SandboxLimits {
  /** Isolate heap limit in MB (EXTENSIONS_SANDBOX_MEMORY, default 100). */
  memoryMb: number;
  /** CPU time of one synchronous run in ms (EXTENSIONS_SANDBOX_TIMEOUT, default 1000). */
  cpuTimeoutMs: number;
  /** Wall-clock budget of one call, including time after awaited host calls (default 10000). */
  wallTimeoutMs: number;
  /** Calls in flight per extension before new ones fail with RT_BUSY (default 64). */
  maxConcurrentCalls: number;
  /** Max serialised size of arguments and results crossing the boundary (default 4 MB). */
  maxPayloadBytes: number;
  /** console/log lines per second before lines are dropped (default 100). */
  maxLogLinesPerSecond: number;
  /** Faults (timeouts, OOM, crashes) within `faultWindowMs` before quarantine (default 5 in 60000). */
  maxFaults: number;
  faultWindowMs: number;
}

/** Who a call acts for. Plain data; the `token` lets capability calls act as this user. */
export interface CallAccountability {
  user: string | null;
  role: string | null;
  admin: boolean;
  app?: boolean;
  ip?: string | null;
  /** Opaque, host-issued, valid only while the originating call is in flight. */
  token?: string;
}

/** What the host hands the runtime to load one sandboxed extension. */
export interface SandboxExtensionSpec {
  /** Extension id: package name, or `<package>/<entry>`. */
  id: string;
  version: string;
  type: SandboxExtensionType;
  /** The ES module source (one module; only `directus:api`/`annex:api` may be imported). */
  code: string;
  /** Absolute path of the entry file, used in stack traces. */
  filename: string;
  /** Source map JSON of `code`, if the build emitted one (inline or sibling `.map`). */
  sourceMap?: string;
  /** Scopes the admin granted (not the requested ones). */
  grantedScopes: Scopes;
  /** Values of the allow-listed env variables granted by `scopes.env`. */
  env: Record<string, string>;
  limits?: Partial<SandboxLimits>;
}

/** What a sandboxed extension registered while its default export ran. */
export interface SandboxRegistrations {
  /** Endpoint: `{id, handler}` form sets `id`; function form leaves it undefined. */
  endpointId?: string;
  routes: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; handler: number }[];
  filters: { event: string; handler: number }[];
  actions: { event: string; handler: number }[];
  inits: { event: string; handler: number }[];
  schedules: { cron: string; handler: number }[];
  embeds: { position: 'head' | 'body'; html: string }[];
  operation?: { id: string; handler: number };
}

export interface SandboxStats {
  calls: number;
  errors: number;
  timeouts: number;
  /** Total CPU time spent in the isolate, ms. */
  cpuTimeMs: number;
  /** Total wall time of calls, ms. */
  wallTimeMs: number;
  heapUsedBytes: number;
  inFlight: number;
  faults: number;
  quarantined: boolean;
  lastError: ErrorRecord | null;
}

/** A loaded sandboxed extension. */
export interface SandboxInstance {
  readonly id: string;
  readonly registrations: SandboxRegistrations;
  /**
   * Invoke a registered handler. Arguments and the result are copied; a failure rejects
   * with a CodedError (`RT_*` or the extension's own code and status).
   */
  call(handler: number, args: unknown[], accountability?: CallAccountability | null): Promise<unknown>;
  stats(): SandboxStats;
  /** Dispose the isolate; in-flight calls fail with RT_DISPOSED. Idempotent. */
  dispose(): Promise<void>;
}

/** Host side of capability calls: the runtime validated name, scope and arguments already. */
export interface CapabilityHost {
  items(ext: { id: string; granted: Scopes }, method: 'readByQuery' | 'readOne' | 'createOne' | 'updateOne' | 'deleteOne', args: unknown[], accountability: CallAccountability | null): Promise<unknown>;
  storage(ext: { id: string }, method: 'get' | 'set' | 'delete', args: unknown[]): Promise<unknown>;
  emit(ext: { id: string }, event: string, payload: unknown): Promise<void>;
  log(ext: { id: string; version: string }, level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export interface SandboxEngine {
  readonly kind: 'process' | 'inline';
  load(spec: SandboxExtensionSpec): Promise<SandboxInstance>;
  /** Live isolates across all workers (for leak tests and metrics). */
  isolateCount(): Promise<number>;
  /** Dispose every instance and stop workers. */
  close(): Promise<void>;
}
