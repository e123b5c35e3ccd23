import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, rejection, route, spec, sleep } from './helpers.js';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('process engine: worker crashes and restarts', () => {
  let engine: ReturnType<typeof createTestEngine>;
  afterEach(() => engine?.close());

  it('restarts a killed worker and re-loads its extensions; instances and handler ids keep working', async () => {
    engine = createTestEngine('process', { workers: 2 });
    const a = await engine.load(
      spec(`let n = 0; export default (r) => { r.get('/', () => ++n); r.get('/pid', () => 'x'); };`, { worker: 0 }),
    );
    const b = await engine.load(spec(route(`return { status: 200, body: 'b' };`), { worker: 1 }));
    expect(a.worker).toBe(0);
    expect(b.worker).toBe(1);
    await a.call(0, [{}]);
    expect(await a.call(0, [{}])).toEqual({ status: 200, body: 2 });
    const pid = engine.workers()[0].pid;
    await engine.killWorker(0);
    expect(await a.call(0, [{}])).toEqual({ status: 200, body: 1 }); /* module state starts over in the new isolate */
    expect(a.registrations.routes.map((r) => r.handler)).toEqual([0, 1]);
    expect(await b.call(0, [{}])).toEqual({ status: 200, body: 'b' });
    const info = engine.workers()[0];
    expect(info).toMatchObject({ restarts: 1, state: 'ready', instances: [a.id] });
    expect(info.pid).not.toBe(pid);
    expect(engine.events).toContainEqual(
      expect.objectContaining({ type: 'worker-exit', worker: 0, signal: 'SIGKILL' }),
    );
    expect(engine.events).toContainEqual(expect.objectContaining({ type: 'worker-restarted', worker: 0 }));
    expect(await engine.isolateCount()).toBe(2);
  });

  it('a SIGINT or SIGTERM to the process group (Ctrl-C, service stop) leaves workers to the parent', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const inst = await engine.load(spec(route(`return { status: 200, body: 'up' };`)));
    const pid = engine.workers()[0]!.pid!;
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGTERM');
    await sleep(300);
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 'up' });
    expect(engine.workers()[0]).toMatchObject({ pid, restarts: 0 });
    expect(engine.events.filter((e) => e.type === 'worker-exit')).toEqual([]);
  });

  it('replays an in-flight call that had no outside effects; fails one that wrote (RT_WORKER_CRASHED)', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const scopes = { sleep: {}, storage: {} };
    const reader = await engine.load(
      spec(
        route(
          `await storage.get('k'); await sleep(300); return { status: 200, body: 'pure done' };`,
          "import { sleep, storage } from 'directus:api';",
        ),
        { scopes },
      ),
    );
    const writer = await engine.load(
      spec(
        route(
          `await storage.set('k', 1); await sleep(300); return { status: 200, body: 'write done' };`,
          "import { sleep, storage } from 'directus:api';",
        ),
        { scopes },
      ),
    );
    const pure = reader.call(0, [{}]);
    const write = rejection(writer.call(0, [{}]));
    await sleep(100);
    await engine.killWorker(0);
    expect(await pure).toEqual({ status: 200, body: 'pure done' });
    expect((await write).code).toBe('RT_WORKER_CRASHED');
    /* an unattributed crash is not counted against either extension */
    expect(reader.stats().faults).toBe(0);
    expect(writer.stats().faults).toBe(0);
  });

  it('side effects are tracked per instance: a write marks every call of that instance in flight', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const inst = await engine.load(
      spec(
        `import { sleep, storage } from 'directus:api';
        export default (r) => { r.get('/pure', async () => { await sleep(300); return 1; }); r.get('/write', async () => { await storage.set('k', 1); await sleep(300); return 2; }); };`,
        { scopes: { sleep: {}, storage: {} } },
      ),
    );
    const pure = rejection(inst.call(0, [{}]));
    const write = rejection(inst.call(1, [{}]));
    await sleep(100);
    await engine.killWorker(0);
    expect((await pure).code).toBe('RT_WORKER_CRASHED');
    expect((await write).code).toBe('RT_WORKER_CRASHED');
  });

  it('a call that kills the worker again while replayed alone fails and counts a fault', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const inst = await engine.load(
      spec(
        route(
          `await storage.get('probe'); await sleep(600); return { status: 200, body: 1 };`,
          "import { sleep, storage } from 'directus:api';",
        ),
        { scopes: { sleep: {}, storage: {} } },
      ),
    );
    const probes = () => engine.host.calls.filter((c) => c.kind === 'storage' && c.ext === inst.id).length;
    const call = rejection(inst.call(0, [{}]));
    await until(() => probes() === 1);
    await engine.killWorker(0);
    await until(() => probes() === 2); /* the replay, running alone, reached the host */
    expect(engine.workers()[0].state).toBe('restarting');
    await engine.killWorker(0);
    expect((await call).code).toBe('RT_WORKER_CRASHED');
    expect(inst.stats().faults).toBe(1);
    expect(inst.stats().lastError).toMatchObject({ code: 'RT_WORKER_CRASHED' });
  });

  it('a real V8 heap OOM abort kills only the worker: a colocated call is replayed, the crasher is identified', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const victim = await engine.load(
      spec(
        route(`await sleep(300); return { status: 200, body: 'survived' };`, "import { sleep } from 'directus:api';"),
        { scopes: { sleep: {} } },
      ),
    );
    /* Hash-table growth near the heap limit is a fatal V8 OOM (not isolated-vm's catchable limit). */
    const crasher = await engine.load(
      spec(route(`const m = new Map(); let i = 0; while (true) m.set(i++, String(i).repeat(20));`), {
        limits: { memoryMb: 16, cpuTimeoutMs: 10_000 },
      }),
    );
    const v = victim.call(0, [{}]);
    await sleep(20);
    const c = rejection(crasher.call(0, [{}]));
    expect(await v).toEqual({ status: 200, body: 'survived' });
    /* V8 is not deterministic here: on the lone replay isolated-vm may catch the OOM, or the worker dies again. */
    expect(['RT_WORKER_CRASHED', 'RT_MEMORY_LIMIT']).toContain((await c).code);
    expect(crasher.stats().faults).toBe(1);
    expect(victim.stats().faults).toBe(0);
    expect(await victim.call(0, [{}])).toEqual({ status: 200, body: 'survived' });
  });

  it('fails calls with RT_RELOAD_MISMATCH when the extension registers differently after a restart', async () => {
    engine = createTestEngine('process', { workers: 1 });
    const inst = await engine.load(spec(`export default (r) => { r.get('/' + crypto.randomUUID(), () => 1); };`));
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 1 });
    await engine.killWorker(0);
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_RELOAD_MISMATCH');
    expect(inst.stats().lastError).toMatchObject({ code: 'RT_RELOAD_MISMATCH' });
  });

  it('kills and restarts a worker that stops answering (hang watchdog)', async () => {
    engine = createTestEngine('process', { workers: 1, hangTimeoutMs: 900 });
    const inst = await engine.load(spec(route(`return { status: 200, body: 'ok' };`)));
    const pid = engine.workers()[0].pid!;
    process.kill(pid, 'SIGSTOP');
    await until(() => engine.workers()[0].restarts === 1 && engine.workers()[0].state === 'ready', 10_000);
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 'ok' });
  });

  it('spreads extensions over workers by load unless pinned', async () => {
    engine = createTestEngine('process', { workers: 3 });
    const loaded = await Promise.all([1, 2, 3, 4, 5, 6].map(() => engine.load(spec(route('return 1;')))));
    expect(engine.workers().map((w) => w.instances.length)).toEqual([2, 2, 2]);
    expect(new Set(loaded.map((i) => i.worker)).size).toBe(3);
    const pinned = await engine.load(spec(route('return 1;'), { worker: 4 }));
    expect(pinned.worker).toBe(1);
  });

  it('close() stops every worker and later loads fail with RT_ENGINE_CLOSED', async () => {
    engine = createTestEngine('process', { workers: 2 });
    const inst = await engine.load(spec(route('return 1;')));
    const pids = engine.workers().map((w) => w.pid!);
    await engine.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect((await rejection(engine.load(spec(route('return 1;'))))).code).toBe('RT_ENGINE_CLOSED');
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_DISPOSED');
  });
});
