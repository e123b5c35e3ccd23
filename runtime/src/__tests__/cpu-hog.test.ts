import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, eventually, route, spec } from './helpers.js';

// Split from limits.test.ts: the hog is the isolate's share of wall time over a window, which a file
// running on the other core distorts, so this file runs in the load-sensitive project (vitest.config.ts).
describe.each(['inline', 'process'] as const)('limits (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  let healthy: Awaited<ReturnType<typeof engine.load>>;
  beforeAll(async () => {
    engine = createTestEngine(kind, { defaults: { cpuTimeoutMs: 150, wallTimeoutMs: 1500, memoryMb: 24 } });
    healthy = await engine.load(spec(route(`return { status: 200, body: 'ok' };`)));
  });
  afterAll(() => engine.close());

  async function expectHealthy() {
    expect(await healthy.call(0, [{}])).toEqual({ status: 200, body: 'ok' });
  }

  it('timers hogging the CPU in the background re-create the isolate (RT_CPU_HOG)', async () => {
    // Each fire stays far below its own limit (1 s, so a descheduled fire on a loaded machine is not cut as RT_TIMEOUT instead):
    // only their sum over the window is the hog.
    const inst = await engine.load(spec(route(`setInterval(() => { const end = Date.now() + 120; while (Date.now() < end) {} }, 10); return { status: 200, body: 1 };`), { limits: { cpuTimeoutMs: 1000 } }));
    await inst.call(0, [{}]);
    await eventually(() => inst.stats().lastError?.code === 'RT_CPU_HOG', 'RT_CPU_HOG', 20_000);
    await expectHealthy();
  });
});
