import { afterEach, describe, expect, it } from 'vitest';
import {
  createSandboxEngine,
  type CapabilityHost,
  type SandboxEngine,
  type SandboxEvent,
  type SandboxExtensionSpec,
  type SandboxInstance,
} from '@annex/runtime';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const host: CapabilityHost = {
  async items() {
    return [];
  },
  async storage(_ext, method) {
    return method === 'get' ? { hits: 1 } : undefined;
  },
  async emit() {},
  log() {},
};

let seq = 0;
function ext(code: string, extra: Partial<SandboxExtensionSpec> = {}): SandboxExtensionSpec {
  seq++;
  return {
    id: `fault-ext-${seq}`,
    version: '1.0.0',
    type: 'endpoint',
    code,
    filename: `/extensions/fault-${seq}/index.js`,
    grantedScopes: { storage: {}, sleep: {} },
    env: {},
    ...extra,
  };
}

const HEALTHY = `import { storage } from 'directus:api';
export default (router) => { router.get('/', async (req) => { const v = await storage.get('k'); return { status: 200, body: { ok: true, n: req.query.n, v } }; }); };`;
const LOOPER = `export default (router) => { router.get('/', () => { while (true) {} }); };`;
const AFTER_AWAIT_LOOPER = `import { sleep } from 'directus:api'; export default (router) => { router.get('/', async () => { await sleep(1); for (;;) {} }); };`;
const ARRAY_BOMB = `export default (router) => { router.get('/', () => { const a = []; while (true) a.push({ s: 'x'.repeat(64) + a.length }); }); };`;
/* Hash-table growth near the limit: a fatal V8 OOM that takes the whole worker process down. */
const MAP_BOMB = `export default (router) => { router.get('/', () => { const m = new Map(); let i = 0; while (true) m.set(i++, String(i).repeat(20)); }); };`;

interface LoadReport {
  ok: number;
  /** When each successful call ended (performance.now()): throughput depends on the machine, ordering does not. */
  okAt: number[];
  failed: { code: string }[];
}
/** Every kill was followed by successful calls: the healthy extension kept being served through each one. */
const servedAfterEach = (report: LoadReport, kills: number[]) =>
  kills.map((k) => report.okAt.filter((t) => t > k).length > 0);

/** Call `inst` continuously with `concurrency` callers until `stop()`; every result is checked. */
function generateLoad(inst: SandboxInstance, concurrency: number): { stop: () => Promise<LoadReport> } {
  const report: LoadReport = { ok: 0, okAt: [], failed: [] };
  let running = true;
  let n = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      const i = ++n;
      try {
        const res = (await inst.call(0, [{ method: 'GET', path: '/', query: { n: i } }])) as {
          status: number;
          body: { ok: boolean; n: number };
        };
        if (res.status === 200 && res.body.ok && res.body.n === i) {
          report.ok++;
          report.okAt.push(performance.now());
        } else report.failed.push({ code: 'WRONG_RESPONSE' });
      } catch (err) {
        report.failed.push({ code: (err as { code: string }).code });
        // A call refused at once (quarantined, disposed) settles in a microtask: yield to timers, or this loop
        // would starve the event loop and `stop()` could never run.
        await new Promise((r) => setImmediate(r));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return report;
    },
  };
}

/** Misbehave for `ms`: every bad extension is called again as soon as its previous call ends. */
async function misbehave(bad: SandboxInstance[], ms: number): Promise<Map<string, string[]>> {
  const codes = new Map<string, string[]>(bad.map((b) => [b.id, []]));
  const end = Date.now() + ms;
  await Promise.all(
    bad.map(async (b) => {
      while (Date.now() < end)
        await b.call(0, [{}]).then(
          () => codes.get(b.id)!.push('OK'),
          (e: { code: string }) => codes.get(b.id)!.push(e.code),
        );
    }),
  );
  return codes;
}

/** Kill worker `index` at each of the given offsets (ms from now); resolves to when each kill was done. */
function killAt(engine: SandboxEngine, index: number, offsets: number[]): Promise<number[]> {
  return Promise.all(
    offsets.map((ms) =>
      sleep(ms)
        .then(() => engine.killWorker(index))
        .then(() => performance.now()),
    ),
  );
}

async function settled(engine: SandboxEngine, index: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (engine.workers()[index].state !== 'ready' && Date.now() < end) await sleep(50);
}

describe('fault isolation under load', () => {
  let engine: SandboxEngine;
  afterEach(() => engine?.close());

  it('a healthy extension on its own worker sees zero failed calls while others loop, blow memory and get their worker killed', async () => {
    const events: SandboxEvent[] = [];
    engine = createSandboxEngine({
      kind: 'process',
      workers: 2,
      capabilityHost: host,
      onEvent: (e) => events.push(e),
      defaults: { cpuTimeoutMs: 300, wallTimeoutMs: 5000, memoryMb: 32 },
    });
    const healthy = await engine.load(ext(HEALTHY, { worker: 0 }));
    const bad = await Promise.all(
      [LOOPER, AFTER_AWAIT_LOOPER, ARRAY_BOMB, MAP_BOMB].map((code) =>
        engine.load(ext(code, { worker: 1, limits: { maxFaults: 1000, memoryMb: 16, cpuTimeoutMs: 1000 } })),
      ),
    );

    const load = generateLoad(healthy, 4);
    const [codes, kills] = await Promise.all([misbehave(bad, 6000), killAt(engine, 1, [1500, 3500])]);
    await settled(engine, 1);
    const report = await load.stop();

    expect(report.failed).toEqual([]);
    expect(servedAfterEach(report, kills)).toEqual([true, true]);
    const [looper, afterAwait, arrayBomb, mapBomb] = bad.map((b) => codes.get(b.id)!);
    expect(looper).toContain('RT_TIMEOUT');
    expect(afterAwait).toContain('RT_TIMEOUT');
    /* Under contention a bomb may hit the CPU limit first; each call still ends in a fault code. */
    for (const list of [arrayBomb, mapBomb]) {
      expect(list.length).toBeGreaterThan(0);
      for (const c of list) expect(['RT_MEMORY_LIMIT', 'RT_WORKER_CRASHED', 'RT_TIMEOUT']).toContain(c);
    }
    expect(engine.workers()[1].restarts).toBeGreaterThanOrEqual(2);
    expect(engine.workers()[0].restarts).toBe(0);
    expect(healthy.stats()).toMatchObject({ errors: 0, faults: 0, quarantined: false });
    expect(events.some((e) => e.type === 'worker-restarted' && e.worker === 1)).toBe(true);
  }, 60_000);

  it('restart is transparent: a healthy extension sharing the worker sees zero failed calls through kills, loops and memory exhaustion', async () => {
    engine = createSandboxEngine({
      kind: 'process',
      workers: 1,
      capabilityHost: host,
      defaults: { cpuTimeoutMs: 200, wallTimeoutMs: 8000, memoryMb: 32 },
    });
    const healthy = await engine.load(ext(HEALTHY));
    const bad = await Promise.all(
      [LOOPER, ARRAY_BOMB].map((code, i) =>
        engine.load(ext(code, { limits: { maxFaults: 1000, memoryMb: 16, cpuTimeoutMs: i === 0 ? 200 : 1500 } })),
      ),
    );

    const load = generateLoad(healthy, 3);
    await sleep(300);
    const [codes, kills] = await Promise.all([misbehave(bad, 5000), killAt(engine, 0, [1000, 3000])]);
    await settled(engine, 0);
    const report = await load.stop();

    expect(report.failed).toEqual([]);
    expect(servedAfterEach(report, kills)).toEqual([true, true]);
    expect(codes.get(bad[0].id)).toContain('RT_TIMEOUT');
    expect(codes.get(bad[1].id)).toContain('RT_MEMORY_LIMIT');
    expect(engine.workers()[0].restarts).toBeGreaterThanOrEqual(2);
    expect(healthy.stats().faults).toBe(0);
  }, 60_000);

  it('an extension crashing its worker with a fatal V8 OOM is identified and quarantined; its neighbours keep working', async () => {
    engine = createSandboxEngine({
      kind: 'process',
      workers: 1,
      capabilityHost: host,
      defaults: { cpuTimeoutMs: 2000, wallTimeoutMs: 8000 },
    });
    const healthy = await engine.load(ext(HEALTHY));
    const crasher = await engine.load(ext(MAP_BOMB, { limits: { memoryMb: 16, maxFaults: 3 } }));
    const load = generateLoad(healthy, 2);
    const seen: string[] = [];
    for (let i = 0; i < 12 && !crasher.stats().quarantined; i++)
      seen.push(
        await crasher.call(0, [{}]).then(
          () => 'OK',
          (e: { code: string }) => e.code,
        ),
      );
    const report = await load.stop();
    expect(crasher.stats().quarantined).toBe(true);
    expect(await crasher.call(0, [{}]).catch((e: { code: string }) => e.code)).toBe('RT_QUARANTINED');
    expect(seen.every((c) => c === 'RT_MEMORY_LIMIT' || c === 'RT_WORKER_CRASHED')).toBe(true);
    expect(report.failed).toEqual([]);
    expect(report.ok).toBeGreaterThan(0);
    expect(await healthy.call(0, [{ query: { n: 'after' } }])).toMatchObject({
      status: 200,
      body: { ok: true, n: 'after' },
    });
  }, 60_000);
});
