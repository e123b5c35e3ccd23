// Sandboxed endpoint throughput vs the same endpoint trusted, both served by one host process
// (the load generator runs in this process). Target: sandboxed / trusted ≥ 0.7.
//
// The generator shares the machine's cores with the host and its sandbox worker, so what it
// costs per request is taken from what it measures. The headline uses a lean raw-socket client
// (http-load.js, ~13 µs of CPU per request); Node's http client (~30 µs) is printed beside it,
// and wrk (C) when installed.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fmt, hasWrk, hostEnv, parseWrk, ROOT, tempDir, writeEndpoint } from './lib.js';
import { load } from './http-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 32);

function startHost(dir) {
  const child = spawn(process.execPath, ['--no-node-snapshot', path.join(ROOT, 'bench', 'serve.js')], {
    env: hostEnv(dir, { BENCH_DIR: dir }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve({ child, url: String(d).trim() }));
    child.once('exit', (code) => reject(new Error(`host exited ${code}`)));
  });
}

/** CPU time (ms) used so far by `pid` (Linux /proc; null elsewhere). */
function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

function childPids(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU of the host, its children (sandbox workers, esbuild) and this load generator, for `run`. */
async function withCpu(hostPid, run) {
  const pids = [hostPid, ...childPids(hostPid)];
  const before = pids.map(cpuMs);
  const self = process.cpuUsage();
  const result = await run();
  const after = pids.map(cpuMs);
  const used = process.cpuUsage(self);
  const host = after[0] !== null && before[0] !== null ? after[0] - before[0] : null;
  const children = pids.slice(1).reduce((n, _, i) => n + ((after[i + 1] ?? 0) - (before[i + 1] ?? 0)), 0);
  return { ...result, cpu: { host, children, loadgen: (used.user + used.system) / 1000 } };
}

/** Node's own http client as the generator: heavier per request (shown to make the point above). */
async function loadWithHttpAgent(url, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const until = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          // Only answers within the window count towards the rate (the last ones in flight drain uncounted).
          if (res.statusCode !== 200) failed++;
          else if (performance.now() <= until) ok++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await one();
    }),
  );
  agent.destroy();
  return { rps: ok / seconds, ok, failed };
}

/** One wrk run (C load generator, one thread): requests per second, or null if wrk failed. */
function wrk(url, connections, seconds) {
  try {
    const { rps } = parseWrk(
      execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], { encoding: 'utf8' }),
    );
    return Number.isNaN(rps) ? null : rps;
  } catch {
    return null;
  }
}

/**
 * The same comparison driven by wrk (Debian package `wrk`, optional) at several connection
 * counts: wrk costs the shared cores far less than the Node client above, and on this kind of
 * machine the ratio moves with concurrency as much as with the sandbox, so one figure alone
 * would mislead.
 */
function wrkSweep(url) {
  console.log('  with wrk (1 thread, 3 s per run, trusted/sandboxed interleaved, median of 3):');
  for (const connections of [16, 32, 64]) {
    wrk(`${url}/bench-trusted?a=1`, connections, 1);
    wrk(`${url}/bench-sandboxed?a=1`, connections, 1);
    const rounds = [];
    for (let i = 0; i < 3; i++) {
      const rt = wrk(`${url}/bench-trusted?a=1`, connections, 3);
      const rs = wrk(`${url}/bench-sandboxed?a=1`, connections, 3);
      if (rt === null || rs === null) return console.log('  wrk failed; sweep skipped');
      rounds.push({ t: rt, s: rs });
    }
    const r = summarize(rounds);
    console.log(
      `    ${String(connections).padStart(2)} connections: trusted ${fmt(r.t, 0)} req/s, sandboxed ${fmt(r.s, 0)} req/s (medians), ratio ${fmt(r.ratio, 2)} ${range(r.ratios)}`,
    );
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
/**
 * One statistic throughout: the median. Figures are the medians of each side's rounds; the ratio is the
 * median of the per-round ratios (each round runs trusted then sandboxed back to back, so a pair shares
 * the machine's state), printed with its range.
 */
function summarize(rounds) {
  const ratios = rounds.map((r) => r.s / r.t);
  return { t: median(rounds.map((r) => r.t)), s: median(rounds.map((r) => r.s)), ratio: median(ratios), ratios };
}
const range = (ratios) =>
  `(range ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)} over ${ratios.length} rounds)`;

/**
 * Trusted and sandboxed, interleaved, ROUNDS times each at `connections`: medians, the ratio of
 * medians, failures, and (with `cpu`) where the CPU went per request.
 */
async function compare(url, connections, { generator = load, cpu = null } = {}) {
  const run = (name, seconds) => generator(`${url}/${name}?a=1`, seconds, connections);
  await run('bench-trusted', 0.5);
  await run('bench-sandboxed', 0.5);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const trusted = await (cpu ? withCpu(cpu, () => run('bench-trusted', SECONDS)) : run('bench-trusted', SECONDS));
    const sandboxed = await (cpu
      ? withCpu(cpu, () => run('bench-sandboxed', SECONDS))
      : run('bench-sandboxed', SECONDS));
    rounds.push({ trusted, sandboxed });
  }
  const { t, s, ratio, ratios } = summarize(rounds.map((r) => ({ t: r.trusted.rps, s: r.sandboxed.rps })));
  const failed = rounds.reduce((n, r) => n + r.trusted.failed + r.sandboxed.failed, 0);
  return { t, s, ratio, ratios, failed, rounds };
}

/** CPU µs per request of each kind of process, summed over the rounds. */
function cpuPerRequest(rounds, kind, part) {
  const ms = rounds.reduce((n, r) => n + (r[kind].cpu[part] ?? NaN), 0);
  const requests = rounds.reduce((n, r) => n + r[kind].ok, 0);
  return fmt((ms * 1000) / requests, 1);
}

async function main() {
  const dir = tempDir('annex-bench-tp-');
  fs.mkdirSync(path.join(dir, 'extensions'));
  writeEndpoint(path.join(dir, 'extensions'), 'bench-trusted', 'x', false);
  writeEndpoint(path.join(dir, 'extensions'), 'bench-sandboxed', 'x', true);
  const { child, url } = await startHost(dir);
  const lean = (target, seconds, connections) => load(target, { seconds, connections });
  try {
    console.log(
      `endpoint throughput, sandboxed vs trusted (lean keep-alive load generator, ${SECONDS}s per run, interleaved, median of ${ROUNDS})`,
    );
    const head = await compare(url, CONNECTIONS, { generator: lean, cpu: child.pid });
    console.log(`  trusted   ${fmt(head.t, 0)} req/s (median)`);
    console.log(`  sandboxed ${fmt(head.s, 0)} req/s (median)`);
    console.log(
      `  ratio sandboxed/trusted ${fmt(head.ratio, 2)} (median of per-round ratios) ${range(head.ratios)} at ${CONNECTIONS} connections (target ≥ 0.7)${head.failed ? `; ${head.failed} failed requests` : ''}`,
    );
    /* Where the CPU goes, per request: the two cores are shared by all three kinds of process. */
    for (const kind of ['trusted', 'sandboxed']) {
      console.log(
        `  CPU µs per ${kind.padEnd(9)} request: host ${cpuPerRequest(head.rounds, kind, 'host')}, sandbox workers ${cpuPerRequest(head.rounds, kind, 'children')}, load generator ${cpuPerRequest(head.rounds, kind, 'loadgen')}`,
      );
    }
    const server = (kind) =>
      Number(cpuPerRequest(head.rounds, kind, 'host')) + Number(cpuPerRequest(head.rounds, kind, 'children'));
    console.log(
      `  server CPU per request (host + sandbox workers), sandboxed / trusted: ${fmt(server('sandboxed') / server('trusted'), 2)} (target ≤ 1.5)`,
    );
    for (const connections of [16, 64]) {
      const r = await compare(url, connections, { generator: lean });
      console.log(
        `  ${String(connections).padStart(2)} connections: trusted ${fmt(r.t, 0)}, sandboxed ${fmt(r.s, 0)} req/s, ratio ${fmt(r.ratio, 2)} ${range(r.ratios)}${r.failed ? `; ${r.failed} failed` : ''}`,
      );
    }
    const heavy = await compare(url, CONNECTIONS, { generator: loadWithHttpAgent });
    console.log(
      `  with Node's http client as the generator (it takes most of a core): ratio ${fmt(heavy.ratio, 2)} ${range(heavy.ratios)} (trusted ${fmt(heavy.t, 0)}, sandboxed ${fmt(heavy.s, 0)} req/s)`,
    );
    if (hasWrk()) wrkSweep(url);
    else console.log('  (install wrk for the same comparison at 16/32/64 connections with a C load generator)');
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
