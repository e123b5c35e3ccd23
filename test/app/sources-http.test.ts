import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { ensureAppBuilt } from '../e2e/browser.js';

/** Reads server-sent events from /extensions/events until `until` returns true. */
async function events(
  t: TestHost,
  until: (seen: { event: string; data: any }[]) => boolean,
  action: () => Promise<unknown>,
  ms = 10_000,
) {
  const controller = new AbortController();
  const res = await fetch(`${t.url}/extensions/events?access_token=${t.token}`, { signal: controller.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const seen: { event: string; data: any }[] = [];
  let buffer = '';
  let acted = false;
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      let i;
      while ((i = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event) seen.push({ event, data: data ? JSON.parse(data) : null });
      }
      if (!acted && seen.some((e) => e.event === 'hello')) {
        acted = true;
        await action();
      }
      if (until(seen)) break;
    }
  } finally {
    controller.abort();
  }
  return seen;
}

describe('app extension sources over HTTP', () => {
  let t: TestHost;
  beforeAll(async () => {
    ensureAppBuilt();
    const hook = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'annex-embed-')), 'annex-embed-hook');
    fs.mkdirSync(path.join(hook, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(hook, 'package.json'),
      JSON.stringify({
        name: 'annex-embed-hook',
        version: '1.0.0',
        type: 'module',
        'directus:extension': { type: 'hook', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
      }),
    );
    fs.writeFileSync(
      path.join(hook, 'dist', 'index.js'),
      `export default ({ embed }) => { embed('head', '<meta name="annex-embed" content="from-a-hook">'); embed('body', () => '<div id="embedded-body"></div>'); };\n`,
    );
    t = await startHost({
      extensions: [
        'extensions/annex-sample-app-layout',
        'extensions/annex-sample-app-bundle',
        'broken/annex-sample-app-syntax',
        hook,
      ],
    });
  }, 60_000);
  afterAll(() => t?.close());

  const manifest = async () => (await t.api('GET', '/extensions/sources/manifest.json', undefined, null)).body.data;
  const extensionRow = async (name: string) =>
    (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === name);

  it('serves index.js (public), the manifest and content-hashed chunks; unknown chunks are 404', async () => {
    const index = await fetch(`${t.url}/extensions/sources/index.js`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('application/javascript');
    const code = await index.text();
    for (const list of ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations'])
      expect(code).toContain(`export const ${list} =`);
    const m = await manifest();
    const extensions = m.chunks.map((c: any) => c.extension);
    expect(extensions).toEqual(
      expect.arrayContaining([
        'annex-sample-app-layout',
        'annex-sample-app-bundle',
        '@annex/builtin-app-layouts',
        '@annex/builtin-app-modules',
        '@annex/builtin-app-themes',
      ]),
    );
    // One chunk per extension, each its own file.
    expect(new Set(m.chunks.filter((c: any) => c.url).map((c: any) => c.url)).size).toBe(
      m.chunks.filter((c: any) => c.url).length,
    );
    const bundle = m.chunks.find((c: any) => c.extension === 'annex-sample-app-bundle');
    expect(bundle.entries.map((e: any) => e.name).sort()).toEqual(['sample-note', 'sample-shout']);
    const chunk = await fetch(t.url + bundle.url);
    expect(chunk.headers.get('cache-control')).toContain('immutable');
    expect(await chunk.text()).toContain('/admin/assets/shared/vue.js');
    const missing = await t.api('GET', '/extensions/sources/nope.js', undefined, null);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
    expect(m.errors).toEqual([
      expect.objectContaining({ extension: 'annex-sample-app-syntax', phase: 'build', code: 'APP_BUILD_FAILED' }),
    ]);
  });

  it('drops a disabled extension (or bundle entry) from the sources and brings it back cached', async () => {
    const before = await manifest();
    const row = await extensionRow('annex-sample-app-layout');
    await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } });
    const off = await manifest();
    expect(off.chunks.map((c: any) => c.extension)).not.toContain('annex-sample-app-layout');
    expect(off.version).not.toBe(before.version);
    await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: true } });
    const on = await manifest();
    expect(on.chunks.find((c: any) => c.extension === 'annex-sample-app-layout').url).toBe(
      before.chunks.find((c: any) => c.extension === 'annex-sample-app-layout').url,
    );
    expect(on.version).toBe(before.version);

    const bundle = (await t.api('GET', '/extensions')).body.data.filter(
      (e: any) => e.bundle && e.meta.folder === 'sample-shout',
    )[0];
    await t.api('PATCH', `/extensions/${bundle.id}`, { meta: { enabled: false } });
    expect(
      (await manifest()).chunks
        .find((c: any) => c.extension === 'annex-sample-app-bundle')
        .entries.map((e: any) => e.name),
    ).toEqual(['sample-note']);
    await t.api('PATCH', `/extensions/${bundle.id}`, { meta: { enabled: true } });
  });

  it('pushes state changes and app extension changes over SSE', async () => {
    const row = await extensionRow('annex-sample-app-layout');
    const seen = await events(
      t,
      (s) => s.some((e) => e.event === 'app-extensions' && e.data.removed.includes('annex-sample-app-layout')),
      () => t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } }),
    );
    expect(seen[0].event).toBe('hello');
    expect(seen).toContainEqual({
      event: 'extension-state',
      data: expect.objectContaining({ id: 'annex-sample-app-layout', state: 'inactive' }),
    });
    const back = await events(
      t,
      (s) => s.some((e) => e.event === 'app-extensions' && e.data.changed.includes('annex-sample-app-layout')),
      () => t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: true } }),
    );
    expect(back.find((e) => e.event === 'app-extensions')!.data.version).toBe((await manifest()).version);
    expect((await fetch(`${t.url}/extensions/events`)).status).toBe(403);
  });

  it('records import failures reported by a browser, only for the current chunk', async () => {
    const m = await manifest();
    const layout = m.chunks.find((c: any) => c.extension === 'annex-sample-app-layout');
    expect(
      (
        await t.api(
          'POST',
          '/extensions/sources/report',
          { extension: layout.extension, url: layout.url, message: 'x' },
          null,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await t.api('POST', '/extensions/sources/report', {
          extension: layout.extension,
          url: '/extensions/sources/old.js',
          message: 'stale',
        })
      ).body.data.recorded,
    ).toBe(false);
    expect(
      (
        await t.api('POST', '/extensions/sources/report', {
          extension: layout.extension,
          url: layout.url,
          message: 'TypeError: boom',
        })
      ).body.data.recorded,
    ).toBe(true);
    const errors = (await t.api('GET', '/extensions/sources/errors')).body.data;
    expect(errors).toContainEqual(
      expect.objectContaining({
        extension: 'annex-sample-app-layout',
        phase: 'import',
        code: 'APP_IMPORT_FAILED',
        message: 'TypeError: boom',
      }),
    );
    expect((await t.api('POST', '/extensions/sources/report', { extension: 1 })).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
  });

  it('records render faults (a throwing component, a render loop) next to import failures, each with its code', async () => {
    const m = await manifest();
    const layout = m.chunks.find((c: any) => c.extension === 'annex-sample-app-layout');
    const report = (body: Record<string, unknown>) =>
      t.api('POST', '/extensions/sources/report', { extension: layout.extension, url: layout.url, ...body });
    expect((await report({ message: 'layout "x": Error: render boom', phase: 'render' })).body.data.recorded).toBe(
      true,
    );
    expect(
      (await report({ message: 'layout "x": more than 100 renders', phase: 'render-loop' })).body.data.recorded,
    ).toBe(true);
    const bad = await report({ message: 'x', phase: 'elsewhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const mine = (await t.api('GET', '/extensions/sources/errors')).body.data.filter(
      (e: any) => e.extension === 'annex-sample-app-layout',
    );
    expect(mine.map((e: any) => [e.phase, e.code, e.message]).sort()).toEqual([
      ['import', 'APP_IMPORT_FAILED', 'TypeError: boom'],
      ['render', 'APP_RENDER_FAILED', 'layout "x": Error: render boom'],
      ['render-loop', 'APP_RENDER_LOOP', 'layout "x": more than 100 renders'],
    ]);
  });

  it('serves the app page with hook embeds, its assets and the shared modules', async () => {
    const page = await fetch(`${t.url}/admin/content/anything`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<meta name="annex-embed" content="from-a-hook">');
    expect(html).toContain('<div id="embedded-body"></div>');
    const entry = /src="(\/admin\/assets\/app-[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(t.url + entry, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('cache-control')).toContain('immutable');
    for (const dep of ['vue', 'vue-router', 'pinia', 'vue-i18n', 'directus-extensions-sdk']) {
      const res = await fetch(`${t.url}/admin/assets/shared/${dep}.js`);
      expect(res.status, dep).toBe(200);
      expect(res.headers.get('cache-control'), dep).toBe('no-cache');
    }
    const sdk = await (await fetch(`${t.url}/admin/assets/shared/directus-extensions-sdk.js`)).text();
    for (const name of [
      'defineInterface',
      'defineLayout',
      'useApi',
      'useStores',
      'useItems',
      'useCollection',
      'useLayout',
    ])
      expect(sdk, name).toContain(name);
    expect((await fetch(`${t.url}/admin/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${t.url}/admin/assets/nope.js`)).status).toBe(404);
  });
});
