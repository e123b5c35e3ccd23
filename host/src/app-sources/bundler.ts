import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { rollup, type RollupBuild } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from '../extensions/esbuild-service.js';
import type { HostErrorCode } from '../errors.js';
import type { AppEntry } from '../extensions/registries.js';
import { pickConfigs } from './pick.js';
import { vueSfcPlugin } from './sfc-plugin.js';

/** Shared modules the admin app provides, by import specifier → file name under the shared base. */
export const SHARED_DEPS: Record<string, string> = {
  vue: 'vue',
  'vue-router': 'vue-router',
  pinia: 'pinia',
  'vue-i18n': 'vue-i18n',
  '@directus/extensions-sdk': 'directus-extensions-sdk',
  '@annex/sdk-extension': 'directus-extensions-sdk',
  '@directus/sdk': 'directus-sdk',
};
export const SHARED_BASE = '/admin/assets/shared/';
export const SOURCES_BASE = '/extensions/sources/';

type BundleEntries = { name: string; type: string }[];
type BuildError = { code: string; message: string };
export interface ChunkInfo {
  extension: string;
  source: string;
  type: string;
  ids: string[];
  entries: BundleEntries | null;
  url: string | null;
  /** Files split off by dynamic import(), served beside the entry. */
  lazy?: string[];
  error: BuildError | null;
}
export interface Manifest {
  version: string;
  chunks: ChunkInfo[];
}
interface Built {
  fingerprint: Map<string, string>;
  name: string | null;
  code: string | null;
  lazy?: { name: string; code: string }[];
  error: BuildError | null;
}
/** The registry entry fields the bundler reads. */
export type SourceEntry = Pick<AppEntry, 'id' | 'extension' | 'type' | 'file' | 'source' | 'entries'>;
export interface ChunkGroup {
  extension: string;
  source: string;
  type: string;
  file: string;
  ids: string[];
  entries: BundleEntries | null;
}
export interface BuildOptions {
  sharedBase?: string;
  minify?: boolean;
}

const BUILD_FAILED: HostErrorCode = 'APP_BUILD_FAILED';
const hash = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const safeName = (id: string) => id.replace(/^@/, '').replace(/[^a-zA-Z0-9_-]+/g, '-');

/** Extensions' registrations grouped by built file: one chunk per extension (bundle entries share theirs). */
export function groupEntries(list: SourceEntry[]): ChunkGroup[] {
  const groups = new Map<string, ChunkGroup>();
  for (const e of [...list].sort((a, b) => a.id.localeCompare(b.id))) {
    let g = groups.get(e.file);
    if (!g)
      groups.set(
        e.file,
        (g = {
          extension: e.extension,
          source: e.source,
          type: e.entries ? 'bundle' : e.type,
          file: e.file,
          ids: [],
          entries: e.entries ? [] : null,
        }),
      );
    g.ids.push(e.id);
    if (e.entries && g.entries) g.entries.push(...e.entries);
  }
  return [...groups.values()];
}

async function fingerprintOf(files: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of files)
    out.set(
      f,
      await fs.readFile(f).then(
        (b) => hash(b),
        () => 'missing',
      ),
    );
  return out;
}

async function unchanged(fp: Map<string, string>): Promise<boolean> {
  for (const [f, h] of fp)
    if (
      (await fs.readFile(f).then(
        (b) => hash(b),
        () => 'missing',
      )) !== h
    )
      return false;
  return true;
}

/** Rollup error → a short message naming file:line:column when known. */
function describeError(e: any): string {
  const loc = e?.loc ? ` (${path.basename(e.loc.file ?? e.id ?? '')}:${e.loc.line}:${e.loc.column})` : '';
  // First line only: the rest is a code frame with absolute paths.
  const first = String(e?.message ?? e)
    .split('\n')[0]!
    .replace(/^\[plugin [^\]]+\]\s*/, '')
    .replace(/\S*\/([^\s/]+)/g, '$1');
  return `${first}${loc}`;
}

/**
 * Builds one extension's browser module: Vue SFCs compiled, its own dependencies inlined,
 * shared deps left as imports of the app's modules, minified. Never throws: failures are data.
 */
export async function buildChunk(
  group: { extension: string; file: string },
  options: BuildOptions = {},
): Promise<Built> {
  const base = options.sharedBase ?? SHARED_BASE;
  const minify = options.minify !== false;
  let bundle: RollupBuild | undefined;
  try {
    bundle = await rollup({
      input: group.file,
      external: (id) => id in SHARED_DEPS,
      // A bare import nothing resolves would fail in every browser: fail the build instead.
      onwarn(warning) {
        if (warning.code === 'UNRESOLVED_IMPORT')
          throw new Error(
            `cannot resolve import "${warning.exporter ?? warning.message}" (only vue, vue-router, pinia, vue-i18n, @directus/extensions-sdk and @directus/sdk are provided by the app)`,
          );
      },
      plugins: [
        vueSfcPlugin(),
        nodeResolve({ browser: true, extensions: ['.mjs', '.js', '.json', '.vue'], preferBuiltins: false }),
      ],
    });
    // A dynamic import() stays a separate file (an editor page loads when first opened, not with
    // the app); every file is named by its content hash, relative to the entry.
    const stem = safeName(group.extension);
    const { output } = await bundle.generate({
      format: 'es',
      paths: (id) => `${base}${SHARED_DEPS[id]}.js`,
      hashCharacters: 'hex',
      entryFileNames: `${stem}.[hash:10].js`,
      chunkFileNames: `${stem}.lazy.[hash:10].js`,
    });
    const files: { name: string; code: string }[] = [];
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue;
      const code = minify
        ? (await transform(chunk.code, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code
        : chunk.code;
      files[chunk.isEntry ? 'unshift' : 'push']({ name: chunk.fileName, code });
    }
    const fingerprint = await fingerprintOf(bundle.watchFiles.filter((f) => !f.startsWith('\0')));
    return { fingerprint, name: files[0].name, code: files[0].code, lazy: files.slice(1), error: null };
  } catch (e) {
    const files = [group.file, ...((e as { watchFiles?: string[] })?.watchFiles ?? [])];
    return {
      fingerprint: await fingerprintOf(files),
      name: null,
      code: null,
      error: { code: BUILD_FAILED, message: describeError(e) },
    };
  } finally {
    await bundle?.close();
  }
}

/** The Directus-compatible entry: imports every chunk (each on its own, with a timeout) and exports the seven arrays. */
export function renderIndex(manifest: Manifest, timeoutMs = 10_000): string {
  const chunks = manifest.chunks
    .filter((c) => c.url)
    .map(({ extension, type, entries, url }) => ({ extension, type, entries, url }));
  return `// Annex app extensions, version ${manifest.version}: one chunk per extension.
${pickConfigs.toString()}
const chunks = ${JSON.stringify(chunks)};
const settle = (c) => Promise.race([
  import(c.url).then((m) => pickConfigs(m, c)),
  new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after ${timeoutMs} ms')), ${timeoutMs})),
]).catch((error) => { console.error('[annex] app extension ' + c.extension + ' failed to load', error); return null; });
const loaded = (await Promise.all(chunks.map(settle))).filter(Boolean);
const all = (list) => loaded.flatMap((r) => r[list]);
export const version = ${JSON.stringify(manifest.version)};
export const interfaces = all('interfaces');
export const displays = all('displays');
export const layouts = all('layouts');
export const modules = all('modules');
export const panels = all('panels');
export const themes = all('themes');
export const operations = all('operations');
`;
}

export interface SourcesBundlerOptions extends BuildOptions {
  list: () => SourceEntry[];
  timeoutMs?: number;
}
export interface Sources {
  manifest: Manifest;
  files: Map<string, string>;
  index: string;
}

/**
 * The app extension sources: rebuilt on demand from the registry's current entries, each
 * extension's chunk cached until one of its files changes. Builds are serialised.
 */
export function createSourcesBundler(options: SourcesBundlerOptions) {
  /** file → last build */
  const cache = new Map<string, Built>();
  let current: Sources | undefined;
  let running: Promise<Sources> | undefined;
  let dirty = true;
  let builds = 0;
  let chunkBuilds = 0;

  async function rebuild(): Promise<Sources> {
    dirty = false;
    builds++;
    const groups = groupEntries(options.list());
    const chunks: ChunkInfo[] = [];
    const files = new Map<string, string>();
    await Promise.all(
      groups.map(async (g) => {
        let built = cache.get(g.file);
        if (!built || !(await unchanged(built.fingerprint))) {
          chunkBuilds++;
          built = await buildChunk(g, options);
          cache.set(g.file, built);
        }
        if (built.code && built.name) files.set(built.name, built.code);
        for (const f of built.lazy ?? []) files.set(f.name, f.code);
        chunks.push({
          extension: g.extension,
          source: g.source,
          type: g.type,
          ids: g.ids,
          entries: g.entries,
          url: built.name ? SOURCES_BASE + built.name : null,
          lazy: (built.lazy ?? []).map((f) => f.name),
          error: built.error,
        });
      }),
    );
    for (const file of cache.keys()) if (!groups.some((g) => g.file === file)) cache.delete(file);
    chunks.sort((a, b) => a.extension.localeCompare(b.extension));
    const version = hash(JSON.stringify(chunks)).slice(0, 12);
    const manifest = { version, chunks };
    current = { manifest, files, index: renderIndex(manifest, options.timeoutMs) };
    return current;
  }

  return {
    /** The current sources, rebuilt first when anything changed since the last build. */
    async get(): Promise<Sources> {
      while (dirty || !current) {
        running ??= rebuild().finally(() => {
          running = undefined;
        });
        await running;
      }
      if (running) await running;
      return current;
    },
    /** Marks the sources stale (the registry changed or a file may have). */
    invalidate(): void {
      dirty = true;
    },
    /** The last finished build, without building. */
    peek: () => current,
    /** Rebuild passes, chunks actually built (the rest came from the cache), chunks cached. */
    stats: () => ({ builds, chunkBuilds, cached: cache.size }),
  };
}

export type SourcesBundler = ReturnType<typeof createSourcesBundler>;
