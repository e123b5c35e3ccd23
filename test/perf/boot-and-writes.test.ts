import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { recordSql } from '../helpers/sql.js';

const requireHere = createRequire(import.meta.url);
/* The app-sources built-in requires the host's bundler (rollup + the SFC compiler) on its first build. */
const bundlerLoaded = () =>
  Object.keys(requireHere.cache).some((f) => f.includes(path.join('host', 'dist', 'app-sources') + path.sep));

/** A sandboxed hook whose filter appends '+' to `text` of items created in `collection`. */
function writeSandboxedFilter(root: string, name: string, collection: string): void {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'hook',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: {} },
        // A sandboxed hook may only filter item events of collections in its items scope.
        annex: { scopes: { items: { [collection]: ['create'] } } },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'index.js'),
    `export default ({ filter }) => { filter('${collection}.items.create', (p) => ({ ...p, text: p.text + '+' })); };\n`,
  );
}

describe('boot does only what the first request needs', () => {
  let t: TestHost;
  afterAll(() => t?.close());

  it('answers the first request with one sandbox worker started (of two allowed) and no app chunk built', async () => {
    t = await startHost({
      extensions: [
        'extensions/annex-sample-sandboxed-endpoint',
        'extensions/annex-sample-sandboxed-operation',
        'extensions/annex-sample-app-layout',
      ],
      // Its own cache folder (ANNEX_CACHE_DIR empty: the data folder's), not the run's shared one.
      env: { EXTENSIONS_SANDBOX_WORKERS: '2', ANNEX_CACHE_DIR: '' },
    });
    expect((await t.api('GET', '/server/ping', undefined, null)).status).toBe(200);
    const engine = await t.host.kernel.sandbox();
    expect(engine.workers()).toHaveLength(1);
    expect(engine.workers()[0].instances).toHaveLength(2);
    expect(bundlerLoaded()).toBe(false);
    // The control: asking for the app's sources is what builds them.
    expect((await t.api('GET', '/extensions/sources/index.js')).status).toBe(200);
    expect(bundlerLoaded()).toBe(true);
  });
});

describe('writes', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
    writeSandboxedFilter(t.extensionsPath, 'perf-sandboxed-filter', 'stamped');
    t = await t.restart();
    await createCollection(t, 'plain', { text: 'string' });
    await createCollection(t, 'stamped', { text: 'string' });
  });
  afterAll(() => t?.close());

  it('creates an item over HTTP in 6 queries: auth (user and role joined), BEGIN, the insert returning its row (also the response), activity, revision, COMMIT', async () => {
    await t.api('POST', '/items/plain', { text: 'warm' });
    const { sql, result: res } = await recordSql(t.host.knex, () => t.api('POST', '/items/plain', { text: 'x' }));
    expect(res.status).toBe(200);
    expect(res.body.data.text).toBe('x');
    const [userRead] = sql.filter((s) => /directus_roles/.test(s));
    expect(sql.filter((s) => /directus_roles/.test(s))).toHaveLength(1);
    // Only the key is bound: SQLite re-prepares a statement with a bound LIMIT at every run.
    expect(userRead).toMatch(/ limit 1$/);
    expect(userRead!.split('?')).toHaveLength(2);
    expect(sql.filter((s) => /^select \* from/i.test(s))).toEqual([]);
    expect(sql.filter((s) => /^select .* from [`"]plain[`"]/i.test(s))).toEqual([]);
    expect(sql).toHaveLength(6);
    const revisions = await t.api(
      'GET',
      `/revisions?filter[collection][_eq]=plain&filter[item][_eq]=${res.body.data.id}`,
    );
    expect(revisions.body.data[0].data).toMatchObject({ id: res.body.data.id, text: 'x' });
  });

  it('passes a created item through the sandboxed filter hook exactly once', async () => {
    const engine = await t.host.kernel.sandbox();
    const rec = t.host.kernel.extensions.records().find((r) => r.desc?.id === 'perf-sandboxed-filter')!;
    expect(rec.state).toBe('active');
    const callsBefore = rec.instances.reduce((n, i) => n + i.stats().calls, 0);
    const res = await t.api('POST', '/items/stamped', { text: 'a' });
    expect(res.status).toBe(200);
    expect(res.body.data.text).toBe('a+');
    expect(rec.instances.reduce((n, i) => n + i.stats().calls, 0) - callsBefore).toBe(1);
    expect(engine.workers()).toHaveLength(1);
  });
});
