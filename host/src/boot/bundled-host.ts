import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBundleFresh } from '@annex/protocol/bundle';
import { readConfig } from '../config.js';
import { runCommonJsWithCodeCache, type CompiledScript } from './code-cache.js';

/*
 * `annex start` loads the host from dist/bundle/host.cjs (scripts/bundle-host.mjs) compiled with a
 * V8 code cache kept in the cache folder: one file instead of about 500 modules, and bytecode instead
 * of parsing (issue 20: boot). The bundle is used only while every file it was made from is
 * unchanged; otherwise (a `tsc -b` without the bundle step, an upgraded package) the modules load
 * themselves, as `import('@annex/host')` does.
 */

type HostModule = typeof import('../index.js');

const DIST = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const HOST_BUNDLE = path.join(DIST, 'bundle', 'host.cjs');

export interface LoadedHost {
  readonly module: HostModule;
  /** `bundle` (with the code cache's outcome) or `modules` (no usable bundle). */
  readonly source: 'bundle' | 'modules';
  readonly codeCache: CompiledScript['cache'] | undefined;
  /** Keeps the bytecode compiled so far for the next boot (call once the host answers). */
  persistCodeCache(): void;
}

/*
 * Extensions (the built-ins too) `require()` some of what the bundle holds: the built-ins'
 * `@annex/host/builtins-support`, `@annex/protocol`, and `express`, which must be the host's
 * own Express as in a Directus install (an extension's router and the host's app share its
 * prototypes). Each is put in Node's module cache under the file its name resolves to, so that
 * resolving the name from an extension finds the bundle's instance instead of loading a second
 * copy from node_modules. (A deep path such as `express/lib/router` still loads its own file.)
 */
function provide(modules: Record<string, unknown>): void {
  const require = createRequire(import.meta.url);
  const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
  for (const [name, exports] of Object.entries(modules)) {
    const file = require.resolve(name);
    const m = new Module(file);
    m.filename = file;
    m.exports = exports;
    m.loaded = true;
    cache[file] = m;
  }
}

/**
 * The host module for `annex start` and extension commands: from the bundle when it is fresh,
 * compiled with the code cache under `<cache folder>/code` (ANNEX_CACHE_DIR, `<data>/cache` by
 * default; none when SECRET is generated: nothing to sign it with); otherwise the modules themselves.
 */
export async function loadHost(
  options: { env?: Record<string, string | undefined>; cwd?: string; bundle?: string } = {},
): Promise<LoadedHost> {
  const bundle = options.bundle ?? HOST_BUNDLE;
  if ((options.env ?? process.env).ANNEX_HOST_BUNDLE === 'off' || !isBundleFresh(bundle)) {
    return { module: await import('../index.js'), source: 'modules', codeCache: undefined, persistCodeCache() {} };
  }
  const config = readConfig(options.env ?? process.env, options.cwd ?? process.cwd());
  const compiled = runCommonJsWithCodeCache(bundle, {
    cacheDir: config.secretGenerated ? undefined : path.join(config.cacheDir, 'code'),
    secret: config.secret,
  });
  const exports = compiled.exports as { host: HostModule; provided: Record<string, unknown> };
  provide(exports.provided);
  return { module: exports.host, source: 'bundle', codeCache: compiled.cache, persistCodeCache: compiled.persist };
}
