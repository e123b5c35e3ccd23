import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}
/** (module (func (export "f") (loop (br 0)))) */
const WASM_LOOP = '[0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,5,1,1,102,0,0,10,9,1,7,0,3,64,12,0,11,11]';

/** Exhausting CPU, memory, stack, timers, logs and the bridge: each fails its own call only. */
describe('sandbox attacks: resource exhaustion', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  it.each([
    ['a synchronous infinite loop', `while (true) {}`],
    ['an infinite loop after awaiting a host call', `await api.sleep(1); while (true) {}`],
    [
      'an infinite loop after awaiting a capability error',
      `try { await api.storage.get('x'); } catch (_) {} for (;;) {}`,
    ],
    ['an infinite microtask chain', `const f = () => Promise.resolve().then(f); await f();`],
    ['catastrophic regex backtracking', `return /^(a+)+$/.test('a'.repeat(40) + 'b');`],
    ['a sort comparator that never ends', `[3, 2, 1].sort(() => { while (true) {} });`],
    ['a getter loop triggered by the runtime while copying the result', `return { get x() { while (true) {} } };`],
  ])('%s fails with RT_TIMEOUT', async (_name, body) => {
    const r = await arena.run(body, { grantedScopes: { sleep: {} } });
    expect(r.code).toBe('RT_TIMEOUT');
  });

  it('WebAssembly is not offered (its memory is outside the limit), so an infinite wasm loop cannot even start', async () => {
    const r = await arena.run(
      `try { new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${WASM_LOOP}))).exports.f(); return 'ran'; } catch (e) { return e.name; }`,
    );
    expect(r.body).toBe('ReferenceError');
  });

  it('a call that never settles fails with RT_TIMEOUT within the wall budget', async () => {
    // Ordering instead of a millisecond limit: the 500 ms wall budget ends the call before a 3 s sibling timer fires.
    let sibling = false;
    const timer = setTimeout(() => (sibling = true), 3000);
    const r = await arena.run(`await new Promise(() => {});`, { limits: { wallTimeoutMs: 500 } });
    clearTimeout(timer);
    expect({ code: r.code, kind: r.details?.kind, siblingFiredFirst: sibling }).toEqual({
      code: 'RT_TIMEOUT',
      kind: 'wall',
      siblingFiredFirst: false,
    });
  });

  it('an infinite loop in a timer callback faults the extension without blocking other calls', async () => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { setTimeout(() => { while (true) {} }, 1); return 1; }); r.get('/ping', () => 'pong'); };`,
      ),
    );
    await inst.call(0, [{}]);
    await eventually(() => inst.stats().faults >= 1, 'the timer fault');
    expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'pong' });
  });

  it.each([
    ['an array of objects', `const a = []; while (true) a.push({ i: a.length, s: 'x'.repeat(32) });`],
    ['a Map of strings', `const m = new Map(); let i = 0; while (true) m.set(i++, String(i).repeat(20));`],
    ['many ArrayBuffers', `const a = []; while (true) a.push(new ArrayBuffer(1024 * 1024));`],
    ['a flood of pending promises', `const keep = []; while (true) keep.push(new Promise(() => {}));`],
  ])('a memory bomb (%s) is stopped and only its own worker can die', async (_name, body) => {
    /* Outcomes: isolated-vm's limit (RT_MEMORY_LIMIT), a RangeError, the CPU limit while V8 thrashes near
       the heap limit, or a fatal V8 OOM that kills the worker (RT_WORKER_CRASHED; hash-table growth does this). */
    const r = await arena.run(body, { limits: { memoryMb: 16, cpuTimeoutMs: 3000 } });
    expect(['RT_MEMORY_LIMIT', 'RT_EXTENSION_ERROR', 'RT_TIMEOUT', 'RT_WORKER_CRASHED']).toContain(r.code);
  });

  it.each([
    ['string doubling', `let s = 'x'; while (true) s += s;`],
    ['one huge ArrayBuffer', `new ArrayBuffer(2 ** 31);`],
    ['one huge typed array', `new Float64Array(2 ** 28);`],
    ['String.prototype.repeat', `'x'.repeat(2 ** 30);`],
    ['Array of 2^32 elements', `new Array(2 ** 32);`],
  ])(
    'an allocation bomb (%s) fails inside the isolate (a RangeError, before the memory limit is reached)',
    async (_name, body) => {
      const r = await arena.run(body, { limits: { memoryMb: 16, cpuTimeoutMs: 3000 } });
      expect(r.code).toBe('RT_EXTENSION_ERROR');
    },
  );

  it('deep recursion ends in a RangeError inside the isolate', async () => {
    const r = await arena.run(`const f = (n) => f(n + 1) + 1; try { f(0); } catch (e) { return e.name; }`);
    expect(r.body).toBe('RangeError');
  });

  it('deeply nested JSON.parse is contained (V8 parses iteratively; either outcome stays inside)', async () => {
    const r = await arena.run(
      `try { const v = JSON.parse('['.repeat(1e6) + ']'.repeat(1e6)); return Array.isArray(v) ? 'parsed' : 'odd'; } catch (e) { return e.name; }`,
      { limits: { cpuTimeoutMs: 5000 } },
    );
    expect(r.body ?? r.code).toMatch(/^(parsed|RangeError|RT_MEMORY_LIMIT)$/);
  });

  it('a timer flood stops at the timer limit (RT_TIMER_LIMIT)', async () => {
    const r = await arena.run(
      `try { for (let i = 0; i < 1e6; i++) setTimeout(() => {}, 1e9); } catch (e) { return e.code; }`,
      { limits: { maxTimers: 500 } },
    );
    expect(r.body).toBe('RT_TIMER_LIMIT');
  });

  it('a log flood is rate-limited', async () => {
    const before = arena.host.logLines.length;
    const started = performance.now();
    const r = await arena.run(
      `for (let i = 0; i < 100000; i++) { console.log('spam', i); api.log('spam'); } return 'done';`,
      { grantedScopes: { log: {} }, limits: { maxLogLinesPerSecond: 50, cpuTimeoutMs: 5000 } },
    );
    const windows = Math.ceil((performance.now() - started) / 1000) + 1;
    expect(r.body).toBe('done');
    await sleep(100);
    const written = arena.host.logLines.length - before;
    // 50 lines (+ one drop notice) per one-second window the flood spans, whatever the machine's speed: not 200 000.
    expect(written).toBeGreaterThanOrEqual(50);
    expect(written).toBeLessThanOrEqual(51 * windows);
  });

  it('a capability flood is refused beyond the pending limit (RT_BUSY)', async () => {
    const r = await arena.run(
      `const ps = []; for (let i = 0; i < 20000; i++) ps.push(api.sleep(10).then(() => 0, (e) => e.code)); const out = await Promise.all(ps); return out.filter((c) => c === 'RT_BUSY').length;`,
      {
        grantedScopes: { sleep: {} },
        // Budgets wide enough for a loaded machine: what is checked is the pending limit, not speed.
        limits: { cpuTimeoutMs: 30_000, wallTimeoutMs: 60_000 },
      },
    );
    expect(r).toEqual({ body: 20000 - 256 });
  });

  it('Atomics.wait cannot park the worker (Atomics and SharedArrayBuffer are absent)', async () => {
    const r = await arena.run(`return [typeof Atomics, typeof SharedArrayBuffer];`);
    expect(r.body).toEqual(['undefined', 'undefined']);
  });

  it('concurrent calls beyond the limit fail with RT_BUSY', async () => {
    const inst = await arena.engine.load(
      spec(
        `import { sleep } from 'directus:api'; export default (r) => { r.get('/', async () => { await sleep(200); return 1; }); };`,
        { grantedScopes: { sleep: {} }, limits: { maxConcurrentCalls: 2 } },
      ),
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => inst.call(0, [{}])));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'))).toEqual([
      'ok',
      'ok',
      'RT_BUSY',
      'RT_BUSY',
    ]);
  });

  it('an extension that keeps faulting is quarantined and stops consuming resources', async () => {
    const inst = await arena.engine.load(
      spec(`export default (r) => { r.get('/', () => { while (true) {} }); };`, { limits: { maxFaults: 3 } }),
    );
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        await inst.call(0, [{}]).then(
          () => 'ok',
          (e) => e.code,
        ),
      );
    expect(codes).toEqual(['RT_TIMEOUT', 'RT_TIMEOUT', 'RT_TIMEOUT', 'RT_QUARANTINED', 'RT_QUARANTINED']);
    expect(inst.stats().quarantined).toBe(true);
  });
});
