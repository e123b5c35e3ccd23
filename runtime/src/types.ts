import type { Scopes } from '@annex/protocol';
import type { ErrorRecord } from '@annex/protocol';

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
  /** Pending timers (setTimeout/setInterval) per isolate; more throw RT_TIMER_LIMIT (default 1000). */
  maxTimers: number;
  /** Capability calls awaiting the host per isolate; more reject with RT_BUSY (default 256). */
  maxPendingCapabilityCalls: number;
  /** Capability calls per second, in a call or in the background; more reject with RT_RATE_LIMITED, a fault; refused for over a second, the isolate is re-created (default 10000). */
  maxCapabilityCallsPerSecond: number;
  /** Capability calls per second while no call is in flight (loops a returned call left behind, timers); charged on top of the overall rate, same outcome (default 200). */
  maxBackgroundCapabilityCallsPerSecond: number;
  /** Share of one CPU that work no call waits for (continuations after awaits, timers) may use over 5 s (default 0.5). */
  backgroundCpuShare: number;
  /** `request()` calls in flight per extension; more reject with RT_BUSY (default 8). */
  maxPendingRequests: number;
  /** Routes an endpoint may register (default 100). */
  maxRoutes: number;
  /** Filter, action and init handlers a hook may register (default 100). */
  maxEventHandlers: number;
  /** Schedules a hook may register (default 10). */
  maxSchedules: number;
  /** Embeds a hook may register (default 10). */
  maxEmbeds: number;
}

/**
 * Who a call acts for. Plain data. The runtime adds a `token` (valid only while that call runs)
 * to the copy the extension sees; `items(collection, { accountability })` presents it to act as
 * this user, and CapabilityHost.items then receives the very object the host passed to `call`
 * (so the host can link it back to its own accountability by identity).
 */
export interface CallAccountability {
  user: string | null;
  role: string | null;
  admin: boolean;
  app?: boolean;
  ip?: string | null;
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
  /** Process engine: pin to this worker index (modulo the pool size); default least-loaded. */
  worker?: number;
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

export interface CallOptions {
  /**
   * Route handlers: an object body comes back already serialised, as `{ status, headers?, json }`
   * (the isolate runs `JSON.stringify`, so `toJSON` applies as in `res.json`), for a caller that
   * sends it as an `application/json` response. Other bodies come back as `body`.
   */
  jsonBody?: boolean;
  /**
   * The caller vouches that `args` is JSON data (what `JSON.parse` returns, or built from
   * strings, finite numbers, booleans, null, arrays and plain objects). It then crosses as JSON
   * text, measured by that text's length, without the walk that checks arbitrary values. A
   * value JSON cannot write (a cycle, a BigInt) fails with INVALID_PAYLOAD; one it would change
   * (undefined, a function) is written as JSON writes it.
   */
  jsonArgs?: boolean;
}

/** A loaded sandboxed extension. */
export interface SandboxInstance {
  readonly id: string;
  readonly registrations: SandboxRegistrations;
  /**
   * Invoke a registered handler. Arguments and the result are copied; a failure rejects
   * with a CodedError (`RT_*` or the extension's own code and status). `args` per kind:
   * route `[req]` with `{method, url, path, query, params, headers, body}` → `{status, headers?, body}`;
   * filter `[payload, meta, context]` → new payload or undefined (unchanged); action `[meta, context]`;
   * init `[meta]`; schedule `[]`; operation `[options, {data, ...}]` → result (undefined → null).
   * The runtime sets `accountability` (plus a call-scoped `token`) on `req` / the context argument.
   */
  call(
    handler: number,
    args: unknown[],
    accountability?: CallAccountability | null,
    options?: CallOptions,
  ): Promise<unknown>;
  stats(): SandboxStats;
  /** Dispose the isolate; in-flight calls fail with RT_DISPOSED. Idempotent. */
  dispose(): Promise<void>;
  /** Clear the fault history and lift a quarantine (admin action). */
  resetQuarantine(): void;
  /** Process engine: index of the worker hosting this instance; undefined for the inline engine. */
  readonly worker: number | undefined;
}

/** Host side of capability calls: the runtime validated name, scope and arguments already. */
export interface CapabilityHost {
  items(
    ext: { id: string; granted: Scopes },
    method: 'readByQuery' | 'readOne' | 'createOne' | 'updateOne' | 'deleteOne',
    args: unknown[],
    accountability: CallAccountability | null,
  ): Promise<unknown>;
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
  /** Process engine: the worker pool (index, pid, hosted instance ids, restarts); [] for inline. */
  workers(): SandboxWorkerInfo[];
  /** Process engine: starts the first worker now, so its start overlaps the caller's other work (boot). */
  warm?(): void;
  /** Process engine, tests and operators: SIGKILL one worker; the supervisor restarts it. */
  killWorker(index: number): Promise<void>;
}

export interface SandboxWorkerInfo {
  index: number;
  pid: number | undefined;
  instances: string[];
  restarts: number;
  state: 'starting' | 'ready' | 'restarting' | 'closed';
}

/** Something an operator should see, reported through `SandboxEngineOptions.onEvent`. */
export type SandboxEvent =
  | { type: 'fault'; id: string; error: ErrorRecord }
  | { type: 'quarantined'; id: string; error: ErrorRecord | null }
  | { type: 'quarantine-reset'; id: string }
  | { type: 'recreated'; id: string; reason: string }
  | { type: 'worker-exit'; worker: number; pid: number | undefined; code: number | null; signal: string | null }
  | { type: 'worker-restarted'; worker: number; pid: number | undefined };

/** Pino-compatible logger subset: `(obj, msg)` or `(msg)`. */
export interface RuntimeLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child?(bindings: Record<string, unknown>): RuntimeLogger;
}

/** A DNS lookup returning every address of `hostname` (injectable for tests). */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface RequestOptions {
  /** Whole request including redirects, ms (default 10000). */
  timeoutMs: number;
  /** Response body cap, bytes (default 4 MB). */
  maxResponseBytes: number;
  /** Redirects followed, each re-checked against the scope (default 5). */
  maxRedirects: number;
  /** DNS lookup used to resolve and pin hosts; default `dns.promises.lookup(all)`. */
  lookup?: LookupFunction;
  /** IPs or CIDRs exempt from the private-address deny list (operators' internal APIs). */
  allowAddresses?: string[];
}

export interface SandboxEngineOptions {
  /** `process` (default): isolates in supervised child processes; `inline`: in this process. */
  kind?: 'process' | 'inline';
  /** Most worker processes of the process engine (default 2); they start on demand, see `instancesPerWorker`. */
  workers?: number;
  /**
   * Process engine: a further worker starts only when every running one holds this many
   * instances (or a spec is pinned to it). 0 (default) spreads over `workers` from the start.
   */
  instancesPerWorker?: number;
  capabilityHost: CapabilityHost;
  logger?: RuntimeLogger;
  /** Engine-wide limit defaults; a spec's `limits` override them. */
  defaults?: Partial<SandboxLimits>;
  request?: Partial<RequestOptions>;
  /** State changes, faults, quarantines and worker restarts. */
  onEvent?: (event: SandboxEvent) => void;
  /** Process engine: a worker silent for this long is killed and restarted (default 15000). */
  hangTimeoutMs?: number;
}
