// Hot reload: save → first new response (p50/p95), with the debounce and the raw file-event
// latency measured in the same run. Target: p50 ≤ 100 ms.
import fs from 'node:fs';
import path from 'node:path';
import { createHost } from '@annex/host';
import { fmt, hostEnv, percentile, tempDir, writeEndpoint } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);

async function main() {
  const dir = tempDir('annex-bench-hr-');
  fs.mkdirSync(path.join(dir, 'extensions'));
  const env = hostEnv(dir, { EXTENSIONS_AUTO_RELOAD: 'true' });
  const host = await createHost({ env, cwd: dir, packageFile: null });
  const url = await host.listen(0, '127.0.0.1');
  const debounce = host.config.extensionsAutoReloadDebounceMs;
  const results = { trusted: [], sandboxed: [] };
  const events = [];
  for (const [kind, sandbox] of [
    ['trusted', false],
    ['sandboxed', true],
  ]) {
    const name = `hr-${kind}`;
    writeEndpoint(path.join(dir, 'extensions'), name, 'v0', sandbox);
    await host.kernel.extensions.rescan();
    for (let i = 1; i <= RUNS; i++) {
      const before = host.watcher.stats().fileEvents;
      const t0 = performance.now();
      writeEndpoint(path.join(dir, 'extensions'), name, `v${i}`, sandbox);
      for (;;) {
        const res = await fetch(`${url}/${name}`);
        const body = await res.json();
        if (body.body === `v${i}`) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      results[kind].push(performance.now() - t0);
      const stats = host.watcher.stats();
      if (stats.fileEvents > before) events.push(stats.lastEventAt - t0);
      await new Promise((r) => setTimeout(r, debounce + 20));
    }
  }
  await host.close();
  const evP50 = percentile(events, 50);
  console.log('hot reload: save → first new response');
  console.log(
    `  debounce ${debounce} ms, raw file-event latency p50 ${fmt(evP50)} ms (p95 ${fmt(percentile(events, 95))} ms)`,
  );
  for (const kind of ['trusted', 'sandboxed']) {
    const p50 = percentile(results[kind], 50);
    console.log(
      `  ${kind.padEnd(9)} p50 ${fmt(p50)} ms  p95 ${fmt(percentile(results[kind], 95))} ms  (target p50 ≤ 100 ms: ratio ${fmt(p50 / 100, 2)}; minus debounce and file event: ${fmt(p50 - debounce - evP50)} ms of reload work)`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
