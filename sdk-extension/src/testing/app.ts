import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { APP_SHARED_DEPS, EXTENSION_PKG_KEY } from '@annex/protocol';
import { SdkErrors } from '../errors.js';
import { formatDiagnostic } from '../internal/diagnostics.js';
import { readManifest } from '../internal/package-json.js';
import { build } from '../node/build.js';
import { sdkEntryPath } from '../internal/sdk-entry.js';
import { importFresh, moduleDefault } from './load-trusted.js';

export interface LoadedAppExtension {
  type: string;
  /** The default export (single extensions). */
  config: Record<string, unknown> | null;
  /** Named exports (bundles: interfaces, displays, layouts, modules, panels, themes, operations). */
  exports: Record<string, unknown>;
}

const sdkRequire = createRequire(import.meta.url);
const SDK_ENTRY = pathToFileURL(sdkEntryPath()).href;

/**
 * Builds (by default) and imports an app extension's output in Node, so a test can check the
 * exported config. Shared modules resolve to real `vue` and, for the others, to whatever the
 * project has installed (`@directus/extensions-sdk` maps to this SDK's define* helpers).
 */
export async function loadAppExtension(options: {
  dir: string;
  build?: boolean;
  half?: 'app';
}): Promise<LoadedAppExtension> {
  const dir = resolve(options.dir);
  if (options.build ?? true) {
    const report = await build({ cwd: dir, minify: false });
    if (!report.ok)
      throw SdkErrors.SDK_BUILD_FAILED(
        { count: report.diagnostics.length },
        { details: { diagnostics: report.diagnostics.map(formatDiagnostic) } },
      );
  }
  const read = await readManifest(dir);
  if (!read.ok) throw SdkErrors.SDK_MANIFEST_INVALID({ message: read.diagnostics.map((d) => d.message).join('; ') });
  const ext = read.manifest[EXTENSION_PKG_KEY];
  const appPath = typeof ext.path === 'string' ? ext.path : ext.path.app;
  if (!appPath || ext.type === 'hook' || ext.type === 'endpoint')
    throw SdkErrors.SDK_HARNESS_WRONG_TYPE({ expected: 'app extension', actual: ext.type });
  const file = isAbsolute(appPath) ? appPath : join(dir, appPath);
  const projectRequire = createRequire(join(dir, 'package.json'));
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'annex-app-shared',
        setup(b) {
          const filter = new RegExp(`^(${APP_SHARED_DEPS.map((d) => d.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?$`);
          b.onResolve({ filter }, (args) => {
            if (args.path === '@directus/extensions-sdk') return { path: SDK_ENTRY, external: true };
            for (const req of [projectRequire, sdkRequire]) {
              try {
                return { path: pathToFileURL(req.resolve(args.path)).href, external: true };
              } catch {
                // try the next resolver
              }
            }
            return {
              errors: [
                {
                  text: `${args.path} is provided by the admin app; install it as a devDependency to load this extension in tests`,
                },
              ],
            };
          });
        },
      },
    ],
  });
  const tmp = await mkdtemp(join(tmpdir(), 'annex-app-'));
  try {
    const entry = join(tmp, 'app.mjs');
    await writeFile(entry, result.outputFiles[0]!.contents);
    const mod = await importFresh(entry);
    const config = ext.type === 'bundle' ? null : (moduleDefault(mod) as Record<string, unknown>);
    return { type: ext.type, config, exports: mod };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
