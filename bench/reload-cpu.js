// The CPU one reload of one extension costs the host: a trusted and a sandboxed endpoint, each
// rewritten and reloaded (`extensions.reload`, what the watcher calls) ROUNDS × RELOADS times, the
// CPU counted around the reload calls only (the host process; a sandboxed reload also costs the
// worker, which this does not count). The rewrites between reloads are not counted.
// BENCH_BASELINE_ROOT=<another built checkout>: its host runs the same rounds, alternating, in one run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, hostEnv, percentile, ROOT, tempDir, writeEndpoint } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RELOADS = Number(process.env.BENCH_RELOADS ?? 200);

/** One round in this process: the host of `root`, RELOADS reloads of each kind; prints JSON. */
async function round(root) {
  const { createHost } = await import(pathToFileURL(path.join(root, 'host/dist/index.js')).href);
  const dir = tempDir('annex-bench-reload-');
  const extensions = path.join(dir, 'extensions');
  fs.mkdirSync(extensions);
  const host = await createHost({ env: hostEnv(dir, { EXTENSIONS_SANDBOX_WORKERS: '1' }), cwd: dir, packageFile: null });
  const out = {};
  for (const [kind, sandbox] of [
    ['trusted', false],
    ['sandboxed', true],
  ]) {
    const name = `reload-${kind}`;
    writeEndpoint(extensions, name, 'v0', sandbox);
    await host.kernel.extensions.rescan();
    let micros = 0;
    for (let i = 1; i <= RELOADS + 20; i++) {
      writeEndpoint(extensions, name, `v${i % 2}`, sandbox);
      const before = process.cpuUsage();
      await host.kernel.extensions.reload(`local:${name}`);
      const used = process.cpuUsage(before);
      if (i > 20) micros += used.user + used.system; // the first 20 warm up (JIT, caches)
    }
    out[kind] = micros / RELOADS / 1000;
  }
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function main() {
  const roots = [['this checkout', ROOT]];
  if (process.env.BENCH_BASELINE_ROOT) roots.push(['baseline', path.resolve(process.env.BENCH_BASELINE_ROOT)]);
  const results = new Map(roots.map(([label]) => [label, { trusted: [], sandboxed: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, root] of r % 2 ? [...roots].reverse() : roots) {
      const child = spawnSync(process.execPath, ['--no-node-snapshot', import.meta.filename, '--round', root], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (child.status !== 0) throw new Error(`a round of ${label} failed (exit ${child.status})`);
      const figures = JSON.parse(child.stdout.trim().split('\n').pop());
      for (const kind of ['trusted', 'sandboxed']) results.get(label)[kind].push(figures[kind]);
    }
  }
  console.log(`reload CPU of the host process per reload, median of ${ROUNDS} rounds × ${RELOADS} reloads`);
  const base = results.get('baseline');
  for (const [label, figures] of results) {
    const cells = ['trusted', 'sandboxed'].map((kind) => {
      const p50 = percentile(figures[kind], 50);
      const ratio = base && label !== 'baseline' ? ` (${fmt(p50 / percentile(base[kind], 50), 2)}× baseline)` : '';
      return `${kind} ${fmt(p50, 2)} ms${ratio}`;
    });
    console.log(`  ${label.padEnd(13)} ${cells.join(', ')}`);
  }
}

if (process.argv[2] === '--round') await round(process.argv[3]);
else main();
