// First-load JavaScript of the admin app with the built-ins enabled, against the 500 KB (gzip)
// budget of issue 6. Builds the app when needed, starts a host, opens /admin/content in Debian's
// chromium with a signed-in session and sums the bytes of every JavaScript response as
// transferred (gzip where the host compresses). Without chromium it falls back to a static
// count: the page's modules plus every extension chunk the manifest lists, gzipped.
//   node --no-node-snapshot bench/app-budget.js
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, hostEnv, tempDir } from './lib.js';

const BUDGET = 500 * 1024;
const CHROMIUM = process.env.ANNEX_CHROMIUM ?? '/usr/bin/chromium';
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

execFileSync(process.execPath, [path.join(ROOT, 'host/app/build.mjs')], { stdio: 'inherit' });
const { createHost } = await import(path.join(ROOT, 'host/dist/index.js'));
const dir = tempDir('annex-bench-app-');
fs.mkdirSync(path.join(dir, 'extensions'));
const host = await createHost({ env: hostEnv(dir), cwd: dir, packageFile: null });
const url = await host.listen(0, '127.0.0.1');
const login = await (
  await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password' }),
  })
).json();
const tokens = login.data;

async function measureInBrowser() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.addInitScript(
      ([a, r]) => {
        localStorage.setItem('annex.access_token', a);
        localStorage.setItem('annex.refresh_token', r);
      },
      [tokens.access_token, tokens.refresh_token],
    );
    const js = [];
    page.on('requestfinished', async (request) => {
      const response = await request.response();
      if (!response || !/javascript/.test(response.headers()['content-type'] ?? '')) return;
      const sizes = await request.sizes();
      js.push({ url: new URL(request.url()).pathname, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
    });
    const started = performance.now();
    await page.goto(`${url}/admin/content`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.module-bar [data-module=content]');
    const ms = performance.now() - started;
    return { method: 'chromium (bytes on the wire, headers included)', files: js, ms };
  } finally {
    await browser.close();
  }
}

async function measureStatically() {
  const html = await (await fetch(`${url}/admin/`)).text();
  const urls = new Set([...html.matchAll(/(?:href|src)="(\/admin\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  const manifest = (await (await fetch(`${url}/extensions/sources/manifest.json`)).json()).data;
  for (const c of manifest.chunks) if (c.url) urls.add(c.url);
  const files = [];
  for (const u of urls)
    files.push({
      url: u,
      bytes: gzipSync(Buffer.from(await (await fetch(url + u)).arrayBuffer()), { level: 9 }).length,
    });
  return { method: 'static (page modules + every extension chunk, gzip -9)', files, ms: null };
}

let result;
try {
  result = fs.existsSync(CHROMIUM) ? await measureInBrowser() : await measureStatically();
} finally {
  await host.close();
}
const total = result.files.reduce((n, f) => n + f.bytes, 0);
const app = result.files.filter((f) => f.url.startsWith('/admin/')).reduce((n, f) => n + f.bytes, 0);
const extensions = total - app;
console.log(`\nadmin app first load, built-ins enabled — ${result.method}`);
for (const f of result.files.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${kb(f.bytes).padStart(9)}  ${f.url}`);
console.log(
  `\n  app + shared modules : ${kb(app)} (${result.files.filter((f) => f.url.startsWith('/admin/')).length} files)`,
);
console.log(
  `  extension chunks     : ${kb(extensions)} (${result.files.filter((f) => !f.url.startsWith('/admin/')).length} files)`,
);
console.log(`  total JavaScript     : ${kb(total)}${result.ms ? ` in ${result.ms.toFixed(0)} ms` : ''}`);
console.log(`  budget               : ${kb(BUDGET)}`);
console.log(
  `  ratio total/budget   : ${(total / BUDGET).toFixed(3)} ${total <= BUDGET ? '(within budget)' : '(OVER BUDGET)'}`,
);
process.exitCode = total <= BUDGET ? 0 : 1;
