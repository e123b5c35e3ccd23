// Boot: time from spawn to the first /server/ping 200, and idle RSS summed over the host's whole
// process tree (host, sandbox workers, anything they spawned), for the built-ins alone (baseline)
// and the built-ins + 10 trusted + 10 sandboxed extensions, measured in the same run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, fmt, hostEnv, percentile, tempDir, writeEndpoint, writeHook } from './lib.js';
import { hasProc, treePids, treeRssMb } from './proc.js';

const ROUNDS = Number(process.env.BENCH_BOOT_ROUNDS ?? 3);

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
async function boot(dir, port) {
  const started = performance.now();
  const child = spawn(process.execPath, ['--no-node-snapshot', path.join(ROOT, 'bench', 'serve.js')], {
    env: hostEnv(dir, { BENCH_DIR: dir, PORT: String(port), BENCH_PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ms = await pingUntilUp(port, started);
  await sleep(1500); // idle: let boot-time garbage go and lazy starts settle
  const rss = hasProc() ? treeRssMb(child.pid) : NaN;
  const procs = hasProc() ? treePids(child.pid).length : NaN;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, rss, procs };
}

async function measure(label, dir, port) {
  await boot(dir, port); // migrates and warms the OS file cache; not counted
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await boot(dir, port));
  const ms = percentile(runs.map((r) => r.ms), 50);
  const rss = percentile(runs.map((r) => r.rss), 50);
  console.log(`  ${label.padEnd(40)} boot→ping ${fmt(ms, 0).padStart(5)} ms   idle RSS (tree) ${fmt(rss, 0).padStart(4)} MB   processes ${runs[0].procs}`);
  return { ms, rss };
}

const base = await measure('built-ins only', prepare(false), 41801);
const full = await measure('built-ins + 10 trusted + 10 sandboxed', prepare(true), 41802);
console.log(`  ratio (with extensions / built-ins only): boot ${fmt(full.ms / base.ms, 2)}×, RSS ${fmt(full.rss / base.rss, 2)}×`);
