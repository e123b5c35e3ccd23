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

/*
 * npm leaves a package nested once per dependent when the hoisted copy has another version: the
 * host's tree holds mime-db 1.52.0 four times (under express, accepts, body-parser, co-body), and
 * each copy, bundled, is one more object of 2,400 MIME types kept in memory (≈ 0.4 MB of heap, and
 * its source in the bundle's). Copies of one name and version are the same code, so the bundle takes
 * one of them: the least nested (then the first by path), which keeps the output stable.
 */

/** Every package folder under the `node_modules` folders from `root` upwards: folder → `name@version`, and each `name@version` → its chosen folder. */
function indexPackages(root) {
  const keyOf = new Map();
  const copies = new Map();
  const visit = (modules) => {
    let entries;
    try {
      entries = fs.readdirSync(modules, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dir = path.join(modules, e.name);
      if (e.name.startsWith('@')) {
        visit(dir);
        continue;
      }
      try {
        const { name, version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
        if (typeof name === 'string' && typeof version === 'string') {
          const key = `${name}@${version}`;
          keyOf.set(dir, key);
          copies.set(key, [...(copies.get(key) ?? []), dir]);
        }
      } catch {
        /* not a package */
      }
      visit(path.join(dir, 'node_modules'));
    }
  };
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    visit(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) break;
  }
  const chosen = new Map();
  for (const [key, dirs] of copies) {
    const depth = (d) => d.split(`${path.sep}node_modules${path.sep}`).length;
    chosen.set(key, [...dirs].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0))[0]);
  }
  return { keyOf, chosen };
}

/** The package folder a resolved file is in (`…/node_modules/<name>` or `…/node_modules/@scope/<name>`). */
function packageDirOf(file) {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const parts = file.slice(at + marker.length).split(path.sep);
  return file.slice(0, at + marker.length) + parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join(path.sep);
}

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
      const packages = indexPackages(root);
      // A bare import that lands in a nested copy of a package whose name and version the bundle already has elsewhere takes that copy.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.annexDedupe || args.kind === 'entry-point') return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { annexDedupe: true },
        });
        if (r.errors.length > 0 || r.external || !r.path) return undefined;
        const dir = packageDirOf(r.path);
        const key = dir === undefined ? undefined : packages.keyOf.get(dir);
        const chosen = key === undefined ? undefined : packages.chosen.get(key);
        if (chosen === undefined || chosen === dir) return undefined;
        return { path: path.join(chosen, path.relative(dir, r.path)), sideEffects: r.sideEffects };
      });
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
  const files = Object.keys(result.metafile.inputs)
    .filter((p) => p !== ENTRY)
    .map((p) => path.resolve(root, p));
  const inputs = freshnessInputs(files).map((file) => {
    const st = fs.statSync(file);
    return [path.relative(outDir, file), st.size, Math.trunc(st.mtimeMs)];
  });
  fs.writeFileSync(outfile.replace(/\.cjs$/, '.json'), JSON.stringify({ format: 2, inputs }));
  return { inputs: files.length, bytes: fs.statSync(outfile).size };
}

/*
 * The files whose size and mtime tell a bundle older than its sources (@annex/protocol/bundle reads
 * them at every start, a stat each: 40–70 µs here, 35 ms for the host's 1200 inputs). A file stands
 * for itself unless something rewritten whenever it may change stands for it (issue 20: boot):
 * - the files of an npm-installed tree (about 1000 of the host's inputs): npm's hidden lockfile,
 *   `node_modules/.package-lock.json`, which every `npm install` / `npm ci` that changes the tree
 *   rewrites (one for the whole tree, workspaces' nested node_modules included);
 * - a TypeScript project's output (`<project>/dist/…`): the project's `tsconfig.tsbuildinfo`, which
 *   `tsc -b` rewrites whenever it builds the project.
 * A file edited by hand in node_modules or dist is therefore not noticed (ANNEX_HOST_BUNDLE=off, or
 * rebuilding, loads it). Without the stand-in (another package manager, no build info), each file.
 */
function freshnessInputs(files) {
  const exists = new Map();
  const existing = (file) => {
    if (!exists.has(file)) exists.set(file, fs.existsSync(file));
    return exists.get(file) ? file : undefined;
  };
  const standIn = (file) => {
    const sep = path.sep;
    const modules = file.indexOf(`${sep}node_modules${sep}`);
    if (modules >= 0) return existing(path.join(file.slice(0, modules), 'node_modules', '.package-lock.json')) ?? file;
    const dist = file.lastIndexOf(`${sep}dist${sep}`);
    if (dist >= 0) return existing(path.join(file.slice(0, dist), 'tsconfig.tsbuildinfo')) ?? file;
    return file;
  };
  return [...new Set(files.map(standIn))];
}
