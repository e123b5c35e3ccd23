// Cluster: how long an admin change takes to hold on every host (docs/cluster.md). Three `annex
// start` processes share one PostgreSQL database; an enable or disable on one of them returns once
// the other two acknowledged it, so the call's duration is the convergence. The baseline, in the
// same run, is the same call on a host alone on a database of its own (nothing to wait for). After
// every call, each host is asked at once: all must already answer the new state. Then the same for
// a marketplace install of a sandboxed extension, its grant and its uninstall (a local registry
// seeded from fixtures/marketplace): each host fetches, verifies and loads it before the call returns.
//
// Needs PostgreSQL: BENCH_PG (or ANNEX_TEST_PG) = a connection string of a role that may create
// databases; without it the benchmark says so and exits. BENCH_CLUSTER_ROUNDS (10): enables and
// disables per variant (and a third as many marketplace cycles).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminToken, fmt, freePort, hostEnv, percentile, requestJson, ROOT, tempDir } from './lib.js';

const PG = process.env.BENCH_PG ?? process.env.ANNEX_TEST_PG;
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 10);
const MARKET_ROUNDS = Math.max(1, Math.round(ROUNDS / 3));
const EXTENSION = 'annex-sample-endpoint';
/** A sandboxed endpoint of fixtures/marketplace (route `/greeter`): an install waits for a grant. */
const MARKET = { name: 'annex-market-greeter', version: '1.0.0', route: '/greeter' };

if (!PG) {
  console.log('cluster: skipped (set BENCH_PG or ANNEX_TEST_PG to a PostgreSQL connection string)');
  process.exit(0);
}
const { Client } = createRequire(path.join(ROOT, 'host', 'package.json'))('pg');

/** A new database on the server of PG; its URL and how to drop it. */
async function createDatabase(name) {
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const c = new Client({ connectionString: PG });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** `annex start` on `db` with the sample endpoint in an extensions folder of its own; resolves once it answers. */
async function startHost(db, registry) {
  const dir = tempDir('annex-bench-cluster-');
  fs.cpSync(path.join(ROOT, 'fixtures', 'extensions', EXTENSION), path.join(dir, 'extensions', EXTENSION), {
    recursive: true,
  });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'host', 'bin', 'annex.js'), 'start', '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: dir,
      env: hostEnv(dir, {
        PORT: String(port),
        DB_CLIENT: 'pg',
        DB_CONNECTION_STRING: db.url,
        MARKETPLACE_REGISTRY: registry,
      }),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a host exited (${child.exitCode}) before answering`);
    const up = await fetch(`${url}/server/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, url };
    await sleep(20);
  }
}

/** A variant's hosts, the admin token and the extension's id, with what its changes measured. */
async function prepare(label, hosts) {
  const token = await adminToken(hosts[0].url);
  const id = (await requestJson(`${hosts[0].url}/extensions`, 'GET', undefined, token)).body.data.find(
    (e) => e.annex?.name === EXTENSION,
  ).id;
  return { label, hosts, token, id, durations: [], stale: 0, market: { install: [], grant: [], uninstall: [] } };
}

/** What every host of `v` answers on the marketplace extension's route: its version, or the status. */
const marketState = (v) =>
  Promise.all(
    v.hosts.map(async (h) => {
      const res = await fetch(`${h.url}${MARKET.route}`);
      return res.status === 200 ? (await res.json()).version : res.status;
    }),
  );

/** Times `call` on `v`'s first host, then checks every host answers `expected` at once. */
async function timed(v, kind, call, expected) {
  const started = performance.now();
  const res = await call(v.hosts[0].url);
  v.market[kind].push(performance.now() - started);
  if (res.status >= 300) throw new Error(`${kind} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const seen = await marketState(v);
  v.stale += seen.filter((s) => s !== expected).length;
}

/** One install → grant → uninstall cycle of the marketplace extension on `v`. */
async function marketCycle(v) {
  await timed(
    v,
    'install',
    (url) =>
      requestJson(
        `${url}/extensions/registry/install`,
        'POST',
        { extension: MARKET.name, version: MARKET.version },
        v.token,
      ),
    404,
  );
  // An administrator reviews the scopes before granting: time for each host's sandbox worker to start.
  await sleep(1000);
  await timed(
    v,
    'grant',
    (url) => requestJson(`${url}/extensions/${MARKET.name}/grant`, 'POST', {}, v.token),
    MARKET.version,
  );
  await timed(
    v,
    'uninstall',
    (url) => requestJson(`${url}/extensions/registry/uninstall/${MARKET.name}`, 'DELETE', undefined, v.token),
    404,
  );
}

/** Change `i` of variant `v` (a disable, then an enable, each on the next host in turn); every host is asked at once after it. */
async function change(v, i) {
  const enabled = i % 2 === 1;
  const started = performance.now();
  const res = await requestJson(
    `${v.hosts[i % v.hosts.length].url}/extensions/${v.id}`,
    'PATCH',
    { meta: { enabled } },
    v.token,
  );
  const ms = performance.now() - started;
  if (res.status >= 300) throw new Error(`the change failed: ${res.status} ${JSON.stringify(res.body)}`);
  const seen = await Promise.all(v.hosts.map((h) => fetch(`${h.url}/${EXTENSION}`).then((r) => r.status)));
  v.stale += seen.filter((s) => s !== (enabled ? 200 : 404)).length;
  if (i >= 2) v.durations.push(ms); // the first two warm up each route
}

const databases = [];
const children = [];
const { createMarketplaceServer } = await import(path.join(ROOT, 'marketplace', 'dist', 'index.js'));
const registry = await createMarketplaceServer({ dataDir: tempDir('annex-bench-cluster-registry-'), port: 0 });
try {
  await registry.listen();
  await registry.seedFromDirectory(path.join(ROOT, 'fixtures', 'marketplace'), { username: 'annex', verified: true });
  const shared = await createDatabase(`annex_bench_cluster_${process.pid}`);
  const alone = await createDatabase(`annex_bench_alone_${process.pid}`);
  databases.push(shared, alone);
  // The first host migrates and bootstraps the shared database before the others start.
  const cluster = [await startHost(shared, registry.url)];
  cluster.push(...(await Promise.all([startHost(shared, registry.url), startHost(shared, registry.url)])));
  const solo = [await startHost(alone, registry.url)];
  children.push(...cluster, ...solo);
  const variants = [
    await prepare('one host alone (baseline)', solo),
    await prepare('three hosts, one PostgreSQL database', cluster),
  ];
  // The variants take turns change by change, so the machine's load falls on both alike.
  for (let i = 0; i < 2 * ROUNDS + 2; i++) for (const v of variants) await change(v, i);
  const p = (v, q) => percentile(v.durations, q);
  console.log(`cluster: enable/disable of one extension, ${2 * ROUNDS} calls per variant (PATCH /extensions/:id)`);
  for (const v of variants)
    console.log(
      `  ${v.label.padEnd(36)} p50 ${fmt(p(v, 50), 1).padStart(6)} ms   p95 ${fmt(p(v, 95), 1).padStart(6)} ms   old state seen after the call: ${v.stale}`,
    );
  const [a, b] = variants;
  console.log(`  three hosts / one host: p50 ${fmt(p(b, 50) / p(a, 50), 2)}× (docs/cluster.md: well under a second)`);
  for (let i = 0; i < MARKET_ROUNDS; i++) for (const v of variants) await marketCycle(v);
  console.log(
    `marketplace: install, grant, uninstall of ${MARKET.name} (sandboxed), ${MARKET_ROUNDS} cycles per variant, medians`,
  );
  for (const v of variants) {
    const m = (kind) => percentile(v.market[kind], 50);
    console.log(
      `  ${v.label.padEnd(36)} install ${fmt(m('install'), 1).padStart(6)} ms   grant ${fmt(m('grant'), 1).padStart(6)} ms   uninstall ${fmt(m('uninstall'), 1).padStart(6)} ms   (enable p50 ${fmt(p(v, 50), 1)} ms)   old state seen after a call: ${v.stale}`,
    );
  }
} finally {
  for (const h of children) h.child.kill('SIGTERM');
  await Promise.all(children.map((h) => (h.child.exitCode === null ? new Promise((r) => h.child.once('exit', r)) : 0)));
  for (const db of databases) await db.drop().catch(() => {});
  await registry.close();
}
