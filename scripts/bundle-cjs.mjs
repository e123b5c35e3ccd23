// One CommonJS file from a graph of ES modules and packages, for what must start fast (the host,
// the sandbox worker: issue 20, boot). Used by host/scripts/bundle-host.mjs and
// runtime/scripts/bundle-worker.mjs. Next to `<name>.cjs` it writes `<name>.json`: every input with
// its size and mtime, so a loader can tell a bundle older than its sources and not use it.
import fs from 'node:fs';
import path from 'node:path';

const META_URL = '__annexImportMetaUrl';

/** Database drivers knex requires by DB_CLIENT: native or optional, always left to node_modules. */
export const DB_DRIVERS = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'pg-query-stream',
  'mysql',
  'mysql2',
  'sqlite3',
  'tedious',
  'oracledb',
  'mariadb',
];
const ENTRY = 'annex-bundle-entry.cjs';

/**
 * Bundles `entry` (CommonJS source, resolved from `root`) into `outfile` with esbuild's `build` (the
 * calling package's esbuild). `external`: packages left to Node; `ownFiles`: files of the graph left
 * outside at their own path; `replace`: file → contents.
 */
export async function bundleCommonJs({ build, root, entry, outfile, external = [], ownFiles = [], replace = {} }) {
  const outDir = path.dirname(outfile);
  /*
   * Each bundled file keeps its own import.meta.url (the host finds builtins/ from it, the runtime
   * its worker and isolate files): `define` turns the expression into an identifier and the file gets
   * a declaration of it, computed from the bundle's folder at load time so that the tree can move.
   */
  const plugin = {
    name: 'annex-bundle-cjs',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !args.path.startsWith('.')) return undefined;
        const file = path.resolve(args.resolveDir, args.path);
        return ownFiles.includes(file) ? { path: `./${path.relative(outDir, file)}`, external: true } : undefined;
      });
      b.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
        if (replace[args.path] !== undefined) return { contents: replace[args.path], loader: 'js' };
        const source = await fs.promises.readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const rel = JSON.stringify(path.relative(outDir, args.path));
        return { contents: `const ${META_URL} = __annexFileUrl(${rel});\n${source}`, loader: 'js' };
      });
    },
  };
  fs.mkdirSync(outDir, { recursive: true });
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: ENTRY, loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    external,
    define: { 'import.meta.url': META_URL },
    // import() of a package becomes require() (Node 20.19+ requires ES modules): a script compiled
    // with a code cache has no dynamic-import hook. Imports of computed URLs belong in `ownFiles`.
    supported: { 'dynamic-import': false },
    banner: {
      js: "var __annexFileUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;",
    },
    plugins: [plugin],
    metafile: true,
    minifyWhitespace: true,
    // No keepNames: its `__name` calls on every closure made per request cost ≈ 8 % of a route (function names are only read by debug output).
    legalComments: 'none',
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => p !== ENTRY)
    .map((p) => {
      const file = path.resolve(root, p);
      const st = fs.statSync(file);
      return [path.relative(outDir, file), st.size, Math.trunc(st.mtimeMs)];
    });
  fs.writeFileSync(outfile.replace(/\.cjs$/, '.json'), JSON.stringify({ format: 1, inputs }));
  return { inputs: inputs.length, bytes: fs.statSync(outfile).size };
}
