import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { createArena, spec, type Arena } from './harness.js';
import { eventually } from './redteam-helpers.js';

/**
 * Split from resources.test.ts: the storm is cut by the CPU-hog detector, which measures the
 * isolate's share of wall time, so this file runs in the load-sensitive project (vitest.config.ts).
 */
describe('sandbox attacks: resource exhaustion', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  it('a self-rescheduling zero-delay timer storm is throttled and cut when it hogs the CPU', async () => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { const f = () => { const e = Date.now() + 50; while (Date.now() < e) {} setTimeout(f, 0); setTimeout(f, 0); }; f(); return 1; }); };`,
        { limits: { maxTimers: 50 } },
      ),
    );
    await inst.call(0, [{}]);
    await eventually(
      () => /^RT_(CPU_HOG|TIMER_LIMIT)$/.test(inst.stats().lastError?.code ?? ''),
      'the storm to be cut',
      20_000,
    );
  });
});
