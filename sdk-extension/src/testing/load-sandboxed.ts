import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scopes } from '@annex/protocol';
import type { Accountability } from '../types/accountability.js';
import { matchPath } from './events.js';
import { fakeApiModuleSource } from './fake-api.js';
import { importFresh, moduleDefault } from './load-trusted.js';
import { emptyLoaded, errorResponse, type DispatchRequest, type HarnessResponse, type LoadedApi } from './model.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The registrations shape of the runtime's SandboxInstance (handlers are numeric ids). */
export interface Registrations {
  endpointId?: string;
  routes: { method: Method; path: string; handler: number }[];
  filters: { event: string; handler: number }[];
  actions: { event: string; handler: number }[];
  inits: { event: string; handler: number }[];
  schedules: { cron: string; handler: number }[];
  embeds: { position: 'head' | 'body'; html: string }[];
  operation?: { id: string; handler: number };
}
export type CallFn = (handler: number, args: unknown[], accountability: Accountability | null) => Promise<unknown>;

function toResponse(value: unknown): HarnessResponse {
  const v = (value ?? {}) as { status?: unknown; headers?: unknown; body?: unknown };
  return {
    status: typeof v.status === 'number' ? v.status : 200,
    headers: v.headers && typeof v.headers === 'object' ? (v.headers as Record<string, string>) : {},
    body: v.body ?? null,
  };
}

/** Turns sandbox registrations + a call function into what the harness dispatches to. */
export function fromRegistrations(
  regs: Registrations,
  call: CallFn,
  name: string,
  dispose: () => Promise<void>,
): LoadedApi {
  const out = emptyLoaded();
  out.dispose = dispose;
  if (regs.routes.length > 0) {
    out.endpoints.push({
      mount: '/' + (regs.endpointId ?? name.split(':')[0]),
      async handle(req: DispatchRequest): Promise<HarnessResponse | null> {
        for (const route of regs.routes) {
          if (route.method !== req.method) continue;
          const params = matchPath(route.path, req.path);
          if (!params) continue;
          try {
            return toResponse(await call(route.handler, [{ ...req, params }], req.accountability));
          } catch (error) {
            return errorResponse(error);
          }
        }
        return null;
      },
    });
  }
  for (const f of regs.filters)
    out.filters.push({
      event: f.event,
      run: (payload, meta, acc) => call(f.handler, [payload, meta, { accountability: acc }], acc),
    });
  for (const a of regs.actions)
    out.actions.push({
      event: a.event,
      run: async (meta, acc) => void (await call(a.handler, [meta, { accountability: acc }], acc)),
    });
  for (const i of regs.inits)
    out.inits.push({ event: i.event, run: async (meta) => void (await call(i.handler, [meta], null)) });
  for (const s of regs.schedules)
    out.schedules.push({ cron: s.cron, run: async () => void (await call(s.handler, [], null)) });
  out.embeds.push(...regs.embeds);
  if (regs.operation) {
    const { id, handler } = regs.operation;
    out.operations.push({ id, run: (options, ctx) => call(handler, [options, ctx], ctx.accountability) });
  }
  return out;
}

type Fn = (...args: unknown[]) => unknown;

/**
 * The emulated sandbox: the built module runs in this process with a generated `directus:api`
 * (scope-checked fakes) and every argument and result copied, like the isolate boundary. It is
 * a test double, not a security boundary; the real sandbox is used when the runtime provides it.
 */
export async function loadEmulated(
  file: string,
  type: 'hook' | 'endpoint' | 'operation',
  name: string,
  api: Record<string, Fn>,
): Promise<LoadedApi> {
  const key = randomUUID();
  const registry = ((globalThis as Record<symbol, Map<string, unknown>>)[Symbol.for('annex.harness')] ??= new Map());
  registry.set(key, api);
  const dir = await mkdtemp(join(tmpdir(), 'annex-harness-'));
  const apiFile = join(dir, 'directus-api.mjs');
  await writeFile(apiFile, fakeApiModuleSource(key));
  const code = (await readFile(file, 'utf8'))
    .replace(/(["'])(?:directus|annex):api\1/g, JSON.stringify(pathToFileURL(apiFile).href))
    // Point the source map comment at the original build so stacks map back to the sources.
    .replace(
      /\/\/# sourceMappingURL=(\S+)\s*$/,
      (_m, url: string) => `//# sourceMappingURL=${fileURLToPath(new URL(url, pathToFileURL(file)))}`,
    );
  const entry = join(dir, 'extension.mjs');
  await writeFile(entry, code);
  const config = moduleDefault(await importFresh(entry));

  const handlers: Fn[] = [];
  const id = (fn: unknown) => {
    if (typeof fn !== 'function')
      throw Object.assign(new TypeError('handler must be a function'), { code: 'RT_INVALID_REGISTRATION' });
    handlers.push(fn as Fn);
    return handlers.length - 1;
  };
  const regs: Registrations = { routes: [], filters: [], actions: [], inits: [], schedules: [], embeds: [] };
  if (type === 'endpoint') {
    const c = config as Fn | { id: string; handler: Fn };
    const fn = typeof c === 'function' ? c : c.handler;
    if (typeof c !== 'function') regs.endpointId = c.id;
    const route = (method: Method) => (path: string, handler: unknown) =>
      void regs.routes.push({ method, path, handler: id(handler) });
    fn({ get: route('GET'), post: route('POST'), put: route('PUT'), patch: route('PATCH'), delete: route('DELETE') });
  } else if (type === 'hook') {
    (config as Fn)({
      filter: (event: string, h: unknown) => void regs.filters.push({ event, handler: id(h) }),
      action: (event: string, h: unknown) => void regs.actions.push({ event, handler: id(h) }),
      init: (event: string, h: unknown) => void regs.inits.push({ event, handler: id(h) }),
      schedule: (cron: string, h: unknown) => void regs.schedules.push({ cron, handler: id(h) }),
      embed: (position: 'head' | 'body', html: string) => void regs.embeds.push({ position, html: String(html) }),
    });
  } else {
    const c = config as { id: string; handler: unknown };
    regs.operation = { id: c.id, handler: id(c.handler) };
  }
  const call: CallFn = async (handler, args) => {
    const fn = handlers[handler];
    if (!fn) throw Object.assign(new Error(`unknown handler ${handler}`), { code: 'RT_UNKNOWN_HANDLER' });
    const result = await fn(...structuredClone(args));
    return result === undefined ? undefined : structuredClone(result);
  };
  return fromRegistrations(regs, call, name, async () => {
    registry.delete(key);
    await rm(dir, { recursive: true, force: true });
  });
}

/** The runtime's engine, when it is built and exports `createSandboxEngine`. */
export interface EngineLike {
  load(
    spec: Record<string, unknown>,
  ): Promise<{ registrations: Registrations; call: CallFn; dispose(): Promise<void> }>;
  close(): Promise<void>;
}
export type EngineFactory = (options: Record<string, unknown>) => EngineLike | Promise<EngineLike>;

export async function findEngineFactory(): Promise<EngineFactory | null> {
  try {
    const runtime = (await import('@annex/runtime')) as Record<string, unknown>;
    return typeof runtime.createSandboxEngine === 'function' ? (runtime.createSandboxEngine as EngineFactory) : null;
  } catch {
    return null;
  }
}

/** Loads the built file into the runtime's real sandbox (a worker process by default). */
export async function loadInEngine(
  factory: EngineFactory,
  kind: 'process' | 'inline',
  spec: {
    id: string;
    version: string;
    type: 'hook' | 'endpoint' | 'operation';
    file: string;
    grants: Scopes;
    env: Record<string, string>;
  },
  capabilityHost: Record<string, unknown>,
): Promise<LoadedApi> {
  const engine = await factory({ kind, capabilityHost });
  try {
    const code = await readFile(spec.file, 'utf8');
    const sourceMap = await readFile(spec.file + '.map', 'utf8').catch(() => undefined);
    const instance = await engine.load({
      id: spec.id,
      version: spec.version,
      type: spec.type,
      code,
      filename: spec.file,
      ...(sourceMap ? { sourceMap } : {}),
      grantedScopes: spec.grants,
      env: spec.env,
    });
    return fromRegistrations(
      instance.registrations,
      (h, args, acc) => instance.call(h, args, acc),
      spec.id,
      async () => {
        await instance.dispose();
        await engine.close();
      },
    );
  } catch (error) {
    await engine.close();
    throw error;
  }
}
