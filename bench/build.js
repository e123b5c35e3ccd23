#!/usr/bin/env node
// bench/build.js — `annex-extension build` vs `@directus/extensions-sdk build` on the same sources,
// side by side in one run, plus the incremental rebuild time of `annex-extension dev`.
// Usage: node bench/build.js [--runs N] [--rebuilds N] [--dev-only]   (run `npm run build` first)
// Builds are interleaved round by round (Annex, Directus, and Annex with `--bundler rollup` for the
// app); a ratio is the median of the rounds' ratios. The dev figures compare the file-event watcher
// (default) with esbuild's polling watch mode, the sessions alternating edit by edit in one run.
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
// BENCH_BASELINE_ROOT=/path/to/another/built/checkout: its SDK builds the same fixtures in the same
// rounds, for a before/after measured in one run.
const BASELINE_CLI = process.env.BENCH_BASELINE_ROOT
  ? join(process.env.BENCH_BASELINE_ROOT, 'sdk-extension/dist/cli/main.js')
  : undefined;
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

function timeOnce(cli, cwd, args = []) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'build', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cli} build failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return ms;
}

/**
 * The builds of one fixture, interleaved round by round (each round runs every variant once, back
 * to back), so a load change on the shared machine hits both sides of a ratio alike.
 */
function timeRounds(variants) {
  const times = variants.map(() => []);
  for (let i = 0; i < RUNS; i++)
    variants.forEach((v, j) => {
      if (v.skip) times[j].push(NaN);
      else times[j].push(timeOnce(v.cli, v.cwd, v.args));
    });
  return times;
}

/**
 * One session per watch mode, all open; each edit goes to one session's copy of the fixture in
 * turn. Per edit: the end-to-end time (write → the rebuilt event), esbuild's part (its start →
 * output written), and the rest (the file event, the settle time, delivering the event).
 */
async function devRebuilds(dirs, edit, modes = ['events', 'esbuild-poll']) {
  const { createDevSession } = await import(join(ROOT, 'sdk-extension/dist/node/index.js'));
  const sessions = [];
  for (const [i, mode] of modes.entries()) {
    const s = { mode, dir: dirs[i], inner: [], endToEnd: [], before: [], resolveNext: undefined };
    // `rollup`: app code through rollup's watch mode (`--bundler rollup`), the dev loop before esbuild.
    const started = await createDevSession(
      { cwd: s.dir, ...(mode === 'rollup' ? { bundler: 'rollup' } : {}) },
      (e) => s.resolveNext?.(e),
      { watch: mode === 'rollup' ? 'events' : mode },
    );
    if (!started.ok) throw new Error('dev session failed');
    await started.session.ready;
    s.session = started.session;
    sessions.push(s);
  }
  for (let i = 0; i < REBUILDS; i++) {
    for (const s of sessions) {
      const next = new Promise((r) => (s.resolveNext = r));
      const t0 = performance.now();
      await edit(s.dir, i);
      const e = await next;
      const total = performance.now() - t0;
      if (!e.ok) throw new Error(`dev rebuild failed: ${JSON.stringify(e.diagnostics)}`);
      s.endToEnd.push(total);
      s.inner.push(e.ms);
      s.before.push(total - e.ms);
      await new Promise((r) => setTimeout(r, 20)); // let a second event of the same save pass
    }
  }
  for (const s of sessions) await s.session.close();
  return sessions;
}

async function copyOf(dir) {
  const copy = `${dir}-copy`;
  await rm(copy, { recursive: true, force: true });
  await cp(dir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

function printDev(what, [events, poll, rollup]) {
  const p = (xs) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
  console.log(
    `\nannex-extension dev, ${REBUILDS} incremental rebuilds of the ${what}, file events vs esbuild's polling watch, alternating:`,
  );
  console.log(`  file write → rebuilt, file events:        ${p(events.endToEnd)} (target p50 ≤ 50 ms)`);
  console.log(`    of which esbuild (start → written):     ${p(events.inner)}`);
  console.log(`    of which file event + settle + notify:  ${p(events.before)}`);
  console.log(`  file write → rebuilt, esbuild polling:    ${p(poll.endToEnd)}`);
  console.log(`  ratio (events / polling), p50: ${(pct(events.endToEnd, 50) / pct(poll.endToEnd, 50)).toFixed(2)}`);
  if (rollup) {
    console.log(`  file write → rebuilt, rollup watch (--bundler rollup): ${p(rollup.endToEnd)}`);
    console.log(
      `  ratio (esbuild context / rollup watch), p50: ${(pct(events.endToEnd, 50) / pct(rollup.endToEnd, 50)).toFixed(2)}`,
    );
  }
}

const fixtures = await makeFixtures();
const devOnly = values['dev-only'];
const haveDirectus = !devOnly && ensureDirectusSdk();
console.log(
  `\nannex-extension build vs directus-extension build (median of ${RUNS} runs, wall time incl. process start)\n`,
);
const rows = [];
const fmt = (ms) => (Number.isNaN(ms) ? '  skipped' : `${ms.toFixed(0).padStart(6)} ms`);
const ratioText = (a, d) => {
  const per = a.map((x, i) => x / d[i]);
  return Number.isNaN(per[0])
    ? 'n/a'
    : `${median(per).toFixed(3)} (rounds ${Math.min(...per).toFixed(3)}–${Math.max(...per).toFixed(3)})`;
};
for (const [label, dir, target] of devOnly
  ? []
  : [
      ['api endpoint (120 TS modules)', fixtures.api, 0.2],
      ['app interface (30 Vue SFCs)', fixtures.app, 0.3],
    ]) {
  const app = dir === fixtures.app;
  const variants = [
    { cli: ANNEX_CLI, cwd: dir },
    { cli: DIRECTUS_CLI, cwd: dir, skip: !haveDirectus },
    // The same app build through rollup (`--bundler rollup`), the bundler before esbuild took over.
    ...(app ? [{ cli: ANNEX_CLI, cwd: dir, args: ['--bundler', 'rollup'] }] : [{ skip: true }]),
    ...(BASELINE_CLI ? [{ cli: BASELINE_CLI, cwd: dir }] : []),
  ];
  const [annex, directus, rollupTimes, baseline] = timeRounds(variants);
  rows.push({ label, annex, directus });
  console.log(
    `${label.padEnd(32)} annex ${fmt(median(annex))}   directus ${fmt(median(directus))}   ratio ${ratioText(annex, directus)} (target ≤ ${target})`,
  );
  if (app)
    console.log(
      `${'  same, annex --bundler rollup'.padEnd(32)} annex ${fmt(median(rollupTimes))}   esbuild / rollup ${ratioText(annex, rollupTimes)}`,
    );
  if (baseline)
    console.log(
      `${'  same, baseline checkout'.padEnd(32)} annex ${fmt(median(baseline))}   this / baseline ${ratioText(annex, baseline)}; baseline / directus ${ratioText(baseline, directus)}`,
    );
}
if (!haveDirectus && !devOnly)
  console.log('@directus/extensions-sdk could not be installed: the Directus side was skipped.');
if (haveDirectus && rows.length > 0) {
  const sum = (k) => rows[0][k].map((_, i) => rows.reduce((n, r) => n + r[k][i], 0));
  const [totalA, totalD] = [sum('annex'), sum('directus')];
  console.log(
    `${'total'.padEnd(32)} annex ${fmt(median(totalA))}   directus ${fmt(median(totalD))}   ratio ${ratioText(totalA, totalD)} (target ≤ 0.2)`,
  );
}

const editApi = (dir, i) =>
  writeFile(
    join(dir, 'src/lib/m7.ts'),
    `export interface R7 { id: number; name: string; tags: string[] }\nexport function f7(input: R7[]): number { return input.length + ${i}; }\nexport const name7: string = 'edit-${i}';\n`,
  );
const editApp = (dir, i) =>
  writeFile(
    join(dir, 'src/components/c7.vue'),
    `<template>\n  <div class="c7" @click="count++">{{ label }} {{ count }} edit ${i}</div>\n</template>\n<script setup lang="ts">\nimport { ref } from 'vue';\nconst props = defineProps<{ label: string }>();\nconst count = ref<number>(${i});\n</script>\n<style scoped>\n.c7 { padding: ${i}px; }\n</style>\n`,
  );
printDev('api fixture (one module edited)', await devRebuilds([fixtures.api, await copyOf(fixtures.api)], editApi));
const appCopies = [fixtures.app, await copyOf(fixtures.app), await copyOf(`${fixtures.app}-copy`)];
printDev('app fixture (one SFC edited)', await devRebuilds(appCopies, editApp, ['events', 'esbuild-poll', 'rollup']));
process.exit(0);
