import { CAPABILITIES, type Scopes } from '@annex/protocol';
import { SdkErrors } from '../errors.js';
import type { Accountability, Item, PrimaryKey } from '../types/accountability.js';
import type { Query } from '../types/query.js';
import { eventMatches } from './events.js';
import type { ItemsStore } from './items-store.js';
import type { LogEntry, MockHandler, MockResponse, RecordedRequest, RequestMatcher } from './model.js';

/** Everything a fake `directus:api` needs from the harness. */
export interface FakeApiDeps {
  grants: Scopes;
  env: Record<string, string>;
  store: ItemsStore;
  storage: Map<string, unknown>;
  logs: LogEntry[];
  requests: RecordedRequest[];
  mocks: { matcher: RequestMatcher; handler: MockHandler }[];
  emitted: { event: string; payload: unknown }[];
  /** The accountability of the call in flight (items.* act as it). */
  currentAccountability(): Accountability | null;
}

const deny = (capability: string) => SdkErrors.SDK_HARNESS_FORBIDDEN({ capability });

/** Strict URL scope: scheme + host must match exactly, then a path prefix (`*` only at the end). */
export function urlAllowed(url: string, patterns: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  return patterns.some((pattern) => {
    const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
    let base: URL;
    try {
      base = new URL(prefix);
    } catch {
      return false;
    }
    if (base.protocol !== target.protocol || base.host !== target.host) return false;
    return pattern.endsWith('*') ? target.pathname.startsWith(base.pathname) : target.pathname === base.pathname;
  });
}

function matches(matcher: RequestMatcher, req: RecordedRequest): boolean {
  if (typeof matcher === 'string') return req.url === matcher || req.url.startsWith(matcher);
  if (matcher instanceof RegExp) return matcher.test(req.url);
  return matcher(req);
}

/** Answers an outgoing request from the registered mocks (last registered wins). */
export async function answerRequest(deps: FakeApiDeps, req: RecordedRequest): Promise<Required<MockResponse>> {
  deps.requests.push(req);
  const mock = [...deps.mocks].reverse().find((m) => matches(m.matcher, req));
  if (!mock) throw SdkErrors.SDK_HARNESS_NO_MOCK({ method: req.method, url: req.url });
  const res = typeof mock.handler === 'function' ? await mock.handler(req) : mock.handler;
  const status = res.status ?? 200;
  return {
    status,
    statusText: res.statusText ?? (status < 400 ? 'OK' : 'Error'),
    headers: res.headers ?? {},
    data: res.data ?? null,
  };
}

function itemAllowed(grants: Scopes, collection: string, action: 'read' | 'create' | 'update' | 'delete'): boolean {
  return Boolean(grants.items?.[collection]?.includes(action));
}

/** The scope-checked implementation of every capability, keyed by its table name. */
export function createFakeApi(deps: FakeApiDeps): Record<string, (...args: unknown[]) => unknown> {
  const g = deps.grants;
  const item = (action: 'read' | 'create' | 'update' | 'delete', collection: string) => {
    if (!itemAllowed(g, collection, action)) throw deny(`items.${action}:${collection}`);
  };
  const impl: Record<string, (...args: never[]) => unknown> = {
    log: (message: unknown) => {
      if (!g.log) throw deny('log');
      deps.logs.push({ level: 'info', message: typeof message === 'string' ? message : JSON.stringify(message) });
    },
    sleep: async (ms: number) => {
      if (!g.sleep) throw deny('sleep');
      await new Promise((r) => setTimeout(r, Math.min(ms, 1000)));
    },
    request: async (
      url: string,
      options: { method?: string; headers?: Record<string, string> | [string, string][]; body?: unknown } = {},
    ) => {
      const method = options.method ?? 'GET';
      if (!g.request || !urlAllowed(url, g.request.urls) || !(g.request.methods as string[]).includes(method))
        throw deny(`request:${method} ${url}`);
      const headers = Array.isArray(options.headers)
        ? Object.fromEntries(options.headers)
        : { ...(options.headers ?? {}) };
      return answerRequest(deps, {
        method,
        url,
        headers,
        body: options.body === undefined ? null : structuredClone(options.body),
      });
    },
    'items.readByQuery': async (collection: string, query?: Query) => (
      item('read', collection), deps.store.query(collection, query)
    ),
    'items.readOne': async (collection: string, key: PrimaryKey, query?: Query) => {
      item('read', collection);
      const pk = deps.store.primary(collection);
      return deps.store.query(collection, { ...query, filter: { [pk]: { _eq: key } }, limit: 1 })[0] ?? null;
    },
    'items.createOne': async (collection: string, data: Item) => (
      item('create', collection), deps.store.create(collection, data)
    ),
    'items.updateOne': async (collection: string, key: PrimaryKey, data: Item) => (
      item('update', collection), deps.store.update(collection, key, data)
    ),
    'items.deleteOne': async (collection: string, key: PrimaryKey) => (
      item('delete', collection), deps.store.delete(collection, key)
    ),
    env: (name: string) => {
      if (!g.env?.includes(name)) throw deny(`env:${name}`);
      return deps.env[name];
    },
    'storage.get': async (key: string) => {
      if (!g.storage) throw deny('storage');
      return deps.storage.has(key) ? structuredClone(deps.storage.get(key)) : null;
    },
    'storage.set': async (key: string, value: unknown) => {
      if (!g.storage) throw deny('storage');
      deps.storage.set(key, structuredClone(value));
    },
    'storage.delete': async (key: string) => {
      if (!g.storage) throw deny('storage');
      return deps.storage.delete(key);
    },
    emit: async (event: string, payload?: unknown) => {
      if (!g.emit?.some((p) => eventMatches(p, event))) throw deny(`emit:${event}`);
      deps.emitted.push({ event, payload: structuredClone(payload) });
    },
  };
  // Every capability of the runtime's table must have a fake, so a new capability fails loudly here.
  const out: Record<string, (...args: unknown[]) => unknown> = {};
  for (const cap of CAPABILITIES) {
    const fn = impl[cap.name];
    if (!fn) throw new Error(`test harness: no fake for capability "${cap.name}"`);
    out[cap.name] = (...args: unknown[]) => {
      const parsed = cap.args.safeParse(args);
      if (!parsed.success)
        throw Object.assign(
          new TypeError(`Invalid arguments for ${cap.name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`),
          { code: 'RT_INVALID_ARGUMENT', status: 400 },
        );
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  return out;
}

/** The source of the `directus:api` module the emulated sandbox imports (generated from the table). */
export function fakeApiModuleSource(registryKey: string): string {
  const lines = [`const api = globalThis[Symbol.for('annex.harness')].get(${JSON.stringify(registryKey)});`];
  const namespaces = new Map<string, string[]>();
  for (const cap of CAPABILITIES) {
    const [ns, member] = cap.name.split('.');
    if (member) namespaces.set(ns!, [...(namespaces.get(ns!) ?? []), member]);
    else lines.push(`export const ${ns} = (...args) => api[${JSON.stringify(cap.name)}](...args);`);
  }
  for (const [ns, members] of namespaces) {
    lines.push(
      `export const ${ns} = { ${members.map((m) => `${m}: (...args) => api[${JSON.stringify(`${ns}.${m}`)}](...args)`).join(', ')} };`,
    );
  }
  return lines.join('\n') + '\n';
}
