import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as esbuild from 'esbuild';
import { APP_SHARED_DEPS } from '@annex/protocol';
import type { Diagnostic } from '../diagnostics.js';
import { fromEsbuildMessages } from './esbuild-messages.js';
import { esbuildEntry, type AppTarget } from './plan.js';
import { sdkAliasEsbuildPlugin, vueEsbuildPlugin } from './vue-esbuild-plugin.js';

export interface AppBuildOptions {
  cwd: string;
  minify: boolean;
  sourcemap: boolean;
}

/**
 * esbuild options for one app target, equivalent to the rollup build: ESM for the browser,
 * the modules the app shares (vue, pinia, …) external, CommonJS dependencies converted, Vue SFCs
 * and CSS compiled by the plugin, `process.env.NODE_ENV` set, dynamic imports inlined (no
 * splitting), one output file (+ a linked map when asked).
 */
export function appEsbuildOptions(
  target: AppTarget,
  opts: AppBuildOptions,
  extraPlugins: esbuild.Plugin[] = [],
): esbuild.BuildOptions & { write: false; metafile: true } {
  const entry = esbuildEntry(target.entry);
  return {
    ...entry,
    outfile: target.outfile,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify,
    ...(opts.minify ? { legalComments: 'none' as const } : {}),
    sourcemap: opts.sourcemap ? 'linked' : false,
    logLevel: 'silent',
    absWorkingDir: opts.cwd,
    external: APP_SHARED_DEPS.flatMap((dep) => [dep, `${dep}/*`]),
    resolveExtensions: ['.mjs', '.js', '.json', '.ts', '.tsx', '.vue'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [sdkAliasEsbuildPlugin(), vueEsbuildPlugin(opts.cwd, opts.sourcemap), ...extraPlugins],
  };
}

/** Writes a finished app build's files (the bundle and its map) and returns its warnings. */
export async function writeAppOutput(
  result: esbuild.BuildResult<{ write: false }>,
  cwd: string,
): Promise<Diagnostic[]> {
  const files = result.outputFiles ?? [];
  await Promise.all([...new Set(files.map((f) => dirname(f.path)))].map((d) => mkdir(d, { recursive: true })));
  await Promise.all(files.map((f) => writeFile(f.path, f.contents)));
  return fromEsbuildMessages(result.warnings, 'warning', cwd);
}

/** esbuild's failure → coded diagnostics with file:line:column. */
export function fromEsbuildFailure(error: unknown, cwd: string): Diagnostic[] {
  const failure = error as esbuild.BuildFailure;
  if (!Array.isArray(failure.errors)) throw error;
  return [
    ...fromEsbuildMessages(failure.errors, 'error', cwd),
    ...fromEsbuildMessages(failure.warnings ?? [], 'warning', cwd),
  ];
}

/** One-shot esbuild build of an app target (the default bundler). */
export async function buildAppTarget(target: AppTarget, opts: AppBuildOptions): Promise<Diagnostic[]> {
  try {
    return await writeAppOutput(await esbuild.build(appEsbuildOptions(target, opts)), opts.cwd);
  } catch (error) {
    return fromEsbuildFailure(error, opts.cwd);
  }
}
