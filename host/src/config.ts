import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_HASH_COST, isHashCost, MAX_HASH_COST, MIN_HASH_COST } from './auth/passwords.js';

/** Typed host configuration. Only this module reads `process.env`. */
export interface HostConfig {
  port: number;
  host: string;
  publicUrl: string;
  /** Addresses a password-reset request may point its link at (PASSWORD_RESET_URL_ALLOW_LIST, comma-separated). */
  resetUrlAllowList: string[];
  /** Addresses an invitation may point its link at (USER_INVITE_URL_ALLOW_LIST, comma-separated). */
  inviteUrlAllowList: string[];
  /** How long a closing host waits for requests in flight before cutting their connections. */
  shutdownTimeoutMs: number;
  db: {
    client: 'sqlite3' | 'pg';
    filename: string;
    connectionString?: string;
    /** SQLite's `synchronous` under WAL: `normal` (better-sqlite3's default) syncs at checkpoints, `full` at every commit. */
    sqliteSynchronous: 'full' | 'normal';
  };
  key: string;
  secret: string;
  /** True when SECRET was generated (tokens do not survive a restart). */
  secretGenerated: boolean;
  accessTokenTtl: string;
  refreshTokenTtlMs: number;
  /** Failed logins allowed per account in `loginWindowMs` (an address gets five times as many); 0 = no limit. */
  loginAttempts: number;
  /** scrypt's N for new password hashes (HASH_MEMORY_COST, KiB): a power of two, 1024–65536. */
  hashCost: number;
  loginWindowMs: number;
  /** Uploaded files: the local storage root (STORAGE_LOCAL_ROOT) and the size limit (FILES_MAX_UPLOAD_SIZE, bytes). */
  files: {
    root: string;
    maxUploadBytes: number;
    importAllowPrivate: boolean;
    /** `/assets` image transformations: the largest width or height, in and out (ASSETS_TRANSFORM_IMAGE_MAX_DIMENSION). */
    transformMaxDimension: number;
    /** Transformations running at once (ASSETS_TRANSFORM_MAX_CONCURRENT); past that, 503. */
    transformMaxConcurrent: number;
    /** Operations a `transforms` query may list (ASSETS_TRANSFORM_MAX_OPERATIONS). */
    transformMaxOperations: number;
    /** How long one transformation may run (ASSETS_TRANSFORM_TIMEOUT: `7500ms`, `8s` or milliseconds). */
    transformTimeoutMs: number;
  };
  /** Directus's EMAIL_* variables: `outbox` only records to annex_outbox; `smtp` also sends. */
  mail: {
    transport: 'outbox' | 'smtp';
    from: string;
    smtp: { host: string; port: number; secure: boolean; ignoreTLS: boolean; user?: string; password?: string };
    /** Attempts per message in all, the first included (EMAIL_RETRY_ATTEMPTS). */
    retryAttempts: number;
    /** Delay before the first retry, doubled for each next one up to an hour (EMAIL_RETRY_DELAY, ms). */
    retryDelayMs: number;
  };
  /** After a host of a cluster failed to fetch a marketplace version another host installed, retry after this many ms. */
  clusterSyncRetryMs: number;
  /** How long an admin change waits for every other listening host of a cluster to apply it (CLUSTER_ACK_TIMEOUT, ms). */
  clusterAckTimeoutMs: number;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy you trust). */
  trustProxy: boolean;
  /** Flows' `request` operation may reach loopback, private and link-local addresses (FLOWS_REQUEST_ALLOW_PRIVATE). */
  flowsRequestAllowPrivate: boolean;
  /** Most tokens a GraphQL document may have (GRAPHQL_QUERY_TOKEN_LIMIT, as in Directus). */
  graphqlTokenLimit: number;
  /** Largest JSON request body, in the `bytes` syntax (`10mb`). */
  maxPayloadSize: string;
  /** Directus's realtime WebSocket API (WEBSOCKETS_*, docs/realtime.md); off unless WEBSOCKETS_ENABLED. */
  websockets: WebSocketsConfig;
  adminEmail?: string;
  adminPassword?: string;
  extensionsPath: string;
  extensionsAutoReload: boolean;
  /** Quiet period before a changed extension reloads (ms). */
  extensionsAutoReloadDebounceMs: number;
  /** Poll the file system instead of using events (CHOKIDAR_USEPOLLING, as Directus documents). */
  extensionsAutoReloadPolling: boolean;
  extensionsMustLoad: boolean;
  /** How long a trusted register() may take before it fails with HOST_REGISTER_TIMEOUT. */
  extensionsRegisterTimeoutMs: number;
  sandbox: {
    engine: 'process' | 'inline';
    /** Most worker processes; see instancesPerWorker. */
    workers: number;
    /** A further worker starts only once every running one holds this many extensions. */
    instancesPerWorker: number;
    memoryMb: number;
    timeoutMs: number;
    wallTimeoutMs: number;
    grant: 'local' | 'all' | 'none';
    /** Per-extension caps and budgets (docs/sandbox-limits.md); unset ones keep the runtime's defaults. */
    limits: SandboxLimitOverrides;
  };
  /** `publicKey`: the registry's ed25519 signing key (PEM) the operator pinned; without it the key is trusted on first use. */
  marketplace: { registry?: string; trust: 'sandbox' | 'verified' | 'all'; token?: string; publicKey?: string };
  /** Variables sandboxed extensions may be granted through `scopes.env`. */
  envAllowList: string[];
  dataDir: string;
  /** Where the host keeps what it can make again: the V8 code cache and transformed entries (ANNEX_CACHE_DIR; `<dataDir>/cache`). */
  cacheDir: string;
  logLevel: string;
  nodeEnv: string;
  /** The process environment snapshot handed to trusted extensions as `env` (Directus compatible). */
  env: Record<string, string>;
}

export interface WebSocketsConfig {
  /** WEBSOCKETS_ENABLED and WEBSOCKETS_REST_ENABLED. */
  enabled: boolean;
  /** WEBSOCKETS_REST_PATH. */
  path: string;
  /** WEBSOCKETS_REST_AUTH: `handshake` (the first message authenticates), `strict` (a token in the URL) or `public`. */
  auth: 'public' | 'handshake' | 'strict';
  /** WEBSOCKETS_REST_AUTH_TIMEOUT (seconds in the environment): the handshake's deadline. */
  authTimeoutMs: number;
  /** WEBSOCKETS_REST_CONN_LIMIT: connections open at once. */
  connectionLimit: number;
  /** WEBSOCKETS_HEARTBEAT_PERIOD (seconds), 0 when WEBSOCKETS_HEARTBEAT_ENABLED is false. */
  heartbeatMs: number;
  /** WEBSOCKETS_MAX_MESSAGE_SIZE (bytes): a larger incoming message closes the connection (1009). */
  maxMessageBytes: number;
  /** WEBSOCKETS_RATE_LIMIT: messages a connection may send per second (bursts of twice that). */
  messagesPerSecond: number;
  /** WEBSOCKETS_MAX_SUBSCRIPTIONS: subscriptions one connection may hold. */
  maxSubscriptions: number;
  /** WEBSOCKETS_MAX_BUFFERED (bytes): a client that lets this much go unread is disconnected (1013). */
  maxBufferedBytes: number;
  /** WEBSOCKETS_MAX_PENDING: changes a GraphQL subscription may fall behind its reader before it ends (LIMIT_EXCEEDED). */
  maxPendingChanges: number;
  /** GraphQL subscriptions over the `graphql-transport-ws` protocol (WEBSOCKETS_GRAPHQL_*). */
  graphql: {
    /** WEBSOCKETS_ENABLED and WEBSOCKETS_GRAPHQL_ENABLED. */
    enabled: boolean;
    /** WEBSOCKETS_GRAPHQL_PATH. */
    path: string;
    /** WEBSOCKETS_GRAPHQL_AUTH: `handshake` (`connection_init` carries the token), `strict` (a token in the URL) or `public`. */
    auth: 'public' | 'handshake' | 'strict';
    /** WEBSOCKETS_GRAPHQL_AUTH_TIMEOUT (seconds in the environment): the deadline of `connection_init`. */
    authTimeoutMs: number;
    /** WEBSOCKETS_GRAPHQL_CONN_LIMIT: connections open at once. */
    connectionLimit: number;
  };
  /** Directus's logs stream for administrators (WEBSOCKETS_LOGS_*). */
  logs: {
    /** WEBSOCKETS_ENABLED and WEBSOCKETS_LOGS_ENABLED. */
    enabled: boolean;
    /** WEBSOCKETS_LOGS_PATH. */
    path: string;
    /** WEBSOCKETS_LOGS_CONN_LIMIT: connections open at once. */
    connectionLimit: number;
  };
}

/** A comma-separated list, its entries trimmed, empty ones left out. */
function csv(value: string | undefined): string[] {
  return (value || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/** Environment names of the sandbox caps an operator may change, by runtime limit name. */
const SANDBOX_LIMIT_ENV = {
  maxRoutes: 'EXTENSIONS_SANDBOX_MAX_ROUTES',
  maxEventHandlers: 'EXTENSIONS_SANDBOX_MAX_HANDLERS',
  maxSchedules: 'EXTENSIONS_SANDBOX_MAX_SCHEDULES',
  maxEmbeds: 'EXTENSIONS_SANDBOX_MAX_EMBEDS',
  maxCapabilityCallsPerSecond: 'EXTENSIONS_SANDBOX_CAPABILITY_RATE',
  maxBackgroundCapabilityCallsPerSecond: 'EXTENSIONS_SANDBOX_BACKGROUND_CAPABILITY_RATE',
  maxPendingRequests: 'EXTENSIONS_SANDBOX_MAX_REQUESTS',
} as const;
export type SandboxLimitOverrides = Partial<Record<keyof typeof SANDBOX_LIMIT_ENV, number>>;

function readSandboxLimitOverrides(env: Record<string, string | undefined>): SandboxLimitOverrides {
  const out: SandboxLimitOverrides = {};
  for (const [limit, name] of Object.entries(SANDBOX_LIMIT_ENV) as [keyof typeof SANDBOX_LIMIT_ENV, string][]) {
    if (env[name] !== undefined && env[name] !== '') out[limit] = int(env[name], 0, name);
  }
  return out;
}

function hashCost(value: string | undefined): number {
  const n = int(value, DEFAULT_HASH_COST, 'HASH_MEMORY_COST');
  if (!isHashCost(n))
    throw new Error(
      `HASH_MEMORY_COST must be a power of two from ${MIN_HASH_COST} to ${MAX_HASH_COST} (KiB; got ${value})`,
    );
  return n;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number (got ${JSON.stringify(value)})`);
  return n;
}

/** A duration as Directus writes it (`7500ms`, `8s`) or a number of milliseconds. */
function milliseconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value);
  if (!m) throw new Error(`${name} must be a duration such as 7500ms or 8s (got ${JSON.stringify(value)})`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** A PEM given inline (`\n` escapes allowed, for one-line environment files) or as a path to a file. */
function pemOrFile(value: string | undefined, cwd: string, name: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim().startsWith('-----BEGIN')
    ? value.replace(/\\n/g, '\n')
    : readPem(path.resolve(cwd, value.trim()), name);
  if (!/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/.test(text.trim()))
    throw new Error(`${name} must be a PEM public key (-----BEGIN PUBLIC KEY-----), inline or in a file`);
  return text.trim();
}

function readPem(file: string, name: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as Error).message})`);
  }
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

type Env = Record<string, string | undefined>;

/**
 * A realtime socket's `WEBSOCKETS_<name>_*` settings: on with WEBSOCKETS_ENABLED unless its own
 * `_ENABLED` is false, its path and its connection limit.
 */
function socketConfig(env: Env, name: 'REST' | 'GRAPHQL' | 'LOGS', defaultPath: string) {
  const key = (setting: string) => `WEBSOCKETS_${name}_${setting}`;
  return {
    enabled: bool(env.WEBSOCKETS_ENABLED, false) && bool(env[key('ENABLED')], true),
    path: env[key('PATH')] || defaultPath,
    connectionLimit: Math.max(0, int(env[key('CONN_LIMIT')], Number.POSITIVE_INFINITY, key('CONN_LIMIT'))),
  };
}

/** A realtime socket's `WEBSOCKETS_<name>_AUTH` mode and `_AUTH_TIMEOUT` (seconds in the environment). */
function socketAuth(env: Env, name: 'REST' | 'GRAPHQL') {
  const key = (setting: string) => `WEBSOCKETS_${name}_${setting}`;
  return {
    auth: oneOf(env[key('AUTH')]?.toLowerCase(), ['handshake', 'strict', 'public'] as const, 'handshake', key('AUTH')),
    authTimeoutMs: 1000 * Math.max(0, int(env[key('AUTH_TIMEOUT')], 10, key('AUTH_TIMEOUT'))),
  };
}

/** Reads the configuration from an environment (Directus variable names where they exist). */
export function readConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): HostConfig {
  const port = int(env.PORT, 8055, 'PORT');
  const host = env.HOST || '0.0.0.0';
  const dataDir = path.resolve(cwd, env.ANNEX_DATA_DIR || 'data');
  const dbClient =
    env.DB_CLIENT === 'pg' || env.DB_CLIENT === 'postgres'
      ? 'pg'
      : oneOf(env.DB_CLIENT, ['sqlite3'] as const, 'sqlite3', 'DB_CLIENT');
  const nodeEnv = env.NODE_ENV || 'development';
  const secretGenerated = !env.SECRET;
  return {
    port,
    host,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    resetUrlAllowList: csv(env.PASSWORD_RESET_URL_ALLOW_LIST),
    inviteUrlAllowList: csv(env.USER_INVITE_URL_ALLOW_LIST),
    shutdownTimeoutMs: int(env.SERVER_SHUTDOWN_TIMEOUT, 1000, 'SERVER_SHUTDOWN_TIMEOUT'),
    db: {
      client: dbClient,
      filename: path.resolve(cwd, env.DB_FILENAME || path.join(dataDir, 'annex.db')),
      connectionString: env.DB_CONNECTION_STRING,
      sqliteSynchronous: oneOf(
        env.DB_SQLITE_SYNCHRONOUS,
        ['normal', 'full'] as const,
        'normal',
        'DB_SQLITE_SYNCHRONOUS',
      ),
    },
    key: env.KEY || 'annex',
    secret: env.SECRET || randomBytes(32).toString('hex'),
    secretGenerated,
    accessTokenTtl: env.ACCESS_TOKEN_TTL || '15m',
    refreshTokenTtlMs: int(env.REFRESH_TOKEN_TTL_MS, 7 * 24 * 3600 * 1000, 'REFRESH_TOKEN_TTL_MS'),
    loginAttempts: int(env.AUTH_LOGIN_ATTEMPTS, 10, 'AUTH_LOGIN_ATTEMPTS'),
    hashCost: hashCost(env.HASH_MEMORY_COST),
    loginWindowMs: int(env.AUTH_LOGIN_WINDOW, 15 * 60 * 1000, 'AUTH_LOGIN_WINDOW'),
    trustProxy: bool(env.IP_TRUST_PROXY, false),
    flowsRequestAllowPrivate: bool(env.FLOWS_REQUEST_ALLOW_PRIVATE, false),
    graphqlTokenLimit: Math.max(100, int(env.GRAPHQL_QUERY_TOKEN_LIMIT, 5000, 'GRAPHQL_QUERY_TOKEN_LIMIT')),
    clusterSyncRetryMs: int(env.CLUSTER_SYNC_RETRY, 30_000, 'CLUSTER_SYNC_RETRY'),
    clusterAckTimeoutMs: int(env.CLUSTER_ACK_TIMEOUT, 2000, 'CLUSTER_ACK_TIMEOUT'),
    files: {
      root: path.resolve(cwd, env.STORAGE_LOCAL_ROOT || path.join(dataDir, 'uploads')),
      maxUploadBytes: int(env.FILES_MAX_UPLOAD_SIZE, 100 * 1024 * 1024, 'FILES_MAX_UPLOAD_SIZE'),
      importAllowPrivate: bool(env.FILES_IMPORT_ALLOW_PRIVATE, false),
      transformMaxDimension: Math.max(
        1,
        int(env.ASSETS_TRANSFORM_IMAGE_MAX_DIMENSION, 6000, 'ASSETS_TRANSFORM_IMAGE_MAX_DIMENSION'),
      ),
      transformMaxConcurrent: Math.max(
        1,
        int(env.ASSETS_TRANSFORM_MAX_CONCURRENT, 4, 'ASSETS_TRANSFORM_MAX_CONCURRENT'),
      ),
      transformMaxOperations: Math.max(
        0,
        int(env.ASSETS_TRANSFORM_MAX_OPERATIONS, 5, 'ASSETS_TRANSFORM_MAX_OPERATIONS'),
      ),
      transformTimeoutMs: Math.max(1000, milliseconds(env.ASSETS_TRANSFORM_TIMEOUT, 7500, 'ASSETS_TRANSFORM_TIMEOUT')),
    },
    mail: {
      transport: oneOf(env.EMAIL_TRANSPORT, ['outbox', 'smtp'] as const, 'outbox', 'EMAIL_TRANSPORT'),
      from: env.EMAIL_FROM || 'no-reply@example.com',
      smtp: {
        host: env.EMAIL_SMTP_HOST || '127.0.0.1',
        port: int(env.EMAIL_SMTP_PORT, 587, 'EMAIL_SMTP_PORT'),
        secure: bool(env.EMAIL_SMTP_SECURE, false),
        ignoreTLS: bool(env.EMAIL_SMTP_IGNORE_TLS, false),
        user: env.EMAIL_SMTP_USER || undefined,
        password: env.EMAIL_SMTP_PASSWORD || undefined,
      },
      retryAttempts: Math.max(1, int(env.EMAIL_RETRY_ATTEMPTS, 5, 'EMAIL_RETRY_ATTEMPTS')),
      retryDelayMs: Math.max(10, int(env.EMAIL_RETRY_DELAY, 30_000, 'EMAIL_RETRY_DELAY')),
    },
    maxPayloadSize: env.MAX_PAYLOAD_SIZE || '10mb',
    websockets: {
      ...socketConfig(env, 'REST', '/websocket'),
      ...socketAuth(env, 'REST'),
      heartbeatMs: bool(env.WEBSOCKETS_HEARTBEAT_ENABLED, true)
        ? 1000 * Math.max(1, int(env.WEBSOCKETS_HEARTBEAT_PERIOD, 30, 'WEBSOCKETS_HEARTBEAT_PERIOD'))
        : 0,
      maxMessageBytes: Math.max(1024, int(env.WEBSOCKETS_MAX_MESSAGE_SIZE, 1024 * 1024, 'WEBSOCKETS_MAX_MESSAGE_SIZE')),
      messagesPerSecond: Math.max(1, int(env.WEBSOCKETS_RATE_LIMIT, 50, 'WEBSOCKETS_RATE_LIMIT')),
      maxSubscriptions: Math.max(1, int(env.WEBSOCKETS_MAX_SUBSCRIPTIONS, 100, 'WEBSOCKETS_MAX_SUBSCRIPTIONS')),
      maxBufferedBytes: Math.max(
        64 * 1024,
        int(env.WEBSOCKETS_MAX_BUFFERED, 8 * 1024 * 1024, 'WEBSOCKETS_MAX_BUFFERED'),
      ),
      maxPendingChanges: Math.max(1, int(env.WEBSOCKETS_MAX_PENDING, 1000, 'WEBSOCKETS_MAX_PENDING')),
      graphql: { ...socketConfig(env, 'GRAPHQL', '/graphql'), ...socketAuth(env, 'GRAPHQL') },
      logs: socketConfig(env, 'LOGS', '/websocket/logs'),
    },
    adminEmail: env.ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD,
    extensionsPath: path.resolve(cwd, env.EXTENSIONS_PATH || 'extensions'),
    extensionsAutoReload: bool(env.EXTENSIONS_AUTO_RELOAD, nodeEnv === 'development'),
    extensionsAutoReloadDebounceMs: int(env.EXTENSIONS_AUTO_RELOAD_DEBOUNCE, 50, 'EXTENSIONS_AUTO_RELOAD_DEBOUNCE'),
    extensionsAutoReloadPolling: bool(env.EXTENSIONS_AUTO_RELOAD_POLLING ?? env.CHOKIDAR_USEPOLLING, false),
    extensionsMustLoad: bool(env.EXTENSIONS_MUST_LOAD, false),
    extensionsRegisterTimeoutMs: int(env.EXTENSIONS_REGISTER_TIMEOUT, 10000, 'EXTENSIONS_REGISTER_TIMEOUT'),
    sandbox: {
      engine: oneOf(
        env.EXTENSIONS_SANDBOX_ENGINE,
        ['process', 'inline'] as const,
        'process',
        'EXTENSIONS_SANDBOX_ENGINE',
      ),
      workers: int(env.EXTENSIONS_SANDBOX_WORKERS, 2, 'EXTENSIONS_SANDBOX_WORKERS'),
      instancesPerWorker: int(
        env.EXTENSIONS_SANDBOX_INSTANCES_PER_WORKER,
        32,
        'EXTENSIONS_SANDBOX_INSTANCES_PER_WORKER',
      ),
      memoryMb: int(env.EXTENSIONS_SANDBOX_MEMORY, 100, 'EXTENSIONS_SANDBOX_MEMORY'),
      timeoutMs: int(env.EXTENSIONS_SANDBOX_TIMEOUT, 1000, 'EXTENSIONS_SANDBOX_TIMEOUT'),
      wallTimeoutMs: int(env.EXTENSIONS_SANDBOX_WALL_TIMEOUT, 10000, 'EXTENSIONS_SANDBOX_WALL_TIMEOUT'),
      grant: oneOf(
        env.EXTENSIONS_SANDBOX_GRANT,
        ['local', 'all', 'none'] as const,
        'local',
        'EXTENSIONS_SANDBOX_GRANT',
      ),
      limits: readSandboxLimitOverrides(env),
    },
    marketplace: {
      registry: env.MARKETPLACE_REGISTRY || undefined,
      trust: oneOf(env.MARKETPLACE_TRUST, ['sandbox', 'verified', 'all'] as const, 'sandbox', 'MARKETPLACE_TRUST'),
      token: env.MARKETPLACE_TOKEN || undefined,
      publicKey: pemOrFile(env.MARKETPLACE_PUBLIC_KEY, cwd, 'MARKETPLACE_PUBLIC_KEY'),
    },
    envAllowList: csv(env.EXTENSIONS_SANDBOX_ENV_ALLOW),
    dataDir,
    // Several hosts may share one (entries are written aside and renamed, and signed with SECRET).
    cacheDir: path.resolve(cwd, env.ANNEX_CACHE_DIR || path.join(dataDir, 'cache')),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    nodeEnv,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}
