import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, writeEndpoint } from '../helpers/write-extension.js';
import { createCollection, createUser, ROOT, startHost, type TestHost } from '../helpers/host.js';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'host', 'dist', 'cli', 'main.js');

const SANDBOXED = [
  'extensions/annex-sample-sandboxed-endpoint',
  'extensions/annex-sample-sandboxed-hook',
  'extensions/annex-sample-sandboxed-operation',
];

describe('sandboxed extensions in the host', () => {
  let t: TestHost;
  let upstream: http.Server;
  let upstreamUrl: string;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    t = await startHost({
      extensions: SANDBOXED,
      env: { ANNEX_SAMPLE_KEY: 'k-123', EXTENSIONS_SANDBOX_ENV_ALLOW: 'ANNEX_SAMPLE_KEY' },
    });
    await createCollection(t, 'sandbox_notes', { text: 'string' });
  });
  afterAll(async () => {
    await t?.close();
    upstream?.close();
  });

  it('serves a sandboxed endpoint with method, params, query, headers and accountability', async () => {
    const root = await t.api('GET', '/sandboxed');
    expect(root.body).toEqual({ hello: 'sandbox', method: 'GET', user: expect.any(String) });
    const params = await t.api('GET', '/sandboxed/params/7?a=b');
    expect(params.body).toEqual({ id: '7', q: { a: 'b' } });
    expect(params.headers.get('x-sandboxed')).toBe('yes');
    const err = await t.api('GET', '/sandboxed/error');
    expect(err.status).toBe(418);
    expect(err.body.errors[0].extensions.code).toBe('TEAPOT');
    const slow = await t.api('GET', '/sandboxed/slow');
    expect(slow.body).toEqual({ slept: 20 });
  });

  it('runs items as (granted scope ∩ the acting user), never as an implicit admin', async () => {
    const created = await t.api('POST', '/sandboxed/notes', { text: 'hi' });
    expect(created.status).toBe(201);
    const notes = await t.api('GET', '/sandboxed/notes');
    expect(notes.body).toEqual([{ id: created.body.key, text: 'hi (checked by admin)' }]);
    const nobody = await createUser(t, 'nobody', []);
    const denied = await t.api('GET', '/sandboxed/notes', undefined, nobody.token);
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const reader = await createUser(t, 'noteReader', [{ collection: 'sandbox_notes', action: 'read' }]);
    expect((await t.api('GET', '/sandboxed/notes', undefined, reader.token)).status).toBe(200);
    expect((await t.api('POST', '/sandboxed/notes', { text: 'x' }, reader.token)).status).toBe(403);
    // delete is outside the granted scope even for an admin.
    const del = await t.api('DELETE', `/sandboxed/notes/${created.body.key}`);
    expect(del.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.api('GET', `/items/sandbox_notes/${created.body.key}`)).status).toBe(200);
    // Without an accountability the extension acts as itself, limited to its scope.
    expect((await t.api('GET', '/sandboxed/notes-as-extension', undefined, null)).status).toBe(200);
  });

  it('gives storage, allow-listed env, emit and request to a granted URL', async () => {
    expect((await t.api('POST', '/sandboxed/kv/colour', { v: 'blue' })).status).toBe(204);
    expect((await t.api('GET', '/sandboxed/kv/colour')).body).toEqual({ value: { v: 'blue' } });
    expect((await t.api('GET', '/sandboxed/env')).body).toEqual({ key: 'k-123', other: 'FORBIDDEN' });
    const seen: unknown[] = [];
    const off = t.host.kernel.emitter.onAction('sample.poke', (meta) => void seen.push(meta.payload));
    await t.api('POST', '/sandboxed/emit', { n: 1 });
    off();
    expect(seen).toEqual([{ n: 1 }]);
    // The manifest asks for the host's own port; the admin grants the upstream instead.
    const outOfScope = await t.api('GET', `/sandboxed/fetch?url=${encodeURIComponent(`${upstreamUrl}/hello`)}`);
    expect(outOfScope.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const status = (await t.api('GET', '/extensions/annex-sample-sandboxed-endpoint/status')).body.data;
    const granted = await t.api('POST', '/extensions/annex-sample-sandboxed-endpoint/grant', {
      scopes: {
        ...status.granted_scopes,
        request: { urls: [`${upstreamUrl}/*`], methods: ['GET'], allowPrivate: true },
      },
    });
    expect(granted.body.data.annex.granted_scopes.request.urls).toEqual([`${upstreamUrl}/*`]);
    const fetched = await t.api('GET', `/sandboxed/fetch?url=${encodeURIComponent(`${upstreamUrl}/hello`)}`);
    expect(fetched.body).toEqual({ status: 200, data: { path: '/hello' } });
    const otherPath = await t.api(
      'GET',
      `/sandboxed/fetch?url=${encodeURIComponent(`${upstreamUrl.replace('127.0.0.1', 'localhost')}/hello`)}`,
    );
    expect(otherPath.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('runs every hook kind in the sandbox', async () => {
    const rejected = await t.api('POST', '/items/sandbox_notes', { text: 'reject me' });
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const ok = await t.api('POST', '/items/sandbox_notes', { text: 'plain' });
    expect(ok.body.data.text).toBe('plain (checked by admin)');
    const storage = (key: string) =>
      t.host.knex('annex_extension_storage').where({ extension: 'annex-sample-sandboxed-hook', key }).first();
    const created = await eventually(
      () => storage('created'),
      (r) => !!r,
    );
    expect(JSON.parse(created.value)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse((await storage('init')).value)).toBe(true);
    const ticks = await eventually(
      () => storage('ticks'),
      (r) => !!r && JSON.parse(r.value) >= 1,
      4000,
    );
    expect(JSON.parse(ticks.value)).toBeGreaterThanOrEqual(1);
    expect(t.host.kernel.embeds.render('body')).toContain('<div id="sandboxed-embed"></div>');
  });

  it('runs a sandboxed operation in a flow with options, data and accountability', async () => {
    const flow = await t.api('POST', '/flows', {
      name: 'greet',
      status: 'active',
      trigger: 'webhook',
      options: { method: 'POST' },
    });
    const op = await t.api('POST', '/operations', {
      flow: flow.body.data.id,
      key: 'greet',
      type: 'sandboxed-greet',
      options: { name: '{{ $trigger.body.who }}' },
    });
    await t.api('PATCH', `/flows/${flow.body.data.id}`, { operation: op.body.data.id });
    await t.host.kernel.flows.reload();
    const res = await t.api('POST', `/flows/trigger/${flow.body.data.id}`, { who: 'Grace' });
    expect(res.body.data).toEqual({ greeting: 'Hello, Grace!', trigger: { who: 'Grace' }, admin: true });
  });

  it('reports per-extension metrics in the status API and at /server/metrics', async () => {
    const status = (await t.api('GET', '/extensions/annex-sample-sandboxed-endpoint/status')).body.data;
    expect(status.state).toBe('active');
    expect(status.metrics.calls, JSON.stringify(status.metrics)).toBeGreaterThan(5);
    expect(status.metrics.sandbox[0]).toMatchObject({
      id: 'annex-sample-sandboxed-endpoint',
      calls: expect.any(Number),
      heapUsedBytes: expect.any(Number),
    });
    expect(status.metrics.sandbox[0].errors).toBeGreaterThanOrEqual(1);
    const metrics = await t.api('GET', '/server/metrics');
    expect(metrics.body).toMatch(/annex_sandbox_heap_bytes\{extension="annex-sample-sandboxed-endpoint"\} \d+/);
  });
});

describe('sandboxed endpoint bodies', () => {
  it('sends an object body as JSON written in the isolate (toJSON applies, as with res.json), and text as text', async () => {
    let t = await startHost();
    try {
      writeEndpoint(t.extensionsPath, 'json-bodies', '', {
        sandbox: true,
        raw: `class Money { constructor(c) { this.cents = c; } toJSON() { return (this.cents / 100).toFixed(2); } }
export default (router) => {
  router.get('/obj', () => ({ status: 201, headers: { 'content-type': 'text/plain' }, body: { at: new Date(0), price: new Money(1250), list: [1, 'two'] } }));
  router.get('/text', () => 'plain text');
  router.post('/echo/:id', (req) => ({ method: req.method, path: req.path, query: req.query, params: req.params, body: req.body, auth: req.headers.authorization ?? null }));
};\n`,
      });
      t = await t.restart();
      const obj = await t.api('GET', '/json-bodies/obj');
      expect(obj.status).toBe(201);
      expect(obj.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(obj.body).toEqual({ at: '1970-01-01T00:00:00.000Z', price: '12.50', list: [1, 'two'] });
      const text = await fetch(`${t.url}/json-bodies/text`);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await text.text()).toBe('plain text');
      // Whatever it returns is rendered in an opaque origin, never sniffed.
      for (const res of [obj.headers, text.headers]) {
        expect(res.get('content-security-policy')).toBe(
          'sandbox allow-scripts allow-forms allow-popups allow-downloads',
        );
        expect(res.get('x-content-type-options')).toBe('nosniff');
      }
      // The request crosses as the JSON data it is (the caller's token stays in the host).
      const echo = await t.api('POST', '/json-bodies/echo/7?tag=a&tag=b&access_token=secret', {
        nested: { list: [1, null, 'x'] },
      });
      expect(echo.body).toEqual({
        method: 'POST',
        path: '/echo/7',
        query: { tag: ['a', 'b'] },
        params: { id: '7' },
        body: { nested: { list: [1, null, 'x'] } },
        auth: null,
      });
    } finally {
      await t.close();
    }
  });
});

describe('quarantine', () => {
  it('outlives a restart until an administrator resets it; a reload (new code) lifts it too', async () => {
    // A short CPU budget so the five runaway calls (the fault limit) take half a second.
    let t = await startHost({ env: { EXTENSIONS_SANDBOX_TIMEOUT: '100' } });
    try {
      writeEndpoint(t.extensionsPath, 'runaway', '', {
        sandbox: true,
        raw: `export default (router) => { router.get('/spin', () => { while (true) {} }); router.get('/', () => 'ok'); };\n`,
      });
      t = await t.restart();
      const status = async () => (await t.api('GET', '/extensions/runaway/status')).body.data;
      const quarantineIt = async () => {
        for (let i = 0; i < 5; i++) expect((await t.api('GET', '/runaway/spin')).status).toBe(504);
        await eventually(
          async () => (await status()).state,
          (state) => state === 'quarantined',
        );
      };
      await quarantineIt();
      expect((await t.api('GET', '/runaway')).status).toBe(503);

      // A restart does not forgive it: it is not even loaded, and says why.
      t = await t.restart();
      expect(await status()).toMatchObject({
        state: 'quarantined',
        last_error: { code: 'RT_TIMEOUT' },
        quarantine: { at: expect.any(String), error: { code: 'RT_TIMEOUT' } },
      });
      expect((await t.api('GET', '/runaway', undefined, null)).status).toBe(404);

      expect((await t.api('POST', '/extensions/runaway/reset', {})).status).toBe(200);
      expect((await t.api('GET', '/runaway', undefined, null)).body).toBe('ok');
      t = await t.restart();
      expect((await status()).state).toBe('active');

      // New code starts clean: a reload lifts the quarantine of the old.
      await quarantineIt();
      expect((await t.api('POST', '/extensions/runaway/reload', {})).status).toBe(200);
      expect((await status()).state).toBe('active');
      t = await t.restart();
      expect((await t.api('GET', '/runaway', undefined, null)).body).toBe('ok');

      // Offline, from the CLI: applied at the next start.
      await quarantineIt();
      const cli = await run(process.execPath, ['--no-node-snapshot', CLI, 'extensions', 'reset', 'runaway'], {
        env: {
          ...process.env,
          DB_FILENAME: path.join(t.dir, 'annex.db'),
          EXTENSIONS_PATH: t.extensionsPath,
          LOG_LEVEL: 'silent',
        },
      });
      expect(cli.stdout).toContain('reset: runaway');
      t = await t.restart();
      expect((await t.api('GET', '/runaway', undefined, null)).body).toBe('ok');
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('grants', () => {
  it('keeps a sandboxed extension pending until an admin grants, and FORBIDDEN after a revoke', async () => {
    const t = await startHost({
      extensions: ['extensions/annex-sample-sandboxed-endpoint'],
      env: { EXTENSIONS_SANDBOX_GRANT: 'none' },
    });
    try {
      const status = (await t.api('GET', '/extensions/annex-sample-sandboxed-endpoint/status')).body.data;
      expect(status.state).toBe('pending');
      expect(status.pending_scopes).toMatchObject({ log: {}, storage: {} });
      expect((await t.api('GET', '/sandboxed')).status).toBe(404);
      const granted = await t.api('POST', '/extensions/annex-sample-sandboxed-endpoint/grant', {});
      expect(granted.body.data.annex.state).toBe('active');
      expect((await t.api('GET', '/sandboxed/kv/a')).status).toBe(200);
      await t.api('POST', '/extensions/annex-sample-sandboxed-endpoint/revoke', {});
      const denied = await t.api('GET', '/sandboxed/kv/a');
      expect(denied.status).toBe(403);
      expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
      const badScopes = await t.api('POST', '/extensions/annex-sample-sandboxed-endpoint/grant', {
        scopes: { items: 'all' },
      });
      expect(badScopes.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    } finally {
      await t.close();
    }
  });
});

describe('the exec operation', () => {
  it('runs flow scripts in a fresh sandbox, and a runaway script only fails its flow', async () => {
    const t = await startHost({ env: { FLOWS_RUN_SCRIPT_TIMEOUT: '300' } });
    try {
      const make = async (code: string) => {
        const flow = await t.api('POST', '/flows', {
          name: 'exec',
          status: 'active',
          trigger: 'webhook',
          options: { method: 'POST' },
        });
        const op = await t.api('POST', '/operations', {
          flow: flow.body.data.id,
          key: 'script',
          type: 'exec',
          options: { code },
        });
        await t.api('PATCH', `/flows/${flow.body.data.id}`, { operation: op.body.data.id });
        await t.host.kernel.flows.reload();
        return flow.body.data.id as string;
      };
      const ok = await make(
        'module.exports = async function (data) { return { doubled: data.$trigger.body.n * 2, hasProcess: typeof process !== "undefined" && !!process.binding }; };',
      );
      expect((await t.api('POST', `/flows/trigger/${ok}`, { n: 21 })).body.data).toEqual({
        doubled: 42,
        hasProcess: false,
      });
      const loop = await make('module.exports = function () { for (;;) {} };');
      const res = await t.api('POST', `/flows/trigger/${loop}`, {});
      expect(res.body.errors[0].extensions.code).toBe('UNPROCESSABLE_CONTENT');
      const runs = (await t.api('GET', `/flows/${loop}/runs`)).body.data;
      expect(runs[0].error.code).toMatch(/^RT_/);
      expect((await t.api('GET', '/server/ping')).body).toBe('pong');
      expect(await (await t.host.kernel.sandbox()).isolateCount()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
