#!/usr/bin/env node
// bench/build.js — `annex-extension build` vs `@directus/extensions-sdk build` on the same sources,
// side by side in one run, plus the incremental rebuild time of `annex-extension dev`.
// Usage: node bench/build.js [--runs N] [--rebuilds N] [--dev-only]   (run `npm run build` first)
// The dev figures compare the file-event watcher (default) with esbuild's polling watch mode, the
// sessions alternating edit by edit in one run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rebuilds: { type: 'string', default: '30' },
    'dev-only': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const REBUILDS = Number(values.rebuilds);
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CACHE = join(ROOT, 'bench/.cache');
const ANNEX_CLI = join(ROOT, 'sdk-extension/dist/cli/main.js');
const DIRECTUS_DIR = join(CACHE, 'directus-sdk');
const DIRECTUS_CLI = join(DIRECTUS_DIR, 'node_modules/@directus/extensions-sdk/cli.js');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function files(dir, map) {
  for (const [rel, text] of Object.entries(map)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
}

/** The same sources for both SDKs: an API endpoint of 120 TS modules and an interface of 30 SFCs. */
async function makeFixtures() {
  const root = join(CACHE, 'fixtures');
  await rm(root, { recursive: true, force: true });
  const api = join(root, 'api-endpoint');
  const apiFiles = { 'src/index.ts': '' };
  let index = "import { defineEndpoint } from '@directus/extensions-sdk';\n";
  for (let i = 0; i < 120; i++) {
    apiFiles[`src/lib/m${i}.ts`] =
      `export interface R${i} { id: number; name: string; tags: string[] }\nexport function f${i}(input: R${i}[]): number {\n  let total = 0;\n  for (const r of input) total += r.id * ${i + 1} + r.tags.length;\n  return total;\n}\nexport const name${i}: string = 'module-${i}';\n`;
    index += `import { f${i}, name${i} } from './lib/m${i}';\n`;
  }
  index += `export default defineEndpoint((router) => {\n  router.get('/', (_req, res) => res.json({ total: [${Array.from({ length: 120 }, (_, i) => `f${i}([{ id: 1, name: name${i}, tags: [] }])`).join(', ')}] }));\n});\n`;
  apiFiles['src/index.ts'] = index;
  apiFiles['package.json'] = JSON.stringify({
    name: 'bench-api',
    version: '1.0.0',
    type: 'module',
    'directus:extension': { type: 'endpoint', path: 'dist/index.js', source: 'src/index.ts', host: '^10.10.0' },
  });
  await files(api, apiFiles);

  const app = join(root, 'app-interface');
  const appFiles = {};
  let appIndex = "import { defineInterface } from '@directus/extensions-sdk';\n";
  for (let i = 0; i < 30; i++) {
    appFiles[`src/components/c${i}.vue`] =
      `<template>\n  <div class="c${i}" @click="count++">{{ label }} {{ count }}</div>\n</template>\n<script setup lang="ts">\nimport { ref } from 'vue';\nconst props = defineProps<{ label: string }>();\nconst count = ref<number>(${i});\n</script>\n<style scoped>\n.c${i} { padding: ${i}px; }\n</style>\n`;
    appIndex += `import C${i} from './components/c${i}.vue';\n`;
  }
  appIndex += `export default defineInterface({ id: 'bench', name: 'Bench', icon: 'box', component: C0, options: null, types: ['string'], extras: [${Array.from({ length: 30 }, (_, i) => `C${i}`).join(', ')}] } as any);\n`;
  appFiles['src/index.ts'] = appIndex;
  appFiles['src/shims.d.ts'] = "declare module '*.vue' { const c: object; export default c; }\n";
  appFiles['package.json'] = JSON.stringify({
    name: 'bench-app',
    version: '1.0.0',
    type: 'module',
    'directus:extension': { type: 'interface', path: 'dist/index.js', source: 'src/index.ts', host: '^10.10.0' },
  });
  await files(app, appFiles);

  // Both fixtures resolve @directus/extensions-sdk (Directus bundles it into API code) and vue.
  for (const dir of [api, app]) {
    await mkdir(join(dir, 'node_modules/@directus'), { recursive: true });
    if (existsSync(join(DIRECTUS_DIR, 'node_modules/@directus/extensions-sdk')))
      await symlink(
        join(DIRECTUS_DIR, 'node_modules/@directus/extensions-sdk'),
        join(dir, 'node_modules/@directus/extensions-sdk'),
      );
    await symlink(join(ROOT, 'node_modules/vue'), join(dir, 'node_modules/vue'));
  }
  return { api, app };
}

function ensureDirectusSdk() {
  if (existsSync(DIRECTUS_CLI)) return true;
  console.log('installing @directus/extensions-sdk into bench/.cache/directus-sdk …');
  spawnSync('mkdir', ['-p', DIRECTUS_DIR]);
  spawnSync('sh', ['-c', `[ -f package.json ] || echo '{"name":"bench-directus-sdk","private":true}' > package.json`], {
    cwd: DIRECTUS_DIR,
  });
  const r = spawnSync('npm', ['install', '@directus/extensions-sdk', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: DIRECTUS_DIR,
    stdio: 'inherit',
    timeout: 300_000,
  });
  return r.status === 0 && existsSync(DIRECTUS_CLI);
}

function timeBuild(cli, cwd) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'build'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cli} build failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
    times.push(ms);
  }
  return median(times);
}

/** One session per watch mode, both open; each edit goes to one session's file in turn (two copies of the fixture). */
async function devRebuilds(dirs) {
  const { createDevSession } = await import(join(ROOT, 'sdk-extension/dist/node/index.js'));
  const modes = ['events', 'esbuild-poll'];
  const sessions = [];
  for (const [i, mode] of modes.entries()) {
    const s = { mode, dir: dirs[i], inner: [], endToEnd: [], resolveNext: undefined };
    const started = await createDevSession({ cwd: s.dir }, (e) => s.resolveNext?.(e), { watch: mode });
    if (!started.ok) throw new Error('dev session failed');
    await started.session.ready;
    s.session = started.session;
    sessions.push(s);
  }
  for (let i = 0; i < REBUILDS; i++) {
    for (const s of sessions) {
      const next = new Promise((r) => (s.resolveNext = r));
      const t0 = performance.now();
      await writeFile(
        join(s.dir, 'src/lib/m7.ts'),
        `export interface R7 { id: number; name: string; tags: string[] }\nexport function f7(input: R7[]): number { return input.length + ${i}; }\nexport const name7: string = 'edit-${i}';\n`,
      );
      const e = await next;
      s.endToEnd.push(performance.now() - t0);
      s.inner.push(e.ms);
      await new Promise((r) => setTimeout(r, 20)); // let a second event of the same save pass
    }
  }
  for (const s of sessions) await s.session.close();
  return sessions;
}

const fixtures = await makeFixtures();
const devOnly = values['dev-only'];
const haveDirectus = !devOnly && ensureDirectusSdk();
console.log(
  `\nannex-extension build vs directus-extension build (median of ${RUNS} runs, wall time incl. process start)\n`,
);
const rows = [];
for (const [label, dir] of devOnly
  ? []
  : [
      ['api endpoint (120 TS modules)', fixtures.api],
      ['app interface (30 Vue SFCs)', fixtures.app],
    ]) {
  const annex = timeBuild(ANNEX_CLI, dir);
  const directus = haveDirectus ? timeBuild(DIRECTUS_CLI, dir) : NaN;
  rows.push({ label, annex, directus });
}
for (const r of rows) {
  const ratio = r.annex / r.directus;
  console.log(
    `${r.label.padEnd(32)} annex ${r.annex.toFixed(0).padStart(6)} ms   directus ${Number.isNaN(r.directus) ? '  skipped' : r.directus.toFixed(0).padStart(6) + ' ms'}   ratio ${Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(3)} (target ≤ 0.2)`,
  );
}
if (!haveDirectus && !devOnly)
  console.log('@directus/extensions-sdk could not be installed: the Directus side was skipped.');
const totalA = rows.reduce((n, r) => n + r.annex, 0);
const totalD = rows.reduce((n, r) => n + r.directus, 0);
if (haveDirectus)
  console.log(
    `${'total'.padEnd(32)} annex ${totalA.toFixed(0).padStart(6)} ms   directus ${totalD.toFixed(0).padStart(6)} ms   ratio ${(totalA / totalD).toFixed(3)} (target ≤ 0.2)`,
  );

const apiCopy = `${fixtures.api}-copy`;
await rm(apiCopy, { recursive: true, force: true });
await cp(fixtures.api, apiCopy, { recursive: true, verbatimSymlinks: true });
const [events, poll] = await devRebuilds([fixtures.api, apiCopy]);
console.log(
  `\nannex-extension dev, ${REBUILDS} incremental rebuilds of the api fixture (one module edited), file events vs esbuild's polling watch, alternating:`,
);
console.log(
  `  rebuild (esbuild start → output written): p50 ${pct(events.inner, 50).toFixed(1)} ms, p95 ${pct(events.inner, 95).toFixed(1)} ms`,
);
console.log(
  `  file write → rebuilt, file events:        p50 ${pct(events.endToEnd, 50).toFixed(1)} ms, p95 ${pct(events.endToEnd, 95).toFixed(1)} ms (target p50 ≤ 50 ms)`,
);
console.log(
  `  file write → rebuilt, esbuild polling:    p50 ${pct(poll.endToEnd, 50).toFixed(1)} ms, p95 ${pct(poll.endToEnd, 95).toFixed(1)} ms`,
);
console.log(`  ratio (events / polling), p50: ${(pct(events.endToEnd, 50) / pct(poll.endToEnd, 50)).toFixed(2)}`);
process.exit(0);
