import { relative } from 'node:path';
import {
  rollup,
  watch,
  type InputOptions,
  type OutputOptions,
  type Plugin,
  type RollupError,
  type RollupWatcher,
} from 'rollup';
import commonjsModule from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { APP_SHARED_DEPS } from '@annex/protocol';
import type { Diagnostic } from '../diagnostics.js';
import type { AppTarget } from './plan.js';
import { minifyPlugin, sdkAliasPlugin, transformPlugin, virtualPlugin, vueSfcPlugin } from './rollup-plugins.js';

import type { AppBuildOptions } from './app-esbuild.js';

// The plugin's types are CommonJS-shaped while its `import` export is the function itself.
type CommonjsFactory = (options?: { extensions?: string[] }) => Plugin;
const commonjs: CommonjsFactory =
  typeof commonjsModule === 'function'
    ? (commonjsModule as CommonjsFactory)
    : (commonjsModule as unknown as { default: CommonjsFactory }).default;

const isShared = (id: string) => APP_SHARED_DEPS.some((dep) => id === dep || id.startsWith(dep + '/'));

/**
 * rollup options for one app target: Vue SFC, TS, node-resolve (browser), CJS; shared deps
 * external; ESM out. `plugins` (from `extension.config.*`) run where Directus's SDK runs them:
 * after the compilers, before module resolution.
 */
export function appRollupOptions(
  target: AppTarget,
  opts: AppBuildOptions,
  plugins: Plugin[] = [],
): { input: InputOptions; output: OutputOptions } {
  const virtual = 'virtual' in target.entry ? { [target.entry.name]: target.entry.virtual } : {};
  return {
    input: {
      input: 'file' in target.entry ? target.entry.file : target.entry.name,
      external: isShared,
      onwarn: () => {},
      plugins: [
        virtualPlugin(virtual),
        sdkAliasPlugin(),
        vueSfcPlugin(opts.cwd, opts.sourcemap),
        transformPlugin(),
        ...plugins,
        nodeResolve({ browser: true, extensions: ['.mjs', '.js', '.json', '.ts', '.tsx', '.vue'], rootDir: opts.cwd }),
        commonjs({ extensions: ['.js', '.cjs'] }),
      ],
    },
    output: {
      file: target.outfile,
      format: 'es',
      exports: 'auto',
      inlineDynamicImports: true,
      sourcemap: opts.sourcemap,
      plugins: opts.minify ? [minifyPlugin()] : [],
    },
  };
}

/** A rollup error → diagnostic with file:line:column when rollup knows it. */
export function fromRollupError(error: RollupError, cwd: string): Diagnostic {
  const file = error.loc?.file ?? error.id;
  const syntax = error.code === 'PARSE_ERROR' || /syntax|unexpected|expected/i.test(error.message);
  return {
    code:
      error.code === 'UNRESOLVED_IMPORT' ? 'SDK_UNRESOLVED_IMPORT' : syntax ? 'SDK_SYNTAX_ERROR' : 'SDK_BUILD_ERROR',
    severity: 'error',
    message: error.message.replace(/^\[plugin [^\]]+\]\s*/, ''),
    ...(file ? { file: relative(cwd, file) || file } : {}),
    ...(error.loc ? { line: error.loc.line, column: error.loc.column } : {}),
  };
}

/** One-shot rollup build of an app target (`--bundler rollup`, or an `extension.config.*` with plugins). */
export async function buildAppTargetRollup(
  target: AppTarget,
  opts: AppBuildOptions,
  plugins: Plugin[] = [],
): Promise<Diagnostic[]> {
  const { input, output } = appRollupOptions(target, opts, plugins);
  try {
    const bundle = await rollup(input);
    try {
      await bundle.write(output);
    } finally {
      await bundle.close();
    }
    return [];
  } catch (error) {
    return [fromRollupError(error as RollupError, opts.cwd)];
  }
}

/** rollup's watch mode for app targets (used by `dev`). */
export function watchAppTargets(targets: AppTarget[], opts: AppBuildOptions, plugins: Plugin[] = []): RollupWatcher {
  return watch(
    targets.map((t) => {
      const { input, output } = appRollupOptions(t, opts, plugins);
      return { ...input, output, watch: { clearScreen: false } };
    }),
  );
}
