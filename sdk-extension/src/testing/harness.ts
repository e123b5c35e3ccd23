import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EXTENSION_PKG_KEY, getRequestedScopes, isSandboxed, type Scopes } from '@annex/protocol';
import { SdkErrors } from '../errors.js';
import { formatDiagnostic } from '../internal/diagnostics.js';
import { readManifest } from '../internal/package-json.js';
import { build } from '../node/build.js';
import type { Accountability, Item } from '../types/accountability.js';
import type { ExtensionEmitter } from '../types/api-context.js';
import type { Database } from '../types/database.js';
import type { Logger } from '../types/logger.js';
import type { ExtensionServices } from '../types/services.js';
import { eventMatches } from './events.js';
import { answerRequest, createFakeApi, type FakeApiDeps } from './fake-api.js';
import { ItemsStore } from './items-store.js';
import { findEngineFactory, loadEmulated, loadInEngine } from './load-sandboxed.js';
import { loadTrusted } from './load-trusted.js';
import type {
  HarnessRequestInit,
  HarnessResponse,
  LoadedApi,
  LogEntry,
  MockHandler,
  RecordedRequest,
  RequestMatcher,
} from './model.js';
import { createMemoryServices } from './services.js';

export interface TestHarnessOptions {
  /** The extension folder (with package.json). */
  dir?: string;
  /** Or: a package.json object plus files (relative path → content) written to a temp folder. */
  manifest?: Record<string, unknown>;
  files?: Record<string, string>;
  /** Run `annex-extension build` first (default true), so tests always see current sources. */
  build?: boolean;
  /**
   * Sandboxed extensions: `true`/'process' (default for them) loads into the runtime's sandbox in
   * a worker process, 'inline' in this process's isolate, 'emulated' runs in-process against the
   * fake API without isolation. Falls back to 'emulated' when the runtime is not available.
   * `false` loads a sandboxed build in-process as trusted code.
   */
  sandbox?: boolean | 'process' | 'inline' | 'emulated';
  /** Granted scopes (default: the manifest's requested scopes). */
  grants?: Scopes;
  /** Seed of the in-memory item store: collection → items. */
  items?: Record<string, Item[]>;
  /** Primary key field per collection (default `id`). */
  primaryKeys?: Record<string, string>;
  /** Env variables (trusted `env` and the sandbox's `env()` for granted names). */
  env?: Record<string, string>;
  /** The acting user of requests, events and operations (default: an admin test user). */
  accountability?: Accountability | null;
  /** Replace some of the in-memory services. */
  services?: Partial<ExtensionServices>;
  /** A real database handle for trusted code that queries `database` directly. */
  database?: Database;
}

export type HarnessEngine = 'process' | 'inline' | 'emulated' | 'trusted';

export interface TestHarness {
  readonly dir: string;
  readonly name: string;
  readonly type: string;
  readonly engine: HarnessEngine;
  /** Every log line (logger.* for trusted code, log() for sandboxed code). */
  readonly logs: LogEntry[];
  /** Every outgoing request() the extension made. */
  readonly requests: RecordedRequest[];
  /** Every event the extension emitted through emit(). */
  readonly emitted: { event: string; payload: unknown }[];
  readonly services: ExtensionServices;
  readonly storage: Map<string, unknown>;
  readonly embeds: { position: 'head' | 'body'; html: string }[];
  readonly schedules: string[];
  /** Calls an endpoint. Path is relative to the endpoint's mount (`/` is its root); in a bundle, include the mount (`/<entry>/...`). */
  request<T = unknown>(method: string, path: string, init?: HarnessRequestInit): Promise<HarnessResponse<T>>;
  /** Runs the filters matching `event` in order; returns the final payload. */
  filter<T>(
    event: string,
    payload: T,
    meta?: Record<string, unknown>,
    accountability?: Accountability | null,
  ): Promise<T>;
  /** Runs the actions matching `event` and waits for them. */
  action(event: string, meta?: Record<string, unknown>, accountability?: Accountability | null): Promise<void>;
  init(event: string, meta?: Record<string, unknown>): Promise<void>;
  /** Runs a registered schedule by its index or cron expression. */
  runSchedule(which: number | string): Promise<void>;
  /** Runs the operation (by id when the extension has several). */
  operation<T = unknown>(
    options: Record<string, unknown>,
    context?: { data?: Record<string, unknown>; accountability?: Accountability | null; id?: string },
  ): Promise<T>;
  /** Answers outgoing requests matching `matcher` (URL prefix, RegExp or predicate). */
  mockRequest(matcher: RequestMatcher, response: MockHandler): void;
  /** A snapshot of a collection in the in-memory store. */
  items(collection: string): Item[];
  dispose(): Promise<void>;
}

const DEFAULT_ACCOUNTABILITY: Accountability = {
  user: '00000000-0000-4000-8000-000000000001',
  role: '00000000-0000-4000-8000-000000000002',
  admin: true,
  app: true,
};

function captureLogger(logs: LogEntry[]): Logger {
  const at =
    (level: LogEntry['level']) =>
    (first: unknown, ...rest: unknown[]) => {
      const message =
        typeof first === 'string'
          ? first
          : [typeof rest[0] === 'string' ? rest[0] : '', JSON.stringify(first)].filter(Boolean).join(' ');
      logs.push({ level, message });
    };
  const logger: Logger = {
    trace: at('debug'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('error'),
    child: () => logger,
  };
  return logger;
}

function noDatabase(): Database {
  const fail = () => {
    throw Object.assign(
      new Error('database is not available in the test harness: pass { database } (e.g. a knex instance)'),
      { code: 'SDK_HARNESS_UNSUPPORTED' },
    );
  };
  return new Proxy(fail as unknown as Database, { get: () => fail, apply: fail });
}

async function materialise(options: TestHarnessOptions): Promise<{ dir: string; temp: boolean }> {
  if (options.dir) return { dir: resolve(options.dir), temp: false };
  if (!options.manifest)
    throw SdkErrors.SDK_USAGE({ message: 'createTestHarness needs { dir } or { manifest, files }' });
  const dir = await mkdtemp(join(tmpdir(), 'annex-ext-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify(options.manifest, null, 2));
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    const file = join(dir, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return { dir, temp: true };
}

/** Loads a built API extension (hook, endpoint, operation, bundle) for tests. */
export async function createTestHarness(options: TestHarnessOptions): Promise<TestHarness> {
  const { dir, temp } = await materialise(options);
  if (options.build ?? Boolean(options.dir)) {
    const report = await build({ cwd: dir, minify: false });
    if (!report.ok)
      throw SdkErrors.SDK_BUILD_FAILED(
        { count: report.diagnostics.length },
        { details: { diagnostics: report.diagnostics.map(formatDiagnostic) } },
      );
  }
  const read = await readManifest(dir);
  if (!read.ok) throw SdkErrors.SDK_MANIFEST_INVALID({ message: read.diagnostics.map((d) => d.message).join('; ') });
  const manifest = read.manifest;
  const ext = manifest[EXTENSION_PKG_KEY];
  if (ext.type !== 'hook' && ext.type !== 'endpoint' && ext.type !== 'operation' && ext.type !== 'bundle') {
    throw SdkErrors.SDK_HARNESS_WRONG_TYPE({
      expected: 'hook, endpoint, operation or bundle (use loadAppExtension for app extensions)',
      actual: ext.type,
    });
  }
  const apiPath = typeof ext.path === 'string' ? ext.path : ext.path.api;
  if (!apiPath)
    throw SdkErrors.SDK_HARNESS_WRONG_TYPE({
      expected: 'extension with API code',
      actual: `${ext.type} without path.api`,
    });
  const file = isAbsolute(apiPath) ? apiPath : join(dir, apiPath);
  try {
    await stat(file);
  } catch {
    throw SdkErrors.SDK_HARNESS_NOT_BUILT({ file });
  }

  const logs: LogEntry[] = [];
  const requests: RecordedRequest[] = [];
  const emitted: { event: string; payload: unknown }[] = [];
  const storage = new Map<string, unknown>();
  const mocks: { matcher: RequestMatcher; handler: MockHandler }[] = [];
  const store = new ItemsStore(options.items ?? {}, options.primaryKeys ?? {});
  const env = options.env ?? {};
  const defaultAcc = options.accountability === undefined ? DEFAULT_ACCOUNTABILITY : options.accountability;
  const grants = options.grants ?? getRequestedScopes(ext);
  let loaded: LoadedApi | null = null;
  let disposed = false;
  const live = () => {
    if (disposed || !loaded) throw SdkErrors.SDK_HARNESS_DISPOSED();
    return loaded;
  };

  const runFilters = async (
    events: string[],
    payload: unknown,
    meta: Record<string, unknown>,
    acc: Accountability | null,
  ) => {
    let current = payload;
    for (const event of events) {
      for (const f of live().filters.filter((x) => eventMatches(x.event, event))) {
        const result = await f.run(current, { ...meta, event }, acc);
        if (result !== undefined) current = result;
      }
    }
    return current;
  };
  const runActions = async (events: string[], meta: Record<string, unknown>, acc: Accountability | null) => {
    for (const event of events) {
      await Promise.all(
        live()
          .actions.filter((x) => eventMatches(x.event, event))
          .map((a) => a.run({ ...meta, event }, acc)),
      );
    }
  };

  const services: ExtensionServices = {
    ...createMemoryServices(store, { filter: runFilters, action: runActions }),
    ...options.services,
  };
  const database = options.database ?? noDatabase();
  const logger = captureLogger(logs);
  const emitter: ExtensionEmitter = {
    emitFilter: async (event, payload, meta) =>
      (await runFilters(Array.isArray(event) ? event : [event], payload, meta, defaultAcc)) as typeof payload,
    emitAction: (event, meta) => void runActions(Array.isArray(event) ? event : [event], meta, defaultAcc),
    emitInit: async (event, meta) => {
      await Promise.all(
        live()
          .inits.filter((i) => eventMatches(i.event, event))
          .map((i) => i.run(meta)),
      );
    },
    onFilter: () => {},
    onAction: () => {},
    offFilter: () => {},
    offAction: () => {},
  };
  const fakeDeps: FakeApiDeps = {
    grants,
    env,
    store,
    storage,
    logs,
    requests,
    mocks,
    emitted,
    currentAccountability: () => defaultAcc,
  };

  const sandboxed = isSandboxed(ext) && options.sandbox !== false;
  let engine: HarnessEngine = 'trusted';
  const name = ext.type === 'bundle' ? manifest.name : manifest.name;
  if (sandboxed && ext.type !== 'bundle') {
    // The real engine sends request() to the network, so extensions granted `request` default to
    // the emulated sandbox, where outgoing requests are answered by mocks (ask for 'process' to override).
    const explicit =
      options.sandbox === 'process' || options.sandbox === 'inline' || options.sandbox === 'emulated'
        ? options.sandbox
        : undefined;
    const wanted = explicit ?? (grants.request ? 'emulated' : 'process');
    const factory = wanted === 'emulated' ? null : await findEngineFactory();
    if (factory) {
      engine = wanted;
      loaded = await loadInEngine(
        factory,
        wanted as 'process' | 'inline',
        {
          id: manifest.name,
          version: manifest.version,
          type: ext.type,
          file,
          grants,
          env: Object.fromEntries((grants.env ?? []).filter((n) => n in env).map((n) => [n, env[n]!])),
        },
        {
          items: async (_ext: unknown, method: string, args: unknown[]) =>
            createFakeApi({
              ...fakeDeps,
              grants: {
                ...grants,
                items: Object.fromEntries(
                  Object.keys(grants.items ?? {}).map((c) => [c, ['read', 'create', 'update', 'delete']]),
                ),
              },
            })[`items.${method}`]!(...args),
          storage: async (_ext: unknown, method: string, args: unknown[]) =>
            createFakeApi({ ...fakeDeps, grants: { ...grants, storage: {} } })[`storage.${method}`]!(...args),
          emit: async (_ext: unknown, event: string, payload: unknown) => void emitted.push({ event, payload }),
          log: (_ext: unknown, level: LogEntry['level'], message: string) => void logs.push({ level, message }),
          request: async (_ext: unknown, req: RecordedRequest) => answerRequest(fakeDeps, req),
        },
      );
    } else {
      engine = 'emulated';
      loaded = await loadEmulated(file, ext.type, manifest.name, createFakeApi(fakeDeps));
    }
  } else {
    loaded = await loadTrusted(file, ext.type, name, {
      context: { services, database, env, logger, getSchema: async () => store.schema() },
      emitter,
      eventContext: (accountability) => ({ database, schema: store.schema(), accountability }),
      schema: () => store.schema(),
    });
  }

  const harness: TestHarness = {
    dir,
    name: manifest.name,
    type: ext.type,
    engine,
    logs,
    requests,
    emitted,
    services,
    storage,
    get embeds() {
      return live().embeds;
    },
    get schedules() {
      return live().schedules.map((s) => s.cron);
    },
    async request<T>(method: string, path: string, init: HarnessRequestInit = {}): Promise<HarnessResponse<T>> {
      const api = live();
      const [rawPath, search = ''] = path.split('?');
      const query: Record<string, string | string[]> = {
        ...Object.fromEntries(new URLSearchParams(search)),
        ...(init.query ?? {}),
      };
      const rel = '/' + rawPath!.replace(/^\/+/, '');
      const single = ext.type !== 'bundle' && api.endpoints.length === 1;
      const target = single
        ? api.endpoints[0]
        : api.endpoints.find((e) => rel === e.mount || rel.startsWith(e.mount + '/'));
      const sub = single ? rel : target ? rel.slice(target.mount.length) || '/' : rel;
      const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      if (init.body !== undefined && typeof init.body === 'object') headers['content-type'] ??= 'application/json';
      const req = {
        method: method.toUpperCase(),
        url: path,
        path: sub,
        query,
        headers,
        body: init.body === undefined ? null : structuredClone(init.body),
        accountability: init.accountability === undefined ? defaultAcc : init.accountability,
      };
      const response = target ? await target.handle(req) : null;
      if (!response) {
        const e = SdkErrors.SDK_HARNESS_NO_ROUTE({ method: req.method, path });
        return {
          status: 404,
          headers: {},
          body: { errors: [{ message: e.message, extensions: { code: 'ROUTE_NOT_FOUND' } }] } as T,
        };
      }
      return response as HarnessResponse<T>;
    },
    async filter<T>(
      event: string,
      payload: T,
      meta: Record<string, unknown> = {},
      accountability?: Accountability | null,
    ): Promise<T> {
      return (await runFilters(
        [event],
        payload,
        meta,
        accountability === undefined ? defaultAcc : accountability,
      )) as T;
    },
    async action(event, meta = {}, accountability) {
      await runActions([event], meta, accountability === undefined ? defaultAcc : accountability);
    },
    async init(event, meta = {}) {
      await Promise.all(
        live()
          .inits.filter((i) => eventMatches(i.event, event))
          .map((i) => i.run({ ...meta, event })),
      );
    },
    async runSchedule(which) {
      const list = live().schedules;
      const s = typeof which === 'number' ? list[which] : list.find((x) => x.cron === which);
      if (!s)
        throw SdkErrors.SDK_USAGE({
          message: `no schedule ${JSON.stringify(which)} (registered: ${list.map((x) => x.cron).join(', ') || 'none'})`,
        });
      await s.run();
    },
    async operation<T>(
      opts: Record<string, unknown>,
      context: { data?: Record<string, unknown>; accountability?: Accountability | null; id?: string } = {},
    ): Promise<T> {
      const ops = live().operations;
      const op = context.id ? ops.find((o) => o.id === context.id) : ops[0];
      if (!op) throw SdkErrors.SDK_HARNESS_WRONG_TYPE({ expected: 'operation', actual: ext.type });
      const accountability = context.accountability === undefined ? defaultAcc : context.accountability;
      return (await op.run(structuredClone(opts), { data: context.data ?? {}, accountability })) as T;
    },
    mockRequest(matcher, response) {
      mocks.push({ matcher, handler: response });
    },
    items(collection) {
      return store.all(collection);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await loaded?.dispose();
      } finally {
        if (temp) await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
