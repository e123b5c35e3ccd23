// Routes: what the host costs per request on its own routes, against a bare node:http server in
// the same run. `annex start` (the bundled host, as operators run it) serves `GET /server/ping` (a
// built-in endpoint: koa, then Express) and `GET /items/:collection` (a read with an admin token);
// the bare server answers `pong`. Server CPU per request is read from /proc over each process tree
// while wrk (Debian `wrk`, one thread, 10 connections) drives it; the servers take turns.
// BENCH_BASELINE_ROOT=<another built checkout> adds its host to the turns (an A/B in one run).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { adminToken, fmt, hasWrk, hostEnv, parseWrk, percentile, requestJson, ROOT, tempDir } from './lib.js';
import { hasProc, treeCpuMs } from './proc.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE_ROOT = process.env.BENCH_BASELINE_ROOT;

const BARE = `require('node:http').createServer((req, res) => { res.setHeader('Content-Type', 'text/plain; charset=utf-8'); res.end('pong'); }).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });`;

function wrk(url, token) {
  const args = ['-t1', '-c10', `-d${SECONDS}s`, url];
  if (token) args.unshift('-H', `Authorization: Bearer ${token}`);
  const r = parseWrk(execFileSync('wrk', args, { encoding: 'utf8' }));
  if (r.bad) throw new Error(`${url}: ${r.bad} failed responses`);
  return r;
}

function started(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const url = /http:\/\/[\w.:]+/.exec(text)?.[0];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function startAnnex(root, dir) {
  const cli = path.join(root, 'host', 'bin', 'annex.js');
  const child = spawn(process.execPath, ['--no-node-snapshot', cli, 'start', '--port', '0', '--host', '127.0.0.1'], {
    cwd: dir,
    env: hostEnv(dir, { LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await started(child);
  const token = await adminToken(url);
  const post = (p, body) => requestJson(`${url}${p}`, 'POST', body, token);
  await post('/collections', { collection: 'notes', fields: [{ field: 'title', type: 'string' }] });
  for (let i = 0; i < 10; i++) await post('/items/notes', { title: `note ${i}` });
  return { child, url, token };
}

/** CPU µs per request over the server's tree while wrk runs. */
function measure(server, route, token) {
  const before = treeCpuMs(server.child.pid);
  const r = wrk(`${server.url}${route}`, token);
  return { ...r, cpuUs: ((treeCpuMs(server.child.pid) - before) * 1000) / Math.max(1, r.requests) };
}

if (!hasProc() || !hasWrk()) {
  console.log('routes: needs /proc (Linux) and wrk (Debian package `wrk`); skipped');
  process.exit(0);
}
const dirs = [];
const servers = [];
try {
  const bare = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push({ label: 'bare node:http', child: bare, url: await started(bare), routes: [['/', null]] });
  const roots = [['annex', ROOT], ...(BASELINE_ROOT ? [['baseline', path.resolve(BASELINE_ROOT)]] : [])];
  for (const [label, root] of roots) {
    const dir = tempDir('annex-bench-routes-');
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
    const s = await startAnnex(root, dir);
    servers.push({ label, ...s, routes: [['/server/ping'], ['/items/notes', s.token]] });
  }
  const runs = new Map();
  for (const s of servers) for (const [route, token] of s.routes) wrk(`${s.url}${route}`, token); // warm-up
  for (let round = 0; round < ROUNDS; round++)
    for (const s of servers)
      for (const [route, token] of s.routes) {
        const key = `${s.label} ${route}`;
        runs.set(key, [...(runs.get(key) ?? []), measure(s, route, token)]);
      }
  const med = (key, k) =>
    percentile(
      runs.get(key).map((r) => r[k]),
      50,
    );
  const bareUs = med('bare node:http /', 'cpuUs');
  console.log(
    `routes: server CPU per request (whole process tree), wrk -t1 -c10, median of ${ROUNDS} interleaved runs`,
  );
  for (const key of runs.keys()) {
    const us = med(key, 'cpuUs');
    console.log(
      `  ${key.padEnd(30)} ${fmt(med(key, 'rps'), 0).padStart(6)} req/s ${fmt(us, 0).padStart(5)} µs CPU/req  (${fmt(us / bareUs, 2)}× bare node)`,
    );
  }
  if (BASELINE_ROOT)
    for (const route of ['/server/ping', '/items/notes'])
      console.log(
        `  ${route}: annex / baseline CPU per request ${fmt(med(`annex ${route}`, 'cpuUs') / med(`baseline ${route}`, 'cpuUs'), 2)}`,
      );
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}
