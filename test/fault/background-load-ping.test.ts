import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';

async function pings(t: TestHost, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${t.url}/server/ping`);
    await res.text();
    times.push(performance.now() - t0);
  }
  return times;
}

function percentile(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * p) - 1]!;
}

/**
 * 1,000 capability loops left running by a call that already returned do not slow the host: the
 * extension's capability rate and background CPU are budgeted (issue 17, item 3).
 *
 * The comparison is on the 95th percentile. With the budgets lifted (pending calls, both rates and the
 * CPU share unbounded) a ping takes over 100 ms while the loops run, so 300 pings outlast the test's
 * timeout; with them, both sides stay near 0.6 ms at the median. The 99th percentile of 900 pings is
 * the nine slowest, which a garbage collection or a busy core moves between 1.5 and 3.7 ms on an idle
 * host alone, so it is printed but not compared.
 */
describe('background capability loops against the host', () => {
  let t: TestHost;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-loops-'));
    const ext = path.join(dir, 'looper');
    fs.mkdirSync(path.join(ext, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(ext, 'package.json'),
      JSON.stringify({
        name: 'looper',
        version: '1.0.0',
        type: 'module',
        'directus:extension': {
          type: 'endpoint',
          path: 'dist/index.js',
          source: 'src/index.js',
          host: '^10.10.0',
          sandbox: { enabled: true, requestedScopes: { storage: {} } },
        },
      }),
    );
    fs.writeFileSync(
      path.join(ext, 'dist', 'index.js'),
      `import { storage } from 'directus:api';
export default (router) => {
  router.post('/', () => {
    for (let i = 0; i < 1000; i++) (async () => { for (;;) { try { await storage.get('k' + (i % 10)); } catch (e) { await null; } } })();
    return 'started';
  });
};
`,
    );
    t = await startHost({ extensions: [ext] });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('/server/ping p95 stays within 2x of idle', async () => {
    const faults = async () =>
      (await t.api('GET', '/extensions/looper/status')).body.data.metrics.sandbox[0].faults as number;
    await pings(t, 50); // warm-up
    // Three rounds of idle then loaded samples, pooled: a machine that gets busier or quieter during
    // the test weighs on both sides alike.
    const idle: number[] = [];
    const loaded: number[] = [];
    for (let round = 1; round <= 3; round++) {
      idle.push(...(await pings(t, 300)));
      expect((await t.api('POST', '/looper', {})).body).toBe('started');
      // The budgets need a moment to act (the first refusals, the fault, the re-created isolate).
      await sleep(300);
      loaded.push(...(await pings(t, 300)));
      // The flood was refused as a fault of the extension, visible in its metrics.
      await expect.poll(faults, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(round);
    }
    const figures = (times: number[]) =>
      [0.5, 0.95, 0.99].map((p) => `p${p * 100} ${percentile(times, p).toFixed(2)}`).join(', ');
    expect(
      percentile(loaded, 0.95),
      `idle: ${figures(idle)} ms; with loops: ${figures(loaded)} ms`,
    ).toBeLessThanOrEqual(percentile(idle, 0.95) * 2);
  });
});
