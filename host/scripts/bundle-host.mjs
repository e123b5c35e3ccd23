#!/usr/bin/env node
// Bundles the host (its dist, @annex/runtime, @annex/protocol and the pure-JS packages they import at
// boot: koa, express, zod, knex, objection, …) into one CommonJS file, dist/bundle/host.cjs, which
// `annex start` compiles once with a V8 code cache instead of resolving, reading and compiling about
// 1200 module files (issue 20: boot). src/boot/bundled-host.ts ignores a bundle older than any of
// its inputs (a `tsc -b` without this step, an upgraded package) and loads the modules then.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommonJs, DB_DRIVERS } from '../../scripts/bundle-cjs.mjs';

const HOST = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// Native addons, and what loads on first use only (keeps its own lazy load). pino is bundled: the
// host makes no transport (a transport starts a worker thread from pino's files by path).
const EXTERNAL = [
  ...DB_DRIVERS,
  'isolated-vm',
  'sharp',
  'esbuild',
  'graphql',
  'nodemailer',
  'jose',
  '@annex/marketplace',
  'chokidar',
  'rollup',
  '@rollup/*',
  '@vue/compiler-sfc',
  'pino-pretty',
  'ws',
  'graphql-ws',
  'qrcode',
];

const started = performance.now();
const { inputs, bytes } = await bundleCommonJs({
  build,
  root: HOST,
  // What extensions (the built-ins too) require by name is handed out from the bundle by src/boot/bundled-host.ts.
  entry: [
    "exports.host = require('./dist/index.js');",
    "exports.provided = { '@annex/host/builtins-support': require('./dist/builtins-support/index.js'), '@annex/protocol': require('@annex/protocol'), express: require('express') };",
  ].join('\n'),
  outfile: path.join(HOST, 'dist', 'bundle', 'host.cjs'),
  external: EXTERNAL,
  // import() of a computed URL (extension migrations, entries with top-level await) needs a real ES module.
  ownFiles: [path.join(HOST, 'dist', 'extensions', 'import-url.js')],
  // The bundle has knex and objection themselves: dist/vendor/db.cjs is for the unbundled host.
  replace: {
    [path.join(HOST, 'dist', 'db', 'driver.js')]:
      "export const db = { knex: require('knex'), objection: require('objection'), source: 'bundle' };\n",
  },
});
process.stdout.write(
  `host: ${inputs} modules bundled into dist/bundle/host.cjs (${Math.round(bytes / 1024)} KB, ${Math.round(performance.now() - started)} ms)\n`,
);
