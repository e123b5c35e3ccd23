import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxEngine, type SandboxEngine } from '@annex/runtime';
import { createHost, spec } from '../security/sandbox/harness.js';

/**
 * Work that outlives the call that started it is charged to the extension: capability calls by
 * rate, continuations by CPU share. Exceeding either is a fault counted towards quarantine and
 * visible in the stats (issue 17, item 3).
 */
describe('budgets cover background work', () => {
  let engine: SandboxEngine;
  const host = createHost();
  beforeAll(() => {
    engine = createSandboxEngine({
      kind: 'process',
      workers: 1,
      capabilityHost: host,
      defaults: { cpuTimeoutMs: 200, wallTimeoutMs: 2000, memoryMb: 32 },
    });
  });
  afterAll(async () => engine.close());

  it('background capability loops started by a returned call hit the rate limit, fault, and get quarantined', async () => {
    const inst = await engine.load(
      spec(
        `import * as api from 'directus:api';
export default (r) => {
  r.get('/', () => {
    const codes = globalThis.codes = {};
    for (let i = 0; i < 100; i++) (async () => { for (;;) { try { await api.storage.get('k'); } catch (e) { codes[e.code] = (codes[e.code] || 0) + 1; if (e.code === 'RT_QUARANTINED') return; } } })();
    return 'started';
  });
  r.get('/codes', () => globalThis.codes);
};`,
        {
          grantedScopes: { storage: {} },
          limits: { maxCapabilityCallsPerSecond: 50, maxFaults: 2, faultWindowMs: 60_000 },
        },
      ),
    );
    // Two rate faults: the first, and the one a second later that finds the flood sustained (which also
    // re-creates the isolate, ending the loops, so a third rate fault is not guaranteed).
    expect(await inst.call(0, [{}])).toMatchObject({ body: 'started' });
    const until = Date.now() + 20_000;
    while (!inst.stats().quarantined && Date.now() < until) await sleep(100);
    const stats = inst.stats();
    expect(stats.quarantined).toBe(true);
    expect(stats.faults).toBeGreaterThanOrEqual(2);
    expect(stats.lastError?.code).toBe('RT_RATE_LIMITED');
  });

  it('within the rate, a busy extension is not faulted', async () => {
    const inst = await engine.load(
      spec(
        `import * as api from 'directus:api';
export default (r) => { r.get('/', async () => { for (let i = 0; i < 20; i++) await api.storage.get('k'); return 'ok'; }); };`,
        { grantedScopes: { storage: {} }, limits: { maxCapabilityCallsPerSecond: 50 } },
      ),
    );
    expect(await inst.call(0, [{}])).toMatchObject({ body: 'ok' });
    expect(inst.stats().faults).toBe(0);
  });

  it('the same loops get the smaller background rate once their call returned, while a call in flight gets the full rate', async () => {
    const inst = await engine.load(
      spec(
        `import * as api from 'directus:api';
export default (r) => {
  r.get('/busy', async () => { for (let i = 0; i < 400; i++) await api.storage.get('k'); return 'ok'; });
  r.get('/', () => {
    for (let i = 0; i < 100; i++) (async () => { for (;;) { try { await api.storage.get('k'); } catch (e) { if (e.code === 'RT_QUARANTINED') return; } } })();
    return 'started';
  });
};`,
        {
          grantedScopes: { storage: {} },
          limits: {
            maxCapabilityCallsPerSecond: 100_000,
            maxBackgroundCapabilityCallsPerSecond: 50,
            maxFaults: 2,
            faultWindowMs: 60_000,
            // The loops retry refusals without yielding until the refusal-flood guard ends them; on a
            // loaded machine that can take past 200 ms of CPU. This test is about the rate, not the per-entry CPU timeout.
            cpuTimeoutMs: 5000,
          },
        },
      ),
    );
    // 400 calls in one request, well over the background rate's burst: not a fault while the call waits on them.
    expect(await inst.call(0, [{}])).toMatchObject({ body: 'ok' });
    expect(inst.stats().faults).toBe(0);
    expect(await inst.call(1, [{}])).toMatchObject({ body: 'started' });
    const until = Date.now() + 20_000;
    while (!inst.stats().quarantined && Date.now() < until) await sleep(100);
    expect(inst.stats()).toMatchObject({
      quarantined: true,
      lastError: { code: 'RT_RATE_LIMITED', message: expect.stringContaining('limit 50 ') },
    });
  });

  it('CPU spent after awaits in loops no call waits for is charged and faults as RT_CPU_HOG', async () => {
    const inst = await engine.load(
      spec(
        `import * as api from 'directus:api';
export default (r) => {
  r.get('/', () => {
    // Each continuation stays under the per-run CPU timeout; together they take the worker.
    // Several loops may resume in one continuation on a busy machine: the per-entry CPU timeout is set high so only the share is measured.
    for (let i = 0; i < 4; i++) (async () => { for (;;) { await api.sleep(1); const end = Date.now() + 40; while (Date.now() < end); } })();
    return 'started';
  });
};`,
        {
          grantedScopes: { sleep: {} },
          limits: { backgroundCpuShare: 0.1, maxCapabilityCallsPerSecond: 10_000, cpuTimeoutMs: 5000 },
        },
      ),
    );
    expect(await inst.call(0, [{}])).toMatchObject({ body: 'started' });
    const until = Date.now() + 20_000;
    while (inst.stats().faults === 0 && Date.now() < until) await sleep(100);
    expect(inst.stats().lastError?.code).toBe('RT_CPU_HOG');
  });
});
