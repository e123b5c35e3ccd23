// Boot: time from spawn to the first /server/ping 200, and idle RSS summed over the host's whole
// process tree (host, sandbox workers, anything they spawned), for the built-ins alone (baseline)
// and the built-ins + 10 trusted + 10 sandboxed extensions, measured in the same run, then the
// latter with the `inline` sandbox engine (what the worker process costs). Also the CPU
// the tree spent until that first 200 (user + system from /proc), which a busy machine moves much
// less than the wall time.
//
// BENCH_BASELINE_ROOT=/path/to/another/checkout (built) adds an A/B: boots of that checkout and of
// this one alternate round by round on the same extension folder, and the ratios are printed.
// The host is `annex start` (host/bin/annex.js) run in the bench folder, as a user runs it: without
// --no-node-snapshot, which only the inline engine needs (the sandbox workers get the flag
// themselves); BENCH_HOST_FLAGS adds node flags.
//
// Idle RSS is read twice: 1.5 s after the first ping, and once settled (BENCH_BOOT_SETTLE_MS, 20 s
// by default; 0 skips it). Between the two, V8's memory reducer (which waits ≥ 8 s after the last
// full GC for a low allocation rate) shrinks each process's young generation back to 1 MB and
// compacts: the first reading is a host just booted, the second one left idle.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, freePort, hostEnv, percentile, ROOT, tempDir, writeEndpoint, writeHook } from './lib.js';
import { hasProc, treeCpuMs, treePids, treeRssFilesOnceMb, treeRssMb } from './proc.js';

const ROUNDS = Number(process.env.BENCH_BOOT_ROUNDS ?? 3);
const HOST_FLAGS = (process.env.BENCH_HOST_FLAGS ?? '').split(' ').filter(Boolean);
const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT;
const SETTLE_MS = Number(process.env.BENCH_BOOT_SETTLE_MS ?? 20000);

function prepare(withExtensions) {
  const dir = tempDir('annex-bench-boot-');
  const ext = path.join(dir, 'extensions');
  fs.mkdirSync(ext, { recursive: true });
  if (withExtensions) {
    for (let i = 0; i < 5; i++) {
      writeEndpoint(ext, `bench-trusted-ep-${i}`, i);
      writeHook(ext, `bench-trusted-hook-${i}`);
      writeEndpoint(ext, `bench-sandboxed-ep-${i}`, i, true);
      writeHook(ext, `bench-sandboxed-hook-${i}`, { sandbox: true });
    }
  }
  return dir;
}

async function pingUntilUp(port, started) {
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/server/ping`);
      if (res.status === 200) return performance.now() - started;
    } catch {
      /* not listening yet */
    }
    await sleep(5);
  }
}

/** One cold boot (the database already migrated by an earlier boot of the same folder). */
async function boot(dir, { root = ROOT, flags = HOST_FLAGS, idle = true, dataDir, env = {} } = {}) {
  const port = await freePort();
  const started = performance.now();
  const cli = path.join(root, 'host', 'bin', 'annex.js');
  const child = spawn(process.execPath, [...flags, cli, 'start', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: dir,
    env: hostEnv(dir, { PORT: String(port), ...(dataDir ? { ANNEX_DATA_DIR: dataDir } : {}), ...env }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A host that fails to start must fail the benchmark, not leave it pinging forever.
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before answering`))),
  );
  exited.catch(() => {});
  const ms = await Promise.race([pingUntilUp(port, started), exited]);
  const cpuMs = hasProc() ? treeCpuMs(child.pid) : NaN;
  if (idle) await sleep(1500); // idle: let boot-time garbage go and lazy starts settle
  const rss = hasProc() ? treeRssMb(child.pid) : NaN;
  const rssOnce = hasProc() ? treeRssFilesOnceMb(child.pid) : NaN;
  const procs = hasProc() ? treePids(child.pid).length : NaN;
  let settled = NaN;
  let settledOnce = NaN;
  if (idle && SETTLE_MS > 1500 && hasProc()) {
    await sleep(SETTLE_MS - 1500);
    settled = treeRssMb(child.pid);
    settledOnce = treeRssFilesOnceMb(child.pid);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, cpuMs, rss, rssOnce, procs, settled, settledOnce };
}

/** The settled reading's medians, when it was taken. */
function settledText(runs) {
  if (!runs.some((r) => Number.isFinite(r.settled))) return '';
  const med = (key) =>
    percentile(
      runs.map((r) => r[key]),
      50,
    );
  return `, after ${fmt(SETTLE_MS / 1000, 0)} s ${fmt(med('settled'), 0)} MB (files once ${fmt(med('settledOnce'), 0)} MB)`;
}

async function measure(label, dir, options = {}) {
  await boot(dir, options); // migrates and warms the OS file cache; not counted
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await boot(dir, options));
  const ms = percentile(
    runs.map((r) => r.ms),
    50,
  );
  const cpuMs = percentile(
    runs.map((r) => r.cpuMs),
    50,
  );
  const rss = percentile(
    runs.map((r) => r.rss),
    50,
  );
  const rssOnce = percentile(
    runs.map((r) => r.rssOnce),
    50,
  );
  console.log(
    `  ${label.padEnd(40)} boot→ping ${fmt(ms, 0).padStart(5)} ms (CPU ${fmt(cpuMs, 0).padStart(4)} ms)   idle RSS (tree) ${fmt(rss, 0).padStart(4)} MB (files once ${fmt(rssOnce, 0)} MB)${settledText(runs)}   processes ${runs[0].procs}`,
  );
  return { ms, cpuMs, rss };
}

/** Alternates boots of each variant on one folder; prints medians and each variant's ratio to the first. */
async function compare(dir, variants) {
  const runs = variants.map(() => []);
  for (const v of variants) await boot(dir, { ...v, idle: false }); // warm-up, not counted
  for (let i = 0; i < Math.max(ROUNDS, 5); i++) {
    for (let j = 0; j < variants.length; j++) runs[j].push(await boot(dir, variants[j]));
  }
  const median = (r, key) =>
    percentile(
      r.map((x) => x[key]),
      50,
    );
  const med = runs.map((r) => ({
    ms: median(r, 'ms'),
    cpuMs: median(r, 'cpuMs'),
    rss: median(r, 'rss'),
    rssOnce: median(r, 'rssOnce'),
  }));
  variants.forEach((v, j) => {
    const ratio = (key) => fmt(med[j][key] / med[0][key], 2);
    console.log(
      `  ${v.label.padEnd(44)} boot→ping ${fmt(med[j].ms, 0).padStart(5)} ms (${ratio('ms')}×)   CPU to ping ${fmt(med[j].cpuMs, 0).padStart(4)} ms (${ratio('cpuMs')}×)   idle RSS ${fmt(med[j].rss, 0).padStart(3)} MB (${ratio('rss')}×; files once ${fmt(med[j].rssOnce, 0)} MB)${settledText(runs[j])}`,
    );
  });
}

const base = await measure('built-ins only', prepare(false));
const fullDir = prepare(true);
const full = await measure('built-ins + 10 trusted + 10 sandboxed', fullDir);
console.log(
  `  ratio (with extensions / built-ins only): boot ${fmt(full.ms / base.ms, 2)}×, CPU ${fmt(full.cpuMs / base.cpuMs, 2)}×, RSS ${fmt(full.rss / base.rss, 2)}×`,
);
// What the worker process costs: the same extensions with their isolates in the host's own process
// (the `inline` engine, docs/configuration.md), which gives up the worker's crash isolation. A data
// folder of its own: the node flag changes the code cache's flag hash.
await measure('same, EXTENSIONS_SANDBOX_ENGINE=inline', fullDir, {
  flags: [...HOST_FLAGS, '--no-node-snapshot'],
  env: { EXTENSIONS_SANDBOX_ENGINE: 'inline' },
  dataDir: path.join(fullDir, 'data-inline'),
});
if (BASELINE_ROOT) {
  console.log(`  A/B with extensions, alternating boots (baseline: ${BASELINE_ROOT}):`);
  // Each variant keeps its own data folder (code and transform caches; the database is shared): in
  // one folder, two bundles, or one bundle under other V8 flags, evict each other's code cache.
  await compare(fullDir, [
    {
      label: 'baseline checkout, as `annex start` runs it',
      root: BASELINE_ROOT,
      dataDir: path.join(fullDir, 'data-a'),
    },
    { label: 'this checkout, as `annex start` runs it', dataDir: path.join(fullDir, 'data-b') },
    // The operator's option for a memory-tight machine (docs/configuration.md): a 2 MB cap on each of
    // the host's young-generation semi-spaces (V8 flags change the code cache's flag hash, hence a
    // data folder of its own).
    {
      label: 'this checkout, node --max-semi-space-size=2',
      flags: [...HOST_FLAGS, '--max-semi-space-size=2'],
      dataDir: path.join(fullDir, 'data-c'),
    },
  ]);
}
