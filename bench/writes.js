// Writes: POST /items/:collection on a plain collection and on one with a sandboxed filter hook,
// same host, same run. Server CPU per request is read from /proc over the host's whole process
// tree (host + sandbox workers). wrk (Debian `wrk`) drives the headline figures when installed;
// a lean Node client is the second column. BENCH_BASELINE_ROOT=<another built checkout> adds its
// host, measured in alternation with this one's in the same run; BENCH_ROUNDS (3) rounds, medians reported.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { adminToken, fmt, hasWrk, measuredCpu, requestJson, ROOT, startServe, tempDir, wrkPost } from './lib.js';
import { hasProc } from './proc.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Counted rounds (BENCH_ROUNDS); one more runs first, uncounted. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const CONNECTIONS = 10;
/** Directus 12.4.0's figure for the same write (wrk -t1 -c10, same machine; issue 20). */
const DIRECTUS_RPS = 76;

function writeFilterHook(root) {
  const dir = path.join(root, 'bench-sandboxed-filter');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'bench-sandboxed-filter',
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'hook',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: {} },
        annex: { scopes: { items: { stamped: ['create'] } } },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'index.js'),
    `export default ({ filter }) => { filter('stamped.items.create', (p) => ({ ...p, text: p.text + '+' })); };\n`,
  );
}

/** A lean keep-alive client: `CONNECTIONS` loops posting for SECONDS. */
async function leanPost(url, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const body = '{"text":"x"}';
  const until = performance.now() + SECONDS * 1000;
  let requests = 0;
  let bad = 0;
  const one = () =>
    new Promise((resolve) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            requests++;
            if (res.statusCode !== 200) bad++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        bad++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) await one();
    }),
  );
  agent.destroy();
  return { requests, bad, rps: requests / SECONDS };
}

/** A host of `root` (this checkout or the baseline) on a fresh folder, with the two collections; its URL and token. */
async function setUp(root) {
  const dir = tempDir('annex-bench-writes-');
  fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
  writeFilterHook(path.join(dir, 'extensions'));
  const { child, url } = await startServe(dir, root);
  const token = await adminToken(url);
  for (const collection of ['plain', 'stamped'])
    await requestJson(`${url}/collections`, 'POST', { collection, fields: [{ field: 'text', type: 'string' }] }, token);
  const check = await requestJson(`${url}/items/stamped`, 'POST', { text: 'a' }, token);
  if (check.body?.data?.text !== 'a+')
    throw new Error(`the sandboxed filter did not run: ${JSON.stringify(check.body)}`);
  return { child, url, token, script: path.join(dir, 'post.lua'), dir };
}

/**
 * The floor (bench/write-floor.js): node:http + better-sqlite3 doing the same statements on a copy
 * of `host`'s tables, answering the same token.
 */
async function startFloor(host) {
  const dir = tempDir('annex-bench-floor-');
  const user = JSON.parse(Buffer.from(host.token.split('.')[1], 'base64url').toString('utf8')).id;
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'write-floor.js')], {
    env: {
      ...process.env,
      FLOOR_SOURCE_DB: path.join(host.dir, 'annex.db'),
      FLOOR_DB: path.join(dir, 'floor.db'),
      FLOOR_TOKEN: host.token,
      FLOOR_USER: user,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`the floor server exited with ${code}`)));
  });
  const check = await requestJson(`${url}/items/stamped`, 'POST', { text: 'a' }, host.token);
  if (check.body?.data?.text !== 'a+') throw new Error(`the floor server did not write: ${JSON.stringify(check.body)}`);
  return { child, url, token: host.token, script: path.join(dir, 'post.lua'), floor: true };
}

const cell = (m) =>
  m
    ? `${fmt(m.rps, 0).padStart(5)} req/s ${fmt(m.cpuPerReq * 1000, 0).padStart(5)} µs CPU/req [${m.cpuRange.map((x) => fmt(x * 1000, 0)).join('–')}]${m.bad ? ` (${m.bad} failed)` : ''}`
    : '        (no wrk)              ';

// BENCH_BASELINE_ROOT=<another built checkout>: its host and this one, measured in alternation, same run.
const roots = [
  ...(process.env.BENCH_BASELINE_ROOT ? [['baseline', path.resolve(process.env.BENCH_BASELINE_ROOT)]] : []),
  ['this checkout', ROOT],
];
const hosts = [];
try {
  for (const [name, root] of roots) hosts.push({ name, ...(await setUp(root)) });
  // BENCH_FLOOR=off leaves the floor out.
  if (process.env.BENCH_FLOOR !== 'off')
    hosts.push({ name: 'floor: node:http + better-sqlite3, same statements', ...(await startFloor(hosts.at(-1))) });
  const annex = hosts.filter((h) => !h.floor);
  const withWrk = hasWrk();
  const cases = [
    ['without hook', 'plain'],
    ['sandboxed filter hook', 'stamped'],
  ];
  for (const h of hosts) for (const [, collection] of cases) await leanPost(`${h.url}/items/${collection}`, h.token); // warm-up
  // Rounds alternate the hosts (and their order, so neither always runs first); each figure is the
  // median over the rounds, with its range. The first round is not counted (JIT, table growth).
  const perHost = new Map(hosts.map((h) => [h, cases.map(([label]) => ({ label, w: [], l: [] }))]));
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loadBefore = hasProc() ? load() : 'n/a';
  for (let round = 0; round <= ROUNDS; round++) {
    for (const h of round % 2 ? [...hosts].reverse() : hosts) {
      for (const [i, [, collection]] of cases.entries()) {
        const target = `${h.url}/items/${collection}`;
        const w = withWrk
          ? await measuredCpu(h.child.pid, () =>
              wrkPost(target, h.token, h.script, { seconds: SECONDS, connections: CONNECTIONS }),
            )
          : null;
        const l = await measuredCpu(h.child.pid, () => leanPost(target, h.token));
        if (round === 0) continue;
        const row = perHost.get(h)[i];
        if (w) row.w.push(w);
        row.l.push(l);
      }
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
  };
  const summary = (ms) =>
    ms.length
      ? {
          rps: median(ms.map((m) => m.rps)),
          cpuPerReq: median(ms.map((m) => m.cpuPerReq)),
          cpuRange: [Math.min(...ms.map((m) => m.cpuPerReq)), Math.max(...ms.map((m) => m.cpuPerReq))],
          bad: ms.reduce((n, m) => n + (m.bad ?? 0), 0),
        }
      : null;
  console.log(
    `${ROUNDS} rounds of ${SECONDS} s per case and client (medians, CPU range in brackets); load average ${loadBefore} before, ${hasProc() ? load() : 'n/a'} after`,
  );
  for (const h of hosts) {
    const rows = perHost.get(h).map(({ label, w, l }) => ({ label, w: summary(w), l: summary(l) }));
    if (hosts.length > 1) console.log(`${h.name}:`);
    for (const { label, w, l } of rows)
      console.log(`  POST /items ${label.padEnd(22)} wrk: ${cell(w)}   lean client: ${cell(l)}`);
    const [a, b] = rows;
    const ratio = (x, y, k) => (x && y ? fmt(y[k] / x[k], 2) : 'n/a');
    console.log(
      `  hook / no hook: wrk req/s ${ratio(a.w, b.w, 'rps')}×, CPU/req ${ratio(a.w, b.w, 'cpuPerReq')}×; lean req/s ${ratio(a.l, b.l, 'rps')}×, CPU/req ${ratio(a.l, b.l, 'cpuPerReq')}×`,
    );
    if (h.floor) continue;
    const hooked = b.w ?? b.l;
    console.log(
      `  with the hook (${b.w ? 'wrk' : 'lean client'}): ${fmt(hooked.cpuPerReq, 2)} ms CPU/req (target ≤ 0.3), ${fmt(hooked.rps / DIRECTUS_RPS, 1)}× Directus's ${DIRECTUS_RPS} req/s (target ≥ 10×); SQLite synchronous=${process.env.DB_SQLITE_SYNCHRONOUS || 'normal'}`,
    );
  }
  /** Per-round ratios of `mine`'s CPU per request over `base`'s (same round, back to back), per case. */
  const compare = (title, base, mine) => {
    for (const [i, [label]] of cases.entries()) {
      const [b, m] = [perHost.get(base)[i], perHost.get(mine)[i]];
      const key = b.w.length && m.w.length ? 'w' : 'l';
      const ratios = m[key].map((x, r) => x.cpuPerReq / b[key][r].cpuPerReq);
      console.log(
        `${title}, CPU/req, ${label} (${key === 'w' ? 'wrk' : 'lean client'}): median ${fmt(median(ratios), 3)} (rounds ${fmt(Math.min(...ratios), 3)}–${fmt(Math.max(...ratios), 3)})`,
      );
    }
  };
  if (annex.length > 1) compare('this / baseline', annex[0], annex[1]);
  const floor = hosts.find((h) => h.floor);
  if (floor) compare('this / floor', floor, annex.at(-1));
} finally {
  for (const h of hosts) h.child.kill('SIGTERM');
}
