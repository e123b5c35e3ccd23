import type { Diagnostic } from '../diagnostics.js';
import type { ExtensionConfig } from './extension-config.js';

/** Which bundler builds app code: esbuild (default) or rollup. */
export type AppBundler = 'esbuild' | 'rollup';

export const APP_BUNDLERS: readonly AppBundler[] = ['esbuild', 'rollup'];

/**
 * The bundler for app targets: the one asked for, else rollup when `extension.config.*` lists
 * rollup plugins (they only run in rollup), else esbuild. Rollup plugins that cannot run — an
 * explicit `--bundler esbuild`, or API targets, which esbuild builds — are reported, not dropped
 * silently.
 */
export function chooseAppBundler(
  requested: AppBundler | undefined,
  config: ExtensionConfig,
  has: { app: boolean; api: boolean },
): { bundler: AppBundler; diagnostics: Diagnostic[] } {
  const withPlugins = config.plugins.length > 0;
  const bundler = requested ?? (withPlugins ? 'rollup' : 'esbuild');
  const diagnostics: Diagnostic[] = [];
  const ignored = (what: string): Diagnostic => ({
    code: 'SDK_CONFIG_PLUGINS_IGNORED',
    severity: 'warning',
    message: `the rollup plugins of ${config.file} do not run for ${what}`,
    ...(config.file ? { file: config.file } : {}),
  });
  if (withPlugins && has.app && bundler === 'esbuild') diagnostics.push(ignored('app code built with esbuild'));
  if (withPlugins && has.api) diagnostics.push(ignored('API code (esbuild builds it)'));
  return { bundler, diagnostics };
}
