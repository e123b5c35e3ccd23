import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase, PG_URL } from '../helpers/pg.js';

/** 5xx a sandboxed call may answer while its worker is killed or its extension toggled (docs/sandbox-limits.md). */
const DOCUMENTED_5XX = new Set([
  'RT_WORKER_CRASHED',
  'RT_DISPOSED',
  'RT_TIMEOUT',
  'RT_QUARANTINED',
  'RT_ENGINE_CLOSED',
  'SERVICE_UNAVAILABLE',
]);

export interface SoakReport {
  seconds: number;
  requests: number;
  writes: number;
  unreadable: string[];
  undocumented: { route: string; status: number; code?: string }[];
  workerKills: number;
  listenDrops: number;
  toggles: number;
  rss: { warm: number; end: number; max: number };
  fds: { warm: number; end: number; max: number };
  aliveAtEnd: boolean;
}

function writeExtension(root: string, name: string, type: 'endpoint', scopes: object, code: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type,
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: scopes },
      },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', 'index.js'), code);
  return dir;
}

/** PIDs of the sandbox workers of `t`'s host (two soaks may run side by side in one process). */
async function sandboxWorkerPids(t: TestHost): Promise<number[]> {
  const engine = await t.host.kernel.sandbox();
  return engine.workers().flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;

/**
 * Mixed load for `seconds` against one host (REST reads and writes, sandboxed reads and writes,
 * enable/disable of an extension) while sandbox workers are SIGKILLed and, on PostgreSQL, the
 * cluster's listening connection is dropped. Returns what the checks need.
 */
export async function runSoak(seconds: number, options: { pg?: boolean } = {}): Promise<SoakReport> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-soak-'));
  const soaker = writeExtension(
    root,
    'soaker',
    'endpoint',
    { items: { soak_notes: ['read', 'create'] } },
    `import { items } from 'directus:api';
export default (router) => {
  router.post('/', async (req) => ({ status: 200, body: { id: await items('soak_notes').createOne({ title: req.body.title }) } }));
  router.get('/', async () => ({ status: 200, body: await items('soak_notes').readByQuery({ limit: 5 }) }));
};
`,
  );
  const toggler = writeExtension(
    root,
    'toggler',
    'endpoint',
    {},
    `export default (router) => { router.get('/', () => 'on'); };\n`,
  );
  const db = options.pg && PG_URL ? await createTestDatabase('annex_soak') : undefined;
  const t: TestHost = await startHost({
    extensions: [soaker, toggler],
    env: db ? { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url } : {},
  });
  const report: SoakReport = {
    seconds,
    requests: 0,
    writes: 0,
    unreadable: [],
    undocumented: [],
    workerKills: 0,
    listenDrops: 0,
    toggles: 0,
    rss: { warm: 0, end: 0, max: 0 },
    fds: { warm: 0, end: 0, max: 0 },
    aliveAtEnd: false,
  };
  const written = new Map<string, string>();
  try {
    await createCollection(t, 'soak_notes', { title: 'string' });
    const togglerId = (await t.api('GET', '/extensions')).body.data.find(
      (e: { annex?: { name?: string }; name?: string }) => (e.annex?.name ?? e.name) === 'toggler',
    )?.id;
    const until = Date.now() + seconds * 1000;
    let seq = 0;
    const note = (route: string, res: { status: number; body: any }) => {
      report.requests++;
      if (res.status < 500) return;
      const code = res.body?.errors?.[0]?.extensions?.code;
      // Only sandboxed calls may answer a documented 5xx; the host's own routes never do.
      if (!(route.startsWith('/soaker') || route.startsWith('/toggler')) || !DOCUMENTED_5XX.has(code))
        report.undocumented.push({ route, status: res.status, code });
    };
    const loop = async (fn: () => Promise<void>, pauseMs = 0) => {
      while (Date.now() < until) {
        await fn().catch((err) =>
          report.undocumented.push({ route: 'client', status: 0, code: String(err?.code ?? err?.message ?? err) }),
        );
        if (pauseMs) await sleep(pauseMs);
      }
    };
    const warmup = sleep(Math.min(2000, seconds * 200)).then(() => {
      report.rss.warm = process.memoryUsage().rss;
      report.fds.warm = openFds();
    });
    await Promise.all([
      warmup,
      loop(async () => {
        const title = `rest-${seq++}`;
        const res = await t.api('POST', '/items/soak_notes', { title });
        note('/items', res);
        if (res.status < 300) written.set(String(res.body.data.id), title);
      }),
      loop(async () => {
        const title = `sbx-${seq++}`;
        const res = await t.api('POST', '/soaker', { title });
        note('/soaker', res);
        if (res.status < 300) written.set(String(res.body.id), title);
      }),
      loop(async () => note('/items', await t.api('GET', '/items/soak_notes?limit=10&sort=-id'))),
      loop(async () => note('/soaker', await t.api('GET', '/soaker'))),
      loop(async () => note('/toggler', await t.api('GET', '/toggler')), 20),
      loop(async () => {
        if (!togglerId) return;
        report.toggles++;
        note(
          '/extensions',
          await t.api('PATCH', `/extensions/${togglerId}`, { meta: { enabled: report.toggles % 2 === 0 } }),
        );
      }, 1500),
      loop(async () => {
        await sleep(2500);
        const pids = await sandboxWorkerPids(t);
        if (pids.length === 0 || Date.now() >= until) return;
        process.kill(pids[report.workerKills % pids.length]!, 'SIGKILL');
        report.workerKills++;
      }),
      loop(async () => {
        await sleep(4000);
        if (!db || Date.now() >= until) return;
        const r = await t.host.knex.raw(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'LISTEN %'",
        );
        report.listenDrops += r.rows.length;
      }),
      loop(async () => {
        report.rss.max = Math.max(report.rss.max, process.memoryUsage().rss);
        report.fds.max = Math.max(report.fds.max, openFds());
      }, 500),
    ]);
    // Let the last restarts settle, then read every acknowledged write back: all rows in one read
    // (thousands of single-item reads one after another were a fifth of the file's time).
    await sleep(1000);
    const all = await t.api('GET', '/items/soak_notes?limit=-1&fields=id,title');
    const stored = new Map<string, unknown>(
      all.status === 200
        ? all.body.data.map((row: { id: unknown; title: unknown }) => [String(row.id), row.title])
        : [],
    );
    for (const [id, title] of written) {
      report.writes++;
      if (stored.get(id) !== title) report.unreadable.push(`${id}: ${all.status}, ${JSON.stringify(stored.get(id))}`);
    }
    report.rss.end = process.memoryUsage().rss;
    report.fds.end = openFds();
    report.aliveAtEnd = (await t.api('GET', '/server/ping')).status === 200;
  } finally {
    await t.close();
    await db?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return report;
}
