import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'rollup';
import type { Diagnostic } from '../diagnostics.js';

/** Directus's `extension.config.{js,mjs,cjs}`: extra rollup plugins, and watch options. */
export interface ExtensionConfig {
  plugins: Plugin[];
  file?: string;
}

export type ExtensionConfigResult = { ok: true; config: ExtensionConfig } | { ok: false; diagnostics: Diagnostic[] };

const NAMES = ['extension.config.js', 'extension.config.mjs', 'extension.config.cjs'];

function invalid(file: string, message: string): ExtensionConfigResult {
  return { ok: false, diagnostics: [{ code: 'SDK_CONFIG_INVALID', severity: 'error', message, file }] };
}

/**
 * Reads the extension's `extension.config.*` the way Directus's SDK does (the first of .js, .mjs,
 * .cjs, its default export). Only `plugins` changes the build; a config without plugins, or no
 * config, leaves the app build on esbuild.
 */
export async function loadExtensionConfig(cwd: string): Promise<ExtensionConfigResult> {
  const name = NAMES.find((n) => existsSync(join(cwd, n)));
  if (!name) return { ok: true, config: { plugins: [] } };
  let loaded: unknown;
  try {
    const mod = (await import(pathToFileURL(join(cwd, name)).href)) as { default?: unknown };
    loaded = mod.default ?? {};
  } catch (error) {
    return invalid(name, `could not be loaded: ${(error as Error).message}`);
  }
  if (typeof loaded !== 'object' || loaded === null) return invalid(name, 'must export an object');
  const plugins = (loaded as { plugins?: unknown }).plugins ?? [];
  if (!Array.isArray(plugins)) return invalid(name, '"plugins" must be an array of rollup plugins');
  // Directus passes the array to rollup, which skips falsy entries (`cond && plugin()`).
  const kept = plugins.filter(Boolean);
  if (kept.some((p) => typeof p !== 'object' || typeof (p as { name?: unknown }).name !== 'string'))
    return invalid(name, '"plugins" must be an array of rollup plugins (objects with a "name")');
  return { ok: true, config: { plugins: kept as Plugin[], file: name } };
}
