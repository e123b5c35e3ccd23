#!/usr/bin/env node
// Bundles the host (its dist, @annex/runtime, @annex/protocol and the pure-JS packages they import at
// boot: koa, express, zod, knex, objection, …) into one CommonJS file, dist/bundle/host.cjs, which
// `annex start` compiles once with a V8 code cache instead of resolving, reading and compiling about
// 500 module files (issue 20: boot). dist/bundle/host.json lists every input with its size and
// mtime: src/boot/bundled-host.ts ignores a bundle older than any of them (a `tsc -b` without this
// step, an upgraded package) and loads the modules themselves then.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = path.join(HOST, 'dist', 'bundle');
const OUTFILE = path.join(OUT_DIR, 'host.cjs');

// Native addons, what loads on first use only (keeps its own lazy load), and pino (its transports
// start worker threads from files by path).
const EXTERNAL = [
  'better-sqlite3',
  'isolated-vm',
  'sharp',
  'esbuild',
  'pg',
  'pg-native',
  'pg-query-stream',
  'mysql',
  'mysql2',
  'sqlite3',
  'tedious',
  'oracledb',
  'mariadb',
  'graphql',
  'nodemailer',
  'jose',
  '@annex/marketplace',
  'chokidar',
  'rollup',
  '@rollup/*',
  '@vue/compiler-sfc',
  'pino',
  'pino-pretty',
  'thread-stream',
];

/** Files that stay outside (loaded by Node at their own path): the URL importer needs a real ES module. */
const OWN_FILES = [path.join(HOST, 'dist', 'extensions', 'import-url.js')];

/*
 * Each bundled file keeps its own import.meta.url (paths.ts finds builtins/ from it, the runtime its
 * worker entry): `define` turns the expression into an identifier and the file gets a declaration
 * of it, computed from the bundle's folder at load time so that the installed tree can move.
 */
const META_URL = '__annexImportMetaUrl';
const ownUrl = {
  name: 'annex-own-url',
  setup(b) {
    b.onResolve({ filter: /import-url\.js$/ }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      return OWN_FILES.includes(file) ? { path: `./${path.relative(OUT_DIR, file)}`, external: true } : undefined;
    });
    // The bundle has knex and objection themselves: dist/vendor/db.cjs is for the unbundled host.
    b.onLoad({ filter: /[\\/]dist[\\/]db[\\/]driver\.js$/ }, () => ({
      contents: "export const db = { knex: require('knex'), objection: require('objection'), source: 'bundle' };\n",
      loader: 'js',
    }));
    b.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const rel = JSON.stringify(path.relative(OUT_DIR, args.path));
      return { contents: `const ${META_URL} = __annexFileUrl(${rel});\n${source}`, loader: 'js' };
    });
  },
};

fs.mkdirSync(OUT_DIR, { recursive: true });
const started = performance.now();
const result = await build({
  stdin: {
    contents:
      // What extensions (the built-ins too) require by name is handed out from the bundle by src/boot/bundled-host.ts.
      "exports.host = require('./dist/index.js');\nexports.provided = { '@annex/host/builtins-support': require('./dist/builtins-support/index.js'), '@annex/protocol': require('@annex/protocol'), express: require('express') };\n",
    resolveDir: HOST,
    sourcefile: 'host-bundle-entry.cjs',
    loader: 'js',
  },
  absWorkingDir: HOST,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: OUTFILE,
  external: EXTERNAL,
  define: { 'import.meta.url': META_URL },
  // import() of a package becomes require() (Node 20.19+ requires ES modules): a script compiled
  // with a code cache has no dynamic-import hook. Imports of computed URLs go through import-url.js.
  supported: { 'dynamic-import': false },
  banner: {
    js: "var __annexFileUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;",
  },
  plugins: [ownUrl],
  metafile: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'error',
});

const inputs = Object.keys(result.metafile.inputs)
  .filter((p) => p !== 'host-bundle-entry.cjs')
  .map((p) => {
    const file = path.resolve(HOST, p);
    const st = fs.statSync(file);
    return [path.relative(OUT_DIR, file), st.size, Math.trunc(st.mtimeMs)];
  });
fs.writeFileSync(path.join(OUT_DIR, 'host.json'), JSON.stringify({ format: 1, inputs }));
process.stdout.write(
  `host: ${inputs.length} modules bundled into dist/bundle/host.cjs (${Math.round(fs.statSync(OUTFILE).size / 1024)} KB, ${Math.round(performance.now() - started)} ms)\n`,
);
