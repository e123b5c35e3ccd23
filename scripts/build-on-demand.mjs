// Used by the committed bin shims (<package>/bin/*.js) in a source checkout whose packages were
// never built: npm links those shims at install time, before any dist/ exists, so the first run
// builds the package it belongs to (tsc -b follows its project references), with the extension
// author's other CLIs (AUTHOR_CLIS below), and then loads it.
// Run as `node scripts/build-on-demand.mjs steps [--changed]`, it is also the build's steps after
// tsc -b (bundles, admin app); with --changed it skips those whose output is current (below).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Exit code of a shim whose CLI could not be built (1 = failure, as every Annex CLI uses it). */
const NOT_BUILT = 1;

function fail(message) {
  process.stderr.write(
    `${message}\nBuild the checkout once with "npm run build" (in ${ROOT}), then run the command again.\n`,
  );
  process.exit(NOT_BUILT);
}

function findTsc() {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/**
 * The extension author's CLIs (create-annex-extension, annex-extension, annex-marketplace), which a
 * fresh clone runs one after another. The first shim to run builds every one of them that is not
 * built yet in one `tsc -b`, which reads TypeScript's lib and @types/node once for all of them: the
 * three built one at a time cost 20 s of CPU, together 15 s (and the user waits once, not three times).
 */
const AUTHOR_CLIS = ['create-extension', 'sdk-extension', 'marketplace'];

/** The packages a shim of `pkg` builds: its own and every author CLI of this checkout not built yet. */
function packagesToBuild(pkg) {
  const unbuilt = AUTHOR_CLIS.filter(
    (p) => existsSync(join(ROOT, p, 'tsconfig.json')) && !existsSync(join(ROOT, p, 'dist')),
  );
  return [...new Set([pkg, ...unbuilt])];
}

/** Builds the workspace package that owns `cliUrl` (its dist/ entry), with the other CLIs, so the shim can import it. */
export function buildOnDemand(cliUrl) {
  const cli = fileURLToPath(cliUrl);
  let distDir = dirname(cli);
  while (basename(distDir) !== 'dist' && dirname(distDir) !== distDir) distDir = dirname(distDir);
  const pkg = relative(ROOT, dirname(distDir));
  const tsc = findTsc();
  if (!tsc) fail(`annex: ${pkg} is not built and TypeScript is not installed (run "npm install" first).`);
  const packages = packagesToBuild(pkg);
  const what = packages.length > 1 ? 'it and the other Annex CLIs in one go' : 'it';
  process.stderr.write(`annex: ${pkg} is not built yet; building ${what} (tsc -b ${packages.join(' ')}), once…\n`);
  const steps = [{ label: `tsc -b ${packages.join(' ')}`, args: [tsc, '-b', ...packages] }];
  // The host also serves the admin app, which is a separate (rollup) build.
  if (pkg === 'host' && !existsSync(join(ROOT, 'host/app/dist')))
    steps.push({ label: 'node host/app/build.mjs', args: [join(ROOT, 'host/app/build.mjs')] });
  for (const { label, args } of steps) {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    if (result.status !== 0) fail(`annex: building ${pkg} failed (${label}).`);
  }
  if (!existsSync(cli)) fail(`annex: ${relative(ROOT, cli)} is still missing after the build.`);
}

/*
 * `node scripts/build-on-demand.mjs steps [--changed]`: the build's steps after `tsc -b` (package.json
 * "build"). With --changed (`npm test`), a step whose output is newer than its script, the installed
 * packages (node_modules/.package-lock.json) and every file under its own inputs is not run again;
 * a bundle must also match its manifest (every input's size and mtime, @annex/protocol/bundle).
 * The steps read only tsc's output and write only their own, so they run side by side, as many at
 * once as there are cores, the longest (the admin app's rollup build) first.
 */
const STEPS = [
  {
    script: 'host/app/build.mjs',
    output: 'host/app/dist/manifest.json',
    inputs: ['host/app/src', 'host/dist/app-sources'],
  },
  { script: 'host/scripts/bundle-host.mjs', output: 'host/dist/bundle/host.cjs', manifest: true },
  { script: 'runtime/scripts/bundle-worker.mjs', output: 'runtime/dist/worker-bundle/worker.cjs', manifest: true },
  { script: 'host/scripts/bundle-db.mjs', output: 'host/dist/vendor/db.cjs' },
];

/** The newest mtime (ms) of `file`, or of any file under it when it is a folder; 0 when missing. */
function newest(file) {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newest(join(file, name))));
}

async function isStepCurrent(step) {
  const made = statSync(join(ROOT, step.output), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = [step.script, 'scripts/bundle-cjs.mjs', 'node_modules/.package-lock.json', ...(step.inputs ?? [])];
  if (!made || sources.some((s) => newest(join(ROOT, s)) >= made)) return false;
  if (!step.manifest) return true;
  const { isBundleFresh } = await import('@annex/protocol/bundle');
  return isBundleFresh(join(ROOT, step.output));
}

/** Runs one step's script; its output is printed whole when it ends, so steps' lines do not interleave. */
function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, step.script)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('error', (err) => out.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(out));
      resolve(code ?? 1);
    });
  });
}

async function runSteps(onlyChanged) {
  const pending = [];
  for (const step of STEPS) {
    if (onlyChanged && (await isStepCurrent(step)))
      process.stdout.write(`${step.output} is current (node ${step.script} not run)\n`);
    else pending.push(step);
  }
  let failed = 0;
  const lane = async () => {
    for (let step = pending.shift(); step; step = pending.shift()) {
      const code = await runStep(step);
      if (code !== 0 && !failed) failed = code;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, lane));
  if (failed) process.exit(failed);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'steps') {
  await runSteps(process.argv.includes('--changed'));
}
