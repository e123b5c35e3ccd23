// Used by the committed bin shims (<package>/bin/*.js) in a source checkout whose packages were
// never built: npm links those shims at install time, before any dist/ exists, so the first run
// builds the package it belongs to (tsc -b follows its project references) and then loads it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Builds the workspace package that owns `cliUrl` (its dist/ entry) so the shim can import it. */
export function buildOnDemand(cliUrl) {
  const cli = fileURLToPath(cliUrl);
  let distDir = dirname(cli);
  while (basename(distDir) !== 'dist' && dirname(distDir) !== distDir) distDir = dirname(distDir);
  const pkg = relative(ROOT, dirname(distDir));
  const tsc = findTsc();
  if (!tsc) fail(`annex: ${pkg} is not built and TypeScript is not installed (run "npm install" first).`);
  process.stderr.write(`annex: ${pkg} is not built yet; building it (tsc -b ${pkg}), once…\n`);
  const steps = [{ label: `tsc -b ${pkg}`, args: [tsc, '-b', pkg] }];
  // The host also serves the admin app, which is a separate (rollup) build.
  if (pkg === 'host' && !existsSync(join(ROOT, 'host/app/dist')))
    steps.push({ label: 'node host/app/build.mjs', args: [join(ROOT, 'host/app/build.mjs')] });
  for (const { label, args } of steps) {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    if (result.status !== 0) fail(`annex: building ${pkg} failed (${label}).`);
  }
  if (!existsSync(cli)) fail(`annex: ${relative(ROOT, cli)} is still missing after the build.`);
}
