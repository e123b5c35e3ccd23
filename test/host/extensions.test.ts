import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, FIXTURES, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

const BROKEN = [
  'invalid-manifest',
  'bad-json',
  'throwing-register',
  'duplicate-id',
  'missing-entry',
  'syntax-error',
  'slow-register',
];

let t: TestHost;
beforeAll(async () => {
  t = await startHost({
    extensions: [
      'extensions/annex-sample-endpoint',
      'extensions/annex-sample-endpoint-cjs',
      'extensions/annex-sample-bundle',
      ...BROKEN.map((b) => `broken/${b}`),
    ],
  });
});
afterAll(() => t?.close());

async function status(name: string) {
  const res = await t.api('GET', `/extensions/${encodeURIComponent(name)}/status`);
  return res.body.data;
}

describe('extension manager', () => {
  it('loads trusted endpoints in function and {id, handler} form, ESM and CommonJS, with late routes', async () => {
    expect((await t.api('GET', '/annex-sample-endpoint')).body).toEqual({ hello: 'world', user: expect.any(String) });
    const echo = await t.api('POST', '/annex-sample-endpoint/echo?x=1', { a: 1 });
    expect(echo.status).toBe(201);
    expect(echo.body).toEqual({ body: { a: 1 }, query: { x: '1' } });
    const params = await t.api('GET', '/annex-sample-endpoint/params/42');
    expect(params.body).toBe('id=42');
    expect(params.headers.get('x-sample')).toBe('yes');
    expect((await t.api('GET', '/annex-sample-endpoint/late')).body).toEqual({ late: true });
    expect((await t.api('GET', '/greet/Ada')).body).toEqual({ greeting: 'Hello, Ada!' });
    const fail = await t.api('GET', '/annex-sample-endpoint/fail');
    expect(fail.status).toBe(418);
    expect(fail.body.errors[0].extensions.code).toBe('SAMPLE_FAILED');
  });

  it('records each broken extension as failed with its own code, without stopping the others', async () => {
    const expected: Record<string, string> = {
      'invalid-manifest': 'HOST_MANIFEST_INVALID',
      'bad-json': 'HOST_MANIFEST_INVALID',
      'throwing-register': 'HOST_REGISTER_FAILED',
      'duplicate-id': 'HOST_DUPLICATE_ID',
      'missing-entry': 'HOST_ENTRY_NOT_FOUND',
      'syntax-error': 'HOST_ENTRY_LOAD_FAILED',
      'slow-register': 'HOST_REGISTER_TIMEOUT',
    };
    const list = (await t.api('GET', '/extensions')).body.data;
    for (const [name, code] of Object.entries(expected)) {
      const row = list.find((e: any) => e.meta.source === 'local' && e.meta.folder === name);
      expect(row, name).toBeDefined();
      expect(row.annex.state, name).toBe('failed');
      expect(row.annex.last_error.code, name).toBe(code);
    }
    const invalid = list.find((e: any) => e.meta.folder === 'invalid-manifest');
    expect(invalid.annex.last_error.message).toContain('directus:extension.type');
    expect(invalid.annex.last_error.message).toContain('directus:extension.host');
    const syntax = list.find((e: any) => e.meta.folder === 'syntax-error');
    expect(syntax.annex.name).toBe('broken-syntax-error');
    expect(syntax.annex.last_error.message).toMatch(/index\.js:1:\d+/);
    // The first of two packages with the same id keeps serving.
    expect((await t.api('GET', '/annex-sample-endpoint')).body.hello).toBe('world');
    expect((await t.api('GET', '/server/health')).body.checks['extensions:failed'][0].observedValue).toBe(7);
  });

  it('disables and enables live, and the setting survives a restart', async () => {
    const builtin = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === '@annex/builtin-items',
    );
    await createCollection(t, 'things', { name: 'string' });
    expect((await t.api('GET', '/items/things')).status).toBe(200);
    const off = await t.api('PATCH', `/extensions/${builtin.id}`, { meta: { enabled: false } });
    expect(off.body.data.meta.enabled).toBe(false);
    expect(off.body.data.annex.state).toBe('inactive');
    const gone = await t.api('GET', '/items/things');
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
    t = await t.restart();
    expect((await t.api('GET', '/items/things')).status).toBe(404);
    expect((await status('@annex/builtin-items')).state).toBe('inactive');
    await t.api('PATCH', `/extensions/${builtin.id}`, { meta: { enabled: true } });
    expect((await t.api('GET', '/items/things')).status).toBe(200);
  });

  it('refuses to disable locked built-ins and non-admin changes, leaving state unchanged', async () => {
    const list = (await t.api('GET', '/extensions')).body.data;
    const auth = list.find((e: any) => e.annex?.name === '@annex/builtin-auth');
    const locked = await t.api('PATCH', `/extensions/${auth.id}`, { meta: { enabled: false } });
    expect(locked.status).toBe(403);
    expect(locked.body.errors[0].extensions.code).toBe('HOST_EXTENSION_LOCKED');
    const user = await createUser(t, 'plain', []);
    const sample = list.find((e: any) => e.annex?.name === 'annex-sample-endpoint');
    const forbidden = await t.api('PATCH', `/extensions/${sample.id}`, { meta: { enabled: false } }, user.token);
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await t.api('PATCH', `/extensions/${sample.id}`, { meta: { enabled: false } }, null);
    expect(anonymous.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const badBody = await t.api('PATCH', `/extensions/${sample.id}`, { meta: { enabled: 'no' } });
    expect(badBody.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect(
      (await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).status,
    ).toBe(200);
    expect((await t.api('GET', '/annex-sample-endpoint')).status).toBe(200);
  });

  it('toggles bundle entries one by one (partial) and the parent with all of them', async () => {
    const list = (await t.api('GET', '/extensions')).body.data;
    const parent = list.find((e: any) => e.annex?.name === 'annex-sample-bundle');
    const children = list.filter((e: any) => e.bundle === parent.id);
    expect(children.map((c: any) => c.meta.folder).sort()).toEqual(['audit', 'audit-log', 'uppercase']);
    const log = children.find((c: any) => c.meta.folder === 'audit-log');
    await t.api('PATCH', `/extensions/${log.id}`, { meta: { enabled: false } });
    expect((await t.api('GET', '/audit-log')).status).toBe(404);
    expect(t.host.kernel.operations.get('uppercase')).toBeDefined();
    await t.api('PATCH', `/extensions/${parent.id}`, { meta: { enabled: false } });
    expect(t.host.kernel.operations.get('uppercase')).toBeUndefined();
    const after = (await t.api('GET', '/extensions')).body.data.filter((e: any) => e.bundle === parent.id);
    expect(after.every((c: any) => c.meta.enabled === false)).toBe(true);
    await t.api('PATCH', `/extensions/${parent.id}`, { meta: { enabled: true } });
    expect((await t.api('GET', '/audit-log')).status).toBe(200);
  });

  it('leaves no route, hook, schedule, embed or operation behind after 100 disable/enable cycles', async () => {
    const k = t.host.kernel;
    const snapshot = () => ({
      mounts: k.mounts.count(),
      listeners: k.emitter.counts(),
      schedules: k.scheduler.count(),
      embeds: k.embeds.count(),
      operations: k.operations.count(),
      apps: k.apps.list().length,
    });
    const before = snapshot();
    const parent = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-bundle',
    );
    const endpoint = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'annex-sample-endpoint',
    );
    for (let i = 0; i < 100; i++) {
      await k.extensions.setEnabled(parent.id, false);
      await k.extensions.setEnabled(endpoint.id, false);
      if (i === 0) {
        const off = snapshot();
        expect(off.mounts).toBeLessThan(before.mounts);
        expect(off.schedules).toBeLessThan(before.schedules);
        expect(off.embeds).toBeLessThan(before.embeds);
      }
      await k.extensions.setEnabled(parent.id, true);
      await k.extensions.setEnabled(endpoint.id, true);
    }
    expect(snapshot()).toEqual(before);
    expect((await t.api('GET', '/audit-log')).status).toBe(200);
  });

  it('reconciles settings with disk: no stale rows after a folder disappears', async () => {
    fs.rmSync(path.join(t.extensionsPath, 'bad-json'), { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'broken', 'bad-json'), path.join(t.extensionsPath, 'bad-json-2'), {
      recursive: true,
    });
    await t.host.kernel.extensions.rescan();
    const parents = await t.host.knex('directus_extensions').whereNull('bundle').select('folder', 'source');
    const keys = parents.map((r: any) => `${r.source}:${r.folder}`);
    expect(keys).not.toContain('local:bad-json');
    expect(keys).toContain('local:bad-json-2');
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(t.host.kernel.extensions.records().length);
    const orphans = await t.host
      .knex('directus_extensions as c')
      .leftJoin('directus_extensions as p', 'c.bundle', 'p.id')
      .whereNotNull('c.bundle')
      .whereNull('p.id')
      .select('c.id');
    expect(orphans).toEqual([]);
  });

  it('a rescan rewrites only the rows whose package changed (hosts of a cluster do not queue on every row)', async () => {
    const MARK = '2000-01-01T00:00:00.000Z';
    await t.host.knex('directus_extensions').update({ updated_at: MARK });
    const pkgFile = path.join(t.extensionsPath, 'annex-sample-endpoint', 'package.json');
    const original = fs.readFileSync(pkgFile, 'utf8');
    const pkg = JSON.parse(original);
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: `${pkg.version}-next` }));
    try {
      await t.host.kernel.extensions.rescan();
    } finally {
      fs.writeFileSync(pkgFile, original);
    }
    const touched = await t.host.knex('directus_extensions').whereNot('updated_at', MARK).select('name', 'version');
    expect(touched).toEqual([{ name: 'annex-sample-endpoint', version: `${pkg.version}-next` }]);
    await t.host.kernel.extensions.rescan();
  });
});

describe('strict boot', () => {
  it('EXTENSIONS_MUST_LOAD refuses to start when an extension fails, naming it', async () => {
    await expect(
      startHost({
        extensions: ['extensions/annex-sample-endpoint', 'broken/throwing-register'],
        env: { EXTENSIONS_MUST_LOAD: 'true' },
      }),
    ).rejects.toMatchObject({
      code: 'HOST_REGISTER_FAILED',
      message: expect.stringContaining('broken-throwing-register'),
    });
  });

  it('a strict boot that fails leaves no sandbox worker of its own running', async () => {
    // This process's sandbox workers only: the forked test process runs other files before this one,
    // and a child of theirs (a browser, esbuild's service) may start or end meanwhile.
    const workers = () =>
      fs
        .readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((pid) => {
          try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
            if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) return false;
            return /worker-bundle[/]worker\.cjs|worker[/]main\.js/.test(
              fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
            );
          } catch {
            return false;
          }
        });
    const before = new Set(workers());
    const root = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'annex-strict-'));
    const sandboxed = writeEndpoint(root, 'strict-sandboxed', 'ok', { sandbox: true });
    await expect(
      startHost({
        extensions: [sandboxed, 'broken/throwing-register'],
        env: { EXTENSIONS_MUST_LOAD: 'true' },
      }),
    ).rejects.toMatchObject({ code: 'HOST_REGISTER_FAILED' });
    expect(workers().filter((pid) => !before.has(pid))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a required extension that fails degrades /server/health', async () => {
    const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'annex-required-'));
    fs.cpSync(path.join(FIXTURES, 'broken', 'throwing-register'), path.join(dir, 'throwing-register'), {
      recursive: true,
    });
    const pkgFile = path.join(dir, 'throwing-register', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    pkg['directus:extension'].annex = { required: true };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg));
    const h = await startHost({ extensions: [path.join(dir, 'throwing-register')] });
    try {
      const health = await h.api('GET', '/server/health');
      expect(health.body.status).toBe('warn');
      expect(health.body.checks['extensions:failed'][0].status).toBe('error');
    } finally {
      await h.close();
    }
  });
});
