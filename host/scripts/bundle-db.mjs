#!/usr/bin/env node
// Bundles knex and objection (with lodash, ajv, db-errors, tarn: about 700 CommonJS files) into one
// file, dist/vendor/db.cjs, which the host loads at boot instead of resolving, reading and compiling
// each file (issue 20: boot; about a third of their load cost). The database drivers stay external.
// The bundle records the versions it was made from; src/db/driver.ts ignores it when they differ
// from the installed ones (an upgrade without a rebuild), and loads the packages themselves then.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_DRIVERS } from '../../scripts/bundle-cjs.mjs';

const HOST = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(HOST, 'package.json'));
const versions = { knex: require('knex/package.json').version, objection: require('objection/package.json').version };
const outfile = join(HOST, 'dist', 'vendor', 'db.cjs');
mkdirSync(dirname(outfile), { recursive: true });
const started = performance.now();
await build({
  stdin: {
    contents: `module.exports = { versions: ${JSON.stringify(versions)}, knex: require('knex'), objection: require('objection') };\n`,
    resolveDir: HOST,
    sourcefile: 'db-vendor-entry.cjs',
    loader: 'js',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  external: DB_DRIVERS,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'error',
});
process.stdout.write(
  `host: knex ${versions.knex} + objection ${versions.objection} bundled into dist/vendor/db.cjs (${Math.round(performance.now() - started)} ms)\n`,
);
