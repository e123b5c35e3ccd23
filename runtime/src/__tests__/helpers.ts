import type {
  CallAccountability,
  CapabilityHost,
  SandboxEngine,
  SandboxEngineOptions,
  SandboxEvent,
  SandboxExtensionSpec,
} from '../index.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { createSandboxEngine } from '../index.js';
import type { Scopes } from '@annex/protocol';

export interface RecordedCall {
  kind: 'items' | 'storage' | 'emit' | 'log';
  ext: string;
  method?: string;
  args?: unknown[];
  accountability?: CallAccountability | null;
  level?: string;
  message?: string;
  event?: string;
  payload?: unknown;
}

/** A CapabilityHost that records every call and answers from small in-memory tables. */
export function createFakeHost(
  overrides: Partial<CapabilityHost> = {},
): CapabilityHost & { calls: RecordedCall[]; logs: () => RecordedCall[]; store: Map<string, unknown> } {
  const calls: RecordedCall[] = [];
  const store = new Map<string, unknown>();
  const host: CapabilityHost = {
    async items(ext, method, args, accountability) {
      calls.push({ kind: 'items', ext: ext.id, method, args, accountability });
      if (method === 'readByQuery') return [{ id: 1, title: 'a' }];
      if (method === 'readOne') return { id: args[1], title: 'a' };
      return args[1] ?? 7;
    },
    async storage(ext, method, args) {
      calls.push({ kind: 'storage', ext: ext.id, method, args });
      const key = `${ext.id}:${String(args[0])}`;
      if (method === 'get') return store.get(key) ?? null;
      if (method === 'set') {
        store.set(key, args[1]);
        return undefined;
      }
      return store.delete(key);
    },
    async emit(ext, event, payload) {
      calls.push({ kind: 'emit', ext: ext.id, event, payload });
    },
    log(ext, level, message) {
      calls.push({ kind: 'log', ext: ext.id, level, message });
    },
    ...overrides,
  };
  return Object.assign(host, { calls, store, logs: () => calls.filter((c) => c.kind === 'log') });
}

let seq = 0;
/** A spec for `code`; ids are unique per call unless given. */
export function spec(
  code: string,
  options: Partial<SandboxExtensionSpec> & { scopes?: Scopes } = {},
): SandboxExtensionSpec {
  const { scopes, ...rest } = options;
  return {
    id: `test-ext-${++seq}`,
    version: '1.0.0',
    type: 'endpoint',
    code,
    filename: `/extensions/test-${seq}/dist/index.js`,
    grantedScopes: scopes ?? {},
    env: {},
    ...rest,
  };
}

/** An engine with fast limits for tests; events are collected. */
export function createTestEngine(
  kind: 'inline' | 'process',
  options: Partial<SandboxEngineOptions> = {},
): SandboxEngine & { host: ReturnType<typeof createFakeHost>; events: SandboxEvent[] } {
  const host = (options.capabilityHost as ReturnType<typeof createFakeHost>) ?? createFakeHost();
  const events: SandboxEvent[] = [];
  const engine = createSandboxEngine({
    kind,
    workers: 2,
    capabilityHost: host,
    onEvent: (e) => events.push(e),
    ...options,
    defaults: { cpuTimeoutMs: 250, wallTimeoutMs: 3000, memoryMb: 32, ...options.defaults },
  });
  return Object.assign(engine, { host, events });
}

export const USER: CallAccountability = { user: 'user-1', role: 'editor', admin: false };

/** Expect a promise to reject with a coded error; returns the error. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; status: number; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected the promise to reject');
}

/** An endpoint module whose single GET route runs `body` (an async function body). */
export function route(body: string, imports = ''): string {
  return `${imports}\nexport default (router) => { router.get('/', async (req) => { ${body} }); };`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it holds or `timeoutMs` passes (then fail with `what`). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}

/**
 * The engine a limits suite shares (tight CPU, wall and memory budgets), with a healthy extension
 * beside the attacks: created before the suite's tests, closed after. `expectHealthy()` checks the
 * healthy one still answers.
 */
export function useLimitsEngine(kind: 'inline' | 'process') {
  let healthy: SandboxInstanceLike;
  const suite = {
    engine: undefined as unknown as ReturnType<typeof createTestEngine>,
    async expectHealthy(): Promise<void> {
      expect(await healthy.call(0, [{}])).toEqual({ status: 200, body: 'ok' });
    },
  };
  beforeAll(async () => {
    suite.engine = createTestEngine(kind, { defaults: { cpuTimeoutMs: 150, wallTimeoutMs: 1500, memoryMb: 24 } });
    healthy = await suite.engine.load(spec(route(`return { status: 200, body: 'ok' };`)));
  });
  afterAll(() => suite.engine.close());
  return suite;
}
type SandboxInstanceLike = Awaited<ReturnType<SandboxEngine['load']>>;
