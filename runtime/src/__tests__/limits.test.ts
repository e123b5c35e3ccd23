import { describe, expect, it } from 'vitest';
import { eventually, rejection, route, sleep, spec, useLimitsEngine } from './helpers.js';

describe.each(['inline', 'process'] as const)('limits (%s engine)', (kind) => {
  const suite = useLimitsEngine(kind);

  it('a synchronous infinite loop fails with RT_TIMEOUT (cpu) and the isolate keeps serving', async () => {
    const inst = await suite.engine.load(
      spec(`let n = 0; export default (r) => { r.get('/loop', () => { while (true) {} }); r.get('/n', () => ++n); };`),
    );
    await inst.call(1, [{}]);
    const err = await rejection(inst.call(0, [{}]));
    expect(err).toMatchObject({ code: 'RT_TIMEOUT', status: 504, details: expect.objectContaining({ kind: 'cpu' }) });
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 2 });
    expect(inst.stats()).toMatchObject({ timeouts: 1, faults: 1, errors: 1 });
    await suite.expectHealthy();
  });

  it('a loop after an awaited host call is bounded too (RT_TIMEOUT) and the isolate is re-created', async () => {
    const inst = await suite.engine.load(
      spec(route(`await sleep(5); while (true) {}`, "import { sleep } from 'directus:api';"), {
        scopes: { sleep: {} },
      }),
    );
    const err = await rejection(inst.call(0, [{}]));
    // Cut by the CPU limit (150 ms), not by the wall budget (1500 ms) a loaded machine could also reach.
    expect(err).toMatchObject({ code: 'RT_TIMEOUT', details: expect.objectContaining({ kind: 'cpu' }) });
    await eventually(
      () => suite.engine.events.some((e) => e.type === 'recreated' && e.id === inst.id),
      'recreated event',
    );
    await suite.expectHealthy();
  });

  it('a loop in microtasks fails with RT_TIMEOUT', async () => {
    const inst = await suite.engine.load(spec(route(`function f() { return Promise.resolve().then(f); } return f();`)));
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_TIMEOUT');
    await suite.expectHealthy();
  });

  it('a call that never settles fails with RT_TIMEOUT (wall) within the wall budget', async () => {
    const inst = await suite.engine.load(spec(route(`await new Promise(() => {});`)));
    const t = Date.now();
    const err = await rejection(inst.call(0, [{}]));
    expect(err).toMatchObject({ code: 'RT_TIMEOUT', details: expect.objectContaining({ kind: 'wall' }) });
    expect(Date.now() - t).toBeGreaterThanOrEqual(1400);
    await suite.expectHealthy();
  });

  it('calls started at different times each get their whole wall budget, and others settle normally meanwhile', async () => {
    const inst = await suite.engine.load(
      spec(`export default (r) => { r.get('/hang', () => new Promise(() => {})); r.get('/ok', () => 'ok'); };`),
    );
    // Lower bounds are safe on a loaded machine; upper bounds become event ordering.
    const order: string[] = [];
    const failedAt = (p: Promise<unknown>, started: number, name: string) =>
      rejection(p).then(
        (err) => (order.push(name), { code: err.code, kind: err.details?.kind, after: Date.now() - started }),
      );
    const a0 = Date.now();
    const a = failedAt(inst.call(0, [{}]), a0, 'a');
    await sleep(500);
    const b0 = Date.now();
    const b = failedAt(inst.call(0, [{}]), b0, 'b');
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'ok' });
    order.push('ok');
    const [ra, rb] = await Promise.all([a, b]);
    for (const r of [ra, rb]) {
      expect({ code: r.code, kind: r.kind }).toEqual({ code: 'RT_TIMEOUT', kind: 'wall' });
      expect(r.after).toBeGreaterThanOrEqual(1450);
    }
    // The quick call settled while both hung; the earlier call timed out first (each on its own budget).
    expect(order).toEqual(['ok', 'a', 'b']);
    expect(inst.stats().timeouts).toBe(2);
  });

  it('an async loop of short steps is cut by the wall budget and its leftover work is dropped', async () => {
    const inst = await suite.engine.load(
      spec(
        `import { sleep, storage } from 'directus:api'; let ticks = 0;
        export default (r) => { r.get('/', async () => { while (true) { await sleep(5); ticks++; } }); r.get('/ticks', () => ticks); };`,
        { scopes: { sleep: {} } },
      ),
    );
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_TIMEOUT');
    await sleep(100);
    const a = ((await inst.call(1, [{}])) as { body: number }).body;
    await sleep(100);
    const b = ((await inst.call(1, [{}])) as { body: number }).body;
    expect(b).toBe(a);
  });

  it('exceeding the memory limit fails with RT_MEMORY_LIMIT; the isolate is re-created and serves again', async () => {
    const inst = await suite.engine.load(
      spec(
        `export default (r) => { r.get('/bomb', () => { const a = []; while (true) a.push({ s: 'x'.repeat(64) + a.length }); }); r.get('/', () => 'alive'); };`,
        { limits: { cpuTimeoutMs: 20_000, memoryMb: 16 } },
      ),
    );
    const err = await rejection(inst.call(0, [{}]));
    expect(err.code).toBe('RT_MEMORY_LIMIT');
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'alive' });
    expect(inst.stats().faults).toBe(1);
    await suite.expectHealthy();
  });

  it('more concurrent calls than allowed fail with RT_BUSY', async () => {
    const inst = await suite.engine.load(
      spec(route(`await sleep(100); return { status: 200, body: 1 };`, "import { sleep } from 'directus:api';"), {
        scopes: { sleep: {} },
        limits: { maxConcurrentCalls: 3 },
      }),
    );
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => inst.call(0, [{}])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ['RT_BUSY', 'RT_BUSY'],
    );
  });

  it('oversized arguments and results fail with RT_PAYLOAD_TOO_LARGE', async () => {
    const inst = await suite.engine.load(
      spec(`export default (r) => { r.get('/', () => 'x'.repeat(200000)); r.post('/', (req) => 1); };`, {
        limits: { maxPayloadBytes: 100_000 },
      }),
    );
    expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_PAYLOAD_TOO_LARGE');
    expect((await rejection(inst.call(1, [{ body: 'y'.repeat(200000) }]))).code).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('jsonArgs: JSON data crosses as text, checked for size and for what JSON cannot write', async () => {
    const inst = await suite.engine.load(
      spec(
        `export default (r) => { r.post('/', (req) => ({ status: 200, body: { dropped: !('drop' in req.body), body: req.body } })); };`,
        { limits: { maxPayloadBytes: 100_000 } },
      ),
    );
    const body = { list: [1, 'two', null, true, { deep: { er: 'x' } }], drop: undefined };
    expect(await inst.call(0, [{ body }], null, { jsonArgs: true })).toEqual({
      status: 200,
      body: { dropped: true, body: { list: body.list } },
    });
    expect((await rejection(inst.call(0, [{ body: 'y'.repeat(200_000) }], null, { jsonArgs: true }))).code).toBe(
      'RT_PAYLOAD_TOO_LARGE',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await rejection(inst.call(0, [{ body: cyclic }], null, { jsonArgs: true }))).toMatchObject({
      code: 'INVALID_PAYLOAD',
      status: 400,
    });
    expect((await rejection(inst.call(0, [{ body: 10n }], null, { jsonArgs: true }))).code).toBe('INVALID_PAYLOAD');
    /* A hostile toJSON runs in the host either way (as JSON.stringify would); its throw is a refused payload, not a crash. */
    expect(
      (
        await rejection(
          inst.call(
            0,
            [
              {
                body: {
                  toJSON() {
                    throw new Error('no');
                  },
                },
              },
            ],
            null,
            { jsonArgs: true },
          ),
        )
      ).code,
    ).toBe('INVALID_PAYLOAD');
    expect(inst.stats().errors).toBe(4);
    await suite.expectHealthy();
  });

  it('repeated faults quarantine the extension (RT_QUARANTINED), visible in stats, resettable', async () => {
    const inst = await suite.engine.load(
      spec(`export default (r) => { r.get('/loop', () => { while (true) {} }); r.get('/', () => 1); };`, {
        limits: { maxFaults: 3, faultWindowMs: 60_000 },
      }),
    );
    for (let i = 0; i < 3; i++) expect((await rejection(inst.call(0, [{}]))).code).toBe('RT_TIMEOUT');
    expect(inst.stats().quarantined).toBe(true);
    expect((await rejection(inst.call(1, [{}]))).code).toBe('RT_QUARANTINED');
    expect(suite.engine.events).toContainEqual(expect.objectContaining({ type: 'quarantined', id: inst.id }));
    inst.resetQuarantine();
    expect(inst.stats().quarantined).toBe(false);
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 1 });
    expect(suite.engine.events).toContainEqual({ type: 'quarantine-reset', id: inst.id });
  });

  it('timers: bounded count (RT_TIMER_LIMIT), ordering, clearTimeout, setInterval', async () => {
    const inst = await suite.engine.load(
      spec(
        `export default (r) => {
        r.get('/order', () => new Promise((resolve) => { const out = []; setTimeout(() => out.push('b'), 20); setTimeout(() => out.push('a'), 5); const c = setTimeout(() => out.push('never'), 10); clearTimeout(c); let n = 0; const i = setInterval(() => { out.push('i' + ++n); if (n === 3) { clearInterval(i); resolve(out); } }, 10); }));
        r.get('/flood', () => { try { for (let i = 0; i < 100; i++) setTimeout(() => {}, 60000); } catch (e) { return e.code; } });
        r.get('/string', () => { try { setTimeout('1+1', 1); } catch (e) { return e.name; } });
      };`,
        { limits: { maxTimers: 50 } },
      ),
    );
    const order = ((await inst.call(0, [{}])) as { body: string[] }).body;
    expect(order.filter((x) => !x.startsWith('i'))).toEqual(['a', 'b']);
    expect(order.filter((x) => x.startsWith('i'))).toEqual(['i1', 'i2', 'i3']);
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'RT_TIMER_LIMIT' });
    expect(await inst.call(2, [{}])).toEqual({ status: 200, body: 'TypeError' });
  });

  it('a loop inside a timer callback is cut (RT_TIMEOUT fault) without touching other calls', async () => {
    const inst = await suite.engine.load(
      spec(route(`setTimeout(() => { while (true) {} }, 1); return { status: 200, body: 'scheduled' };`)),
    );
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 'scheduled' });
    await eventually(() => inst.stats().faults === 1, 'the timer fault');
    expect(inst.stats().lastError).toMatchObject({ code: 'RT_TIMEOUT' });
    await suite.expectHealthy();
  });

  it('console floods are rate-limited with one notice about dropped lines', async () => {
    const inst = await suite.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { for (let i = 0; i < 500; i++) console.log('line', i); return 1; }); r.get('/end', () => { console.log('end'); return 1; }); };`,
        { limits: { maxLogLinesPerSecond: 20 } },
      ),
    );
    const before = suite.engine.host.logs().filter((l) => l.ext === inst.id).length;
    await inst.call(0, [{}]);
    await sleep(1100);
    await inst.call(0, [{}]);
    // A line in a later window reports what the last one dropped (how many windows the floods span depends on the machine).
    await sleep(1100);
    await inst.call(1, [{}]);
    await eventually(
      () => suite.engine.host.logs().some((l) => l.ext === inst.id && l.message === 'end'),
      'the end line',
    );
    const lines = suite.engine.host
      .logs()
      .filter((l) => l.ext === inst.id)
      .slice(before);
    const passed = lines.filter((l) => /^line \d+$/.test(l.message ?? '')).length;
    const notices = lines.filter((l) => l.level === 'warn' && /^\d+ log line/.test(l.message ?? ''));
    const dropped = notices.reduce((n, l) => n + Number(/^(\d+)/.exec(l.message!)![1]), 0);
    // Exact, whatever the timing: every one of the 1000 lines was either written or counted in a notice.
    expect(passed + dropped).toBe(1000);
    // Each flood fills its window's 20 lines, and the limit drops the rest (far more floods than windows).
    expect(passed).toBeGreaterThanOrEqual(40);
    expect(dropped).toBeGreaterThan(passed);
    expect(notices.length).toBeGreaterThanOrEqual(1);
  });

  it('stats count calls, errors, wall and CPU time, heap', async () => {
    const inst = await suite.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { const e = Date.now() + 30; while (Date.now() < e) {} return new Array(1000).fill('x'); }); r.get('/err', () => { throw new Error('x'); }); };`,
      ),
    );
    await inst.call(0, [{}]);
    await rejection(inst.call(1, [{}]));
    await eventually(() => inst.stats().heapUsedBytes > 0 && inst.stats().cpuTimeMs > 0, 'stats pushed by the worker');
    const s = inst.stats();
    expect(s).toMatchObject({
      calls: 2,
      errors: 1,
      timeouts: 0,
      inFlight: 0,
      faults: 0,
      quarantined: false,
      lastError: expect.objectContaining({ code: 'RT_EXTENSION_ERROR' }),
    });
    // The handler spins 30 ms of wall time: wall is at least that; CPU is what the machine gave it (less when
    // it is busy). No absolute CPU figure, and no bound by the calls' wall time: the isolate's CPU time also
    // counts compiling and running the module at load, which no call's wall time includes.
    expect(s.wallTimeMs).toBeGreaterThanOrEqual(30);
    expect(s.cpuTimeMs).toBeGreaterThan(0);
    expect(s.heapUsedBytes).toBeGreaterThan(100_000);
  });
});
