import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase } from '../helpers/pg.js';
import { openAuthenticated, openSocket } from '../helpers/realtime.js';
import { totpCode } from '../helpers/totp.js';
import { PG_MISSING, skipWithout } from '../helpers/requires.js';
import { eventually, writeEndpoint, writeHook } from '../helpers/write-extension.js';
import { startFixtureRegistry } from '../helpers/registry.js';

/** A trusted hook extension that records the second of every run of a per-second schedule in `table`. */
function writeTicker(name: string, table: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `annex-${name}-`));
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'migrations', '001-table.js'),
    `export async function up(knex) {\n  await knex.schema.createTable('${name.replace(/-/g, '_')}_migration_runs', (t) => { t.bigInteger('at'); });\n}\n`,
  );
  writeHook(
    root,
    name,
    '',
    `export default ({ schedule }, { database }) => {
  schedule('* * * * * *', async () => {
    await database.raw('create table if not exists ${table} (at bigint not null)');
    await database('${table}').insert({ at: Math.floor(Date.now() / 1000) });
  });
};
`,
  );
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  pkg['directus:extension'].annex = { migrations: 'migrations' };
  fs.writeFileSync(pkgFile, JSON.stringify(pkg));
  return dir;
}

/** Two hosts on one PostgreSQL database (DESIGN §9): what one changes, the other applies without a restart. */
describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))('two hosts sharing one PostgreSQL database', () => {
  let db: { url: string; drop(): Promise<void> };
  let registry: MarketplaceServer;
  let a: TestHost;
  let b: TestHost;
  const registryDirs = (t: TestHost) => {
    const dir = path.join(t.extensionsPath, '.registry');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.startsWith('.') && f !== 'annex-state.json') : [];
  };

  beforeAll(async () => {
    db = await createTestDatabase('annex_cluster');
    registry = await startFixtureRegistry();
    // A trusted hook ticking every second: both hosts load it, one of them may run each tick.
    const ticker = writeTicker('cluster-ticker', 'cluster_ticks');
    // A sandboxed endpoint with a runaway route: five calls to it quarantine it.
    const runaway = writeEndpoint(
      fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cluster-runaway-')),
      'cluster-runaway',
      '',
      {
        sandbox: true,
        raw: `export default (router) => { router.get('/spin', () => { while (true) {} }); router.get('/', () => 'ok'); };\n`,
      },
    );
    const env = {
      DB_CLIENT: 'pg',
      DB_CONNECTION_STRING: db.url,
      MARKETPLACE_REGISTRY: registry.url,
      EXTENSIONS_SANDBOX_TIMEOUT: '200',
      WEBSOCKETS_ENABLED: 'true',
    };
    const extensions = ['extensions/annex-sample-endpoint', ticker, runaway];
    a = await startHost({ extensions, env });
    b = await startHost({ extensions, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await registry?.close();
    await db?.drop();
  });

  it('lists both hosts, alive, with what each runs', async () => {
    const hosts = await eventually(
      async () => (await a.api('GET', '/server/hosts')).body.data,
      (d: any[]) => d?.length === 2,
    );
    expect(hosts.every((h: any) => h.alive)).toBe(true);
    expect(hosts.filter((h: any) => h.self)).toHaveLength(1);
    for (const h of hosts)
      expect(h.extensions.find((e: any) => e.id === 'annex-sample-endpoint')?.state).toBe('active');
    expect((await b.api('GET', '/server/hosts', undefined, null)).status).toBe(403);
  });

  it('disabling an extension on one host stops it on the other; enabling brings it back', async () => {
    const id = (await a.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-endpoint',
    ).id;
    expect((await b.api('GET', '/annex-sample-endpoint')).status).toBe(200);
    await a.api('PATCH', `/extensions/${id}`, { meta: { enabled: false } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint')).status,
      (s) => s === 404,
    );
    await a.api('PATCH', `/extensions/${id}`, { meta: { enabled: true } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint')).status,
      (s) => s === 200,
    );
  });

  it('a quarantine on one host holds on the other, and a reset on either host lifts it on both', async () => {
    const state = (t: TestHost) => async () =>
      (await t.api('GET', '/extensions/cluster-runaway/status')).body.data.state;
    expect((await b.api('GET', '/cluster-runaway')).body).toBe('ok');
    for (let i = 0; i < 5; i++) expect((await a.api('GET', '/cluster-runaway/spin')).status).toBe(504);
    await eventually(state(a), (s) => s === 'quarantined');
    // The other host unloads it: code that kept faulting (or crashed a worker) is not run there either.
    await eventually(state(b), (s) => s === 'quarantined');
    expect((await b.api('GET', '/cluster-runaway')).status).toBe(404);
    expect((await b.api('GET', '/extensions/cluster-runaway/status')).body.data.last_error).toMatchObject({
      code: 'RT_TIMEOUT',
    });
    const listed = (
      await b.api('POST', '/graphql/system', { query: '{ extensions { name quarantine } }' })
    ).body.data.extensions.find((e: any) => e.name === 'cluster-runaway');
    expect(listed.quarantine).toMatchObject({
      at: expect.any(String),
      host: expect.any(String),
      error: { code: 'RT_TIMEOUT' },
    });
    expect((await b.api('POST', '/extensions/cluster-runaway/reset', {})).status).toBe(200);
    expect((await b.api('GET', '/cluster-runaway')).body).toBe('ok');
    await eventually(
      async () => (await a.api('GET', '/cluster-runaway')).body,
      (body) => body === 'ok',
    );
    expect(await state(a)()).toBe('active');
  });

  it('limiting an extension to some roles on one host applies on the other', async () => {
    const guest = await createUser(a, 'cluster-guest', []);
    expect((await b.api('GET', '/annex-sample-endpoint', undefined, guest.token)).status).toBe(200);
    await a.api('PATCH', '/extensions/annex-sample-endpoint', { meta: { roles: ['$public'] } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint', undefined, guest.token)).status,
      (s) => s === 403,
    );
    await a.api('PATCH', '/extensions/annex-sample-endpoint', { meta: { roles: null } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint', undefined, guest.token)).status,
      (s) => s === 200,
    );
  });

  it('a marketplace install, grant, update and uninstall on one host are applied by the other, which downloads the files itself', async () => {
    await a.api('POST', '/extensions/registry/install', { extension: 'annex-market-greeter', version: '1.0.0' });
    await a.api('POST', '/extensions/annex-market-greeter/grant', {});
    expect((await a.api('GET', '/greeter')).body.version).toBe('1.0.0');
    await eventually(
      async () => (await b.api('GET', '/greeter')).body?.version,
      (v) => v === '1.0.0',
    );
    expect(registryDirs(b)).toHaveLength(1);

    await a.api('POST', '/extensions/registry/update', { extension: 'annex-market-greeter' });
    /* The update asks for a new scope: both hosts keep serving v1 until an admin approves. */
    expect((await b.api('GET', '/greeter')).body.version).toBe('1.0.0');
    await b.api('POST', '/extensions/registry/approve', { extension: 'annex-market-greeter' });
    await eventually(
      async () => (await a.api('GET', '/greeter')).body?.version,
      (v) => v === '2.0.0',
    );
    expect((await b.api('GET', '/greeter')).body.version).toBe('2.0.0');
    expect((await a.api('GET', '/extensions/annex-market-greeter/status')).body.data.granted_scopes).toEqual({
      log: {},
      storage: {},
    });

    await a.api('POST', '/extensions/registry/rollback', { extension: 'annex-market-greeter' });
    await eventually(
      async () => (await b.api('GET', '/greeter')).body?.version,
      (v) => v === '1.0.0',
    );

    expect((await a.api('DELETE', '/extensions/registry/uninstall/annex-market-greeter')).status).toBe(204);
    await eventually(
      async () => (await b.api('GET', '/greeter')).status,
      (s) => s === 404,
    );
    await eventually(
      async () => registryDirs(b).length,
      (n) => n === 0,
    );
    // Its row (and grant) goes too once neither host runs it: a reinstall waits for a new grant.
    await eventually(
      async () => (await a.host.knex('directus_extensions').where({ name: 'annex-market-greeter' })).length,
      (n) => n === 0,
    );
  });

  it("a host joining without the others' local extensions (misconfigured) does not delete their settings; it retries the registry until it can reach it", async () => {
    const sampleRow = async () =>
      (await a.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === 'annex-sample-endpoint');
    await a.api('PATCH', '/extensions/annex-sample-endpoint', { meta: { roles: ['$public'] } });
    const before = await sampleRow();
    // Host C reaches the registry through a port where nothing listens yet.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const c = await startHost({
      env: {
        DB_CLIENT: 'pg',
        DB_CONNECTION_STRING: db.url,
        MARKETPLACE_REGISTRY: `http://127.0.0.1:${port}`,
        CLUSTER_SYNC_RETRY: '200',
      },
    });
    // Host C has no annex-sample-endpoint folder: the row the others use stays, roles included.
    expect(await sampleRow()).toMatchObject({ id: before.id, annex: { roles: ['$public'] } });
    await a.api('PATCH', '/extensions/annex-sample-endpoint', { meta: { roles: null } });
    const target = new URL(registry.url);
    const proxy = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    try {
      await a.api('POST', '/extensions/registry/install', { extension: 'annex-market-greeter', version: '1.0.0' });
      await a.api('POST', '/extensions/annex-market-greeter/grant', {});
      await eventually(
        async () => (await b.api('GET', '/greeter')).body?.version,
        (v) => v === '1.0.0',
      );
      await new Promise((r) => setTimeout(r, 600)); // several failed retries
      expect((await c.api('GET', '/greeter')).status).toBe(404);
      expect((await c.api('GET', '/server/ping')).status).toBe(200);
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', () => resolve()));
      await eventually(
        async () => (await c.api('GET', '/greeter')).body?.version,
        (v) => v === '1.0.0',
        10_000,
      );
    } finally {
      await c.close();
      proxy.close();
      await a.api('DELETE', '/extensions/registry/uninstall/annex-market-greeter');
    }
  });

  it('schema and permission changes on one host are seen by the other at once (no stale cache)', async () => {
    expect((await b.api('GET', '/items/planets')).status).toBe(403);
    await createCollection(a, 'planets', { name: 'string' });
    await a.api('POST', '/items/planets', { name: 'Mars' });
    await eventually(
      async () => (await b.api('GET', '/items/planets')).body?.data?.[0]?.name,
      (n) => n === 'Mars',
    );

    const reader = await createUser(a, 'stargazer', []);
    expect((await b.api('GET', '/items/planets', undefined, reader.token)).status).toBe(403);
    await a.api('POST', '/permissions', { role: reader.roleId, collection: 'planets', action: 'read', fields: '*' });
    await eventually(
      async () => (await b.api('GET', '/items/planets', undefined, reader.token)).status,
      (s) => s === 200,
    );
  });

  it('a realtime subscriber on one host hears the changes made on the other, large batches included', async () => {
    await createCollection(a, 'cluster_news', { title: 'string' });
    await eventually(
      async () => (await b.api('GET', '/items/cluster_news')).status,
      (s) => s === 200,
    );
    const s = await openAuthenticated(a.url, a.token);
    s.send({ type: 'subscribe', collection: 'cluster_news', uid: 'n', query: { fields: ['title'] } });
    expect(await s.next()).toEqual({ type: 'subscription', event: 'init', data: [], uid: 'n' });
    const made = (await b.api('POST', '/items/cluster_news', { title: 'made on b' })).body.data;
    expect(await s.next()).toEqual({ type: 'subscription', event: 'create', data: [{ title: 'made on b' }], uid: 'n' });
    // More keys than one notification holds: the change is split, every key arrives.
    const many = Array.from({ length: 2500 }, (_, i) => ({ title: `bulk ${i}` }));
    const keys = (await b.api('POST', '/items/cluster_news?fields=id', many)).body.data.map(
      (r: { id: number }) => r.id,
    );
    await b.api('DELETE', '/items/cluster_news', [...keys, made.id]);
    const deleted: unknown[] = [];
    let messages = 0;
    while (deleted.length < keys.length + 1) {
      const m = await s.next((x) => x.event === 'delete', 10_000);
      deleted.push(...m.data);
      messages++;
    }
    expect(new Set(deleted)).toEqual(new Set([...keys, made.id]));
    expect(messages).toBeGreaterThan(1);
    s.close();
  });

  it('failed logins count across hosts: guesses spread over both lock the account on both', async () => {
    await createUser(a, 'guessed', []);
    const guess = (t: TestHost) =>
      t.api('POST', '/auth/login', { email: 'guessed@example.com', password: 'wrong-guess' }, null);
    // AUTH_LOGIN_ATTEMPTS (10) failures, half on each host: each host alone saw only five.
    for (let i = 0; i < 5; i++) {
      expect((await guess(a)).status).toBe(401);
      expect((await guess(b)).status).toBe(401);
    }
    for (const t of [a, b]) {
      const locked = await t.api(
        'POST',
        '/auth/login',
        { email: 'guessed@example.com', password: 'secret-password' },
        null,
      );
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('a one-time password signs in once across the cluster: a code used on one host is refused on the other', async () => {
    const user = await createUser(a, 'otp-once', []);
    const made = (await a.api('POST', '/users/me/tfa/generate', { password: 'secret-password' }, user.token)).body.data;
    const enabled = await a.api(
      'POST',
      '/users/me/tfa/enable',
      { secret: made.secret, otp: totpCode(made.secret) },
      user.token,
    );
    expect(enabled.status).toBe(204);
    const otp = totpCode(made.secret, 1);
    const login = (t: TestHost) =>
      t.api('POST', '/auth/login', { email: 'otp-once@example.com', password: 'secret-password', otp }, null);
    expect((await login(a)).status).toBe(200);
    const replayed = await login(b);
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors[0].extensions.code).toBe('INVALID_OTP');
  });

  it('a host whose listening connection dropped reconnects and re-reads what it missed', async () => {
    const id = (await a.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-endpoint',
    ).id;
    expect((await b.api('GET', '/server/health')).body.checks['cluster:listening'][0].status).toBe('ok');
    const killed = await a.host.knex.raw(
      "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and query = 'LISTEN annex_cluster'",
    );
    expect(killed.rows.length).toBe(2);
    /* Published while nobody listens: only the re-read after the reconnect can deliver it. */
    await a.api('PATCH', `/extensions/${id}`, { meta: { enabled: false } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint')).status,
      (s) => s === 404,
      10_000,
    );
    await a.api('PATCH', `/extensions/${id}`, { meta: { enabled: true } });
    await eventually(
      async () => (await b.api('GET', '/annex-sample-endpoint')).status,
      (s) => s === 200,
      10_000,
    );
    expect((await b.api('GET', '/server/health')).body.checks['cluster:listening'][0].status).toBe('ok');
  });

  it('an extension migration added on both hosts and reloaded on both at once runs once', async () => {
    const add = (t: TestHost) => {
      const dir = path.join(t.extensionsPath, 'cluster-ticker', 'migrations');
      fs.writeFileSync(
        path.join(dir, '002-count.js'),
        `export async function up(knex) {\n  await knex('cluster_ticker_migration_runs').insert({ at: Date.now() });\n  await new Promise((r) => setTimeout(r, 300)); // keep the transaction open while the other host arrives\n}\n`,
      );
    };
    add(a);
    add(b);
    await Promise.all([
      a.api('POST', '/extensions/cluster-ticker/reload'),
      b.api('POST', '/extensions/cluster-ticker/reload'),
    ]);
    expect(Number((await a.host.knex('cluster_ticker_migration_runs').count({ n: '*' }))[0]!.n)).toBe(1);
    expect(
      await a.host.knex('annex_extension_migrations').where({ extension: 'cluster-ticker' }).pluck('name'),
    ).toEqual(expect.arrayContaining(['001-table.js', '002-count.js']));
    for (const t of [a, b])
      expect((await t.api('GET', '/extensions/cluster-ticker/status')).body.data.last_error).toBeNull();
  });

  it('a schedule runs once per tick across the cluster, not once per host', async () => {
    await eventually(
      async () =>
        Number(
          (
            await a.host.knex
              .raw('select count(distinct at) as n from cluster_ticks')
              .catch(() => ({ rows: [{ n: 0 }] }))
          ).rows[0].n,
        ),
      (n) => n >= 3,
      8000,
      200,
    );
    const { rows } = await a.host.knex.raw(
      'select at, count(*)::int as runs from cluster_ticks group by at order by at',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r: any) => r.runs !== 1)).toEqual([]);
  });
});

/** The same code path with one host on SQLite: it lists itself and claims every tick it schedules. */
describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))('the logs stream across two hosts', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: TestHost;
  let b: TestHost;
  beforeAll(async () => {
    db = await createTestDatabase('annex_cluster_logs');
    // A trusted endpoint that logs a warning carrying a marker.
    const loud = writeEndpoint(fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cluster-logs-')), 'cluster-loud', '', {
      raw: `export default (router, { logger }) => {
  router.get('/', (req, res) => {
    logger.warn({ marker: req.query.m, ...(req.query.big ? { body: 'x'.repeat(20000) } : {}) }, 'a warning to follow');
    res.send('logged');
  });
};
`,
    });
    const env = { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url, WEBSOCKETS_ENABLED: 'true', LOG_LEVEL: 'warn' };
    a = await startHost({ extensions: [loud], env });
    b = await startHost({ extensions: [loud], env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it("an administrator following one host gets the other host's lines too, each with its host's id (Directus's uid)", async () => {
    const s = await openSocket(a.url, `/websocket/logs?access_token=${a.token}`);
    s.send({ type: 'subscribe', log_level: 'warn' });
    expect((await s.next()).event).toBe('subscribe');
    const marked = (marker: string) => (m: any) => m.type === 'logs' && m.data?.marker === marker;
    // b taps its logger once it heard that a has a follower: until then its lines are its own.
    const fromB = await eventually(
      async () => {
        await b.api('GET', '/cluster-loud?m=from-b');
        return s.next(marked('from-b'), 500).catch(() => undefined);
      },
      (m) => m !== undefined,
    );
    expect(fromB.uid).toBe(b.host.kernel.cluster.id);
    expect(fromB.data).toMatchObject({ level: 40, msg: 'a warning to follow' });
    await a.api('GET', '/cluster-loud?m=from-a');
    expect((await s.next(marked('from-a'))).uid).toBe(a.host.kernel.cluster.id);
    // Longer than a notification holds: its short fields, marked as cut.
    await b.api('GET', '/cluster-loud?m=big&big=1');
    const big = await s.next(marked('big'));
    expect(big.data).toMatchObject({ level: 40, msg: 'a warning to follow', truncated: true });
    expect(big.data.body).toBeUndefined();
    // Unsubscribed: b hears that no one follows and stops relaying.
    s.send({ type: 'unsubscribe' });
    expect((await s.next()).event).toBe('unsubscribe');
    s.close();
  });
});

describe('a single host on SQLite', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost({ extensions: [writeTicker('single-ticker', 'single_ticks')] });
  });
  afterAll(() => t?.close());

  it('lists itself in /server/hosts and runs its schedule every tick', async () => {
    const hosts = (await t.api('GET', '/server/hosts')).body.data;
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatchObject({ self: true, alive: true, pid: process.pid });
    expect(hosts[0].extensions.find((e: any) => e.id === 'single-ticker')?.state).toBe('active');
    const count = () =>
      t.host
        .knex('single_ticks')
        .countDistinct('at as n')
        .first()
        .then((r: any) => Number(r?.n ?? 0))
        .catch(() => 0);
    await eventually(count, (n) => n >= 2, 5000, 100);
    const claims = await t.host.knex('annex_schedule_claims').where('key', 'like', 'single-ticker%');
    expect(claims.length).toBeGreaterThanOrEqual(2);
  });
});

/**
 * One host on PostgreSQL is a cluster of one: a rescan keeps the rows of what the cluster's desired
 * set names. The set must drop an uninstalled extension before that rescan, or its row (and its
 * grant) stayed, and installing it again found it granted without a review (it waits on SQLite).
 */
describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))('a single host on PostgreSQL uninstalling', () => {
  let db: { url: string; drop(): Promise<void> };
  let registry: MarketplaceServer;
  let t: TestHost;
  beforeAll(async () => {
    db = await createTestDatabase('annex_single_uninstall');
    registry = await startFixtureRegistry();
    t = await startHost({ env: { DB_CLIENT: 'pg', DB_CONNECTION_STRING: db.url, MARKETPLACE_REGISTRY: registry.url } });
  });
  afterAll(async () => {
    await t?.close();
    await registry?.close();
    await db?.drop();
  });

  it('removes the extension row with its grant: installing it again waits for a new grant', async () => {
    const install = () =>
      t.api('POST', '/extensions/registry/install', { extension: 'annex-market-greeter', version: '1.0.0' });
    const rows = () => t.host.knex('directus_extensions').where({ name: 'annex-market-greeter' });
    expect((await install()).body.data).toMatchObject({ status: 'pending' });
    expect((await t.api('POST', '/extensions/annex-market-greeter/grant', {})).status).toBe(200);
    expect((await t.api('GET', '/greeter')).status).toBe(200);

    expect((await t.api('DELETE', '/extensions/registry/uninstall/annex-market-greeter')).status).toBe(204);
    expect(await rows()).toEqual([]);

    expect((await install()).body.data).toMatchObject({ status: 'pending' });
    expect((await t.api('GET', '/greeter')).status).toBe(404);
    expect(await rows()).toMatchObject([{ state: 'pending', granted_scopes: null }]);

    // A lock import that prunes it removes its row the same way.
    expect((await t.api('POST', '/extensions/annex-market-greeter/grant', {})).status).toBe(200);
    const lock = (await t.api('GET', '/extensions/registry/lock')).body.data;
    expect(lock.extensions.map((e: { name: string }) => e.name)).toEqual(['annex-market-greeter']);
    expect(
      (await t.api('POST', '/extensions/registry/lock', { lock: { ...lock, extensions: [] }, prune: true })).status,
    ).toBe(200);
    expect(await rows()).toEqual([]);
  });
});
