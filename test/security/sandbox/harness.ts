import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  createSandboxEngine,
  type CallAccountability,
  type CapabilityHost,
  type SandboxEngine,
  type SandboxEngineOptions,
  type SandboxExtensionSpec,
  type SandboxInstance,
} from '@annex/runtime';

/** A marker file an escaped attacker would write; its existence means the attack succeeded. */
export function createMarker(): { path: string; escaped: () => boolean; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'annex-sec-'));
  const path = join(dir, 'pwned');
  return { path, escaped: () => existsSync(path), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * JS prelude for attacks: `harm(candidate)` tries every way a host `process`, `require` or
 * `Function` could be turned into file-system access, writing MARKER. Returns 'escaped' if any
 * worked; `isForeign(fn)` tells whether a function belongs to another realm.
 */
export function prelude(markerPath: string): string {
  return `
const MARKER = ${JSON.stringify(markerPath)};
function harm(c) {
  const tries = [
    () => c.getBuiltinModule('fs').writeFileSync(MARKER, 'pwned'),
    () => c.mainModule.require('fs').writeFileSync(MARKER, 'pwned'),
    () => c('fs').writeFileSync(MARKER, 'pwned'),
    () => c('return process')().getBuiltinModule('fs').writeFileSync(MARKER, 'pwned'),
    () => c('return process')().mainModule.require('fs').writeFileSync(MARKER, 'pwned'),
    () => c('return require')()('fs').writeFileSync(MARKER, 'pwned'),
  ];
  for (const t of tries) { try { t(); return 'escaped'; } catch (_) {} }
  return 'contained';
}
const LOCAL_FUNCTION_PROTOS = [Function.prototype, Object.getPrototypeOf(async () => {}), Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function* () {})];
/** A function is foreign when its prototype chain never meets this realm's function prototypes. */
function isForeign(fn) {
  if (typeof fn !== 'function' || LOCAL_FUNCTION_PROTOS.includes(fn)) return false;
  let p = fn;
  for (let i = 0; i < 100 && p; i++) { p = Object.getPrototypeOf(p); if (LOCAL_FUNCTION_PROTOS.includes(p)) return false; }
  return true;
}
`;
}

export interface Recorded {
  itemCalls: { method: string; args: unknown[]; accountability: CallAccountability | null }[];
  logLines: { id: string; level: string; message: string }[];
}

/** A CapabilityHost that enforces a tiny role model (viewer may only read) like the real host would. */
export function createHost(): CapabilityHost & Recorded {
  const rec: Recorded = { itemCalls: [], logLines: [] };
  const store = new Map<string, unknown>();
  return Object.assign(rec, {
    async items(_ext: { id: string }, method: string, args: unknown[], accountability: CallAccountability | null) {
      rec.itemCalls.push({ method, args, accountability });
      if (accountability && accountability.role === 'viewer' && method !== 'readByQuery' && method !== 'readOne') {
        throw Object.assign(new Error("You don't have permission to access this."), { code: 'FORBIDDEN', status: 403 });
      }
      return method === 'readByQuery' ? [{ id: 1 }] : { id: 1 };
    },
    async storage(ext: { id: string }, method: string, args: unknown[]) {
      const key = `${ext.id}:${String(args[0])}`;
      if (method === 'get') return store.get(key) ?? null;
      if (method === 'set') store.set(key, args[1]);
      else store.delete(key);
      return undefined;
    },
    async emit() {},
    log(ext: { id: string }, level: string, message: string) {
      rec.logLines.push({ id: ext.id, level, message });
    },
  }) as CapabilityHost & Recorded;
}

let seq = 0;
export function spec(code: string, extra: Partial<SandboxExtensionSpec> = {}): SandboxExtensionSpec {
  seq++;
  return {
    id: `attacker-${seq}`,
    version: '1.0.0',
    type: 'endpoint',
    code,
    filename: `/extensions/attacker-${seq}/index.js`,
    grantedScopes: {},
    env: {},
    ...extra,
  };
}

/** An endpoint whose only route runs `body` and returns its value as the response body. */
export function attackRoute(
  body: string,
  markerPath: string,
  imports = "import * as api from 'directus:api';",
): string {
  return `${imports}\n${prelude(markerPath)}\nexport default (router) => { router.get('/', async (req) => ({ status: 200, body: await (async () => { ${body} })() })); };`;
}

export interface Arena {
  engine: SandboxEngine;
  host: ReturnType<typeof createHost>;
  healthy: SandboxInstance;
  marker: ReturnType<typeof createMarker>;
  /** The healthy extension still answers, and nothing escaped. */
  assertStillServing(): Promise<void>;
  /** Load an attack route, call it once; returns the body or the coded error. */
  run(
    body: string,
    extra?: Partial<SandboxExtensionSpec>,
    accountability?: CallAccountability | null,
  ): Promise<{ body?: unknown; code?: string; details?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function createArena(options: Partial<SandboxEngineOptions> = {}): Promise<Arena> {
  const host = createHost();
  const marker = createMarker();
  const engine = createSandboxEngine({
    kind: 'process',
    workers: 2,
    capabilityHost: host,
    defaults: { cpuTimeoutMs: 200, wallTimeoutMs: 2000, memoryMb: 32 },
    ...options,
  });
  const healthy = await engine.load(
    spec(`export default (r) => { r.get('/', () => ({ status: 200, body: 'healthy' })); };`, { id: 'healthy' }),
  );
  return {
    engine,
    host,
    healthy,
    marker,
    async assertStillServing() {
      expect(await healthy.call(0, [{}])).toEqual({ status: 200, body: 'healthy' });
      expect(marker.escaped()).toBe(false);
    },
    async run(body, extra = {}, accountability = null) {
      const inst = await engine.load(spec(attackRoute(body, marker.path), extra));
      try {
        const res = (await inst.call(0, [{}], accountability)) as { body: unknown };
        return { body: res.body };
      } catch (err) {
        const e = err as { code: string; details?: Record<string, unknown> };
        return { code: e.code, details: e.details };
      } finally {
        await inst.dispose();
      }
    },
    async close() {
      await engine.close();
      marker.cleanup();
    },
  };
}
