import { describe, it } from 'vitest';
import { eventually, route, spec, useLimitsEngine } from './helpers.js';

// Split from limits.test.ts: the hog is the isolate's share of wall time over a window, which a file
// running on the other core distorts, so this file runs in the load-sensitive project (vitest.config.ts).
describe.each(['inline', 'process'] as const)('limits (%s engine)', (kind) => {
  const suite = useLimitsEngine(kind);

  it('timers hogging the CPU in the background re-create the isolate (RT_CPU_HOG)', async () => {
    // Each fire stays far below its own limit (1 s, so a descheduled fire on a loaded machine is not cut as RT_TIMEOUT instead):
    // only their sum over the window is the hog.
    const inst = await suite.engine.load(
      spec(
        route(
          `setInterval(() => { const end = Date.now() + 120; while (Date.now() < end) {} }, 10); return { status: 200, body: 1 };`,
        ),
        { limits: { cpuTimeoutMs: 1000 } },
      ),
    );
    await inst.call(0, [{}]);
    await eventually(() => inst.stats().lastError?.code === 'RT_CPU_HOG', 'RT_CPU_HOG', 20_000);
    await suite.expectHealthy();
  });
});
