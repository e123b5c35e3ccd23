import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as esbuild from 'esbuild';
import { API_SHARED_DEPS, SANDBOX_API_MODULES } from '@annex/protocol';
import type { Diagnostic } from '../diagnostics.js';
import { sdkEntryPath } from '../sdk-entry.js';
import { esbuildEntry, type ApiTarget } from './plan.js';
import { fromEsbuildMessages } from './esbuild-messages.js';
import {
  findDynamicRequires,
  findForbiddenGlobals,
  hasDynamicRequire,
  nativeModulesPlugin,
  sandboxDefines,
  sandboxImportsPlugin,
} from './sandbox-check.js';

export interface ApiBuildOptions {
  cwd: string;
  minify: boolean;
  /** Write a linked `.map` beside the output (always done for sandboxed builds). */
  sourcemap: boolean;
}

// Code written against Directus imports its helpers from @directus/extensions-sdk: on the API
// side they are identity functions, so they resolve to ours (no Vue, no node-only code). Our own
// entry resolves to this SDK's copy too, so a build never depends on how the project installed it.
const SDK_ENTRY = sdkEntryPath();
function directusSdkAliasPlugin(): esbuild.Plugin {
  return {
    name: 'annex-directus-sdk-alias',
    setup(build) {
      build.onResolve({ filter: /^(@directus\/extensions-sdk|@annex\/sdk-extension)$/ }, () => ({ path: SDK_ENTRY }));
    },
  };
}

/** The esbuild options for one API target (shared by `build` and the incremental `dev` context). */
export function apiEsbuildOptions(
  target: ApiTarget,
  opts: ApiBuildOptions,
  extraPlugins: esbuild.Plugin[] = [],
): esbuild.BuildOptions & { write: false; metafile: true } {
  const entry = esbuildEntry(target.entry);
  const writeMap = opts.sourcemap || target.sandbox;
  return {
    ...entry,
    outfile: target.outfile,
    bundle: true,
    write: false,
    metafile: true,
    format: target.format,
    target: 'node20',
    minify: opts.minify,
    sourcemap: writeMap ? 'linked' : 'external',
    logLevel: 'silent',
    absWorkingDir: opts.cwd,
    legalComments: 'none',
    ...(target.sandbox
      ? {
          platform: 'neutral' as const,
          mainFields: ['module', 'main'],
          /* No import() in the sandbox: local ones are inlined; computed ones become the require shim, reported below. */
          supported: { 'dynamic-import': false },
          external: [...SANDBOX_API_MODULES],
          define: { ...sandboxDefines, 'process.env.NODE_ENV': '"production"' },
          plugins: [directusSdkAliasPlugin(), sandboxImportsPlugin(), ...extraPlugins],
        }
      : {
          platform: 'node' as const,
          external: [...API_SHARED_DEPS],
          plugins: [directusSdkAliasPlugin(), nativeModulesPlugin(), ...extraPlugins],
        }),
  };
}

/** Post-build checks and writing of one API target's output. */
export async function finalizeApiOutput(
  target: ApiTarget,
  result: esbuild.BuildResult<{ write: false }>,
  opts: ApiBuildOptions,
): Promise<Diagnostic[]> {
  const diagnostics = fromEsbuildMessages(result.warnings, 'warning', opts.cwd);
  const files = result.outputFiles ?? [];
  const js = files.find((f) => f.path === target.outfile);
  const map = files.find((f) => f.path === target.outfile + '.map');
  if (!js) return diagnostics;
  if (target.sandbox && map) {
    diagnostics.push(...findForbiddenGlobals(js.text, map.text, map.path, opts.cwd));
    if (hasDynamicRequire(js.text)) diagnostics.push(...(await locateDynamicRequires(target, opts)));
  }
  if (diagnostics.some((d) => d.severity === 'error')) return diagnostics;
  await mkdir(dirname(target.outfile), { recursive: true });
  await Promise.all([
    writeFile(target.outfile, js.contents),
    ...(map && (opts.sourcemap || target.sandbox) ? [writeFile(map.path, map.contents)] : []),
  ]);
  return diagnostics;
}

// Minified output renames the shim, so its call sites are found in a readable rebuild (rare path).
async function locateDynamicRequires(target: ApiTarget, opts: ApiBuildOptions): Promise<Diagnostic[]> {
  const result = await esbuild.build({
    ...apiEsbuildOptions(target, { ...opts, minify: false }),
    sourcemap: 'external',
  });
  const js = result.outputFiles.find((f) => f.path === target.outfile);
  const map = result.outputFiles.find((f) => f.path === target.outfile + '.map');
  if (!js || !map) return [];
  const found = findDynamicRequires(js.text, map.text, map.path, opts.cwd);
  return found.length > 0
    ? found
    : [
        {
          code: 'SDK_SANDBOX_FORBIDDEN_GLOBAL',
          severity: 'error',
          message: `"require" is used in ${basename(target.outfile)} and does not exist in the sandbox`,
        },
      ];
}

/** One-shot build of an API target. */
export async function buildApiTarget(target: ApiTarget, opts: ApiBuildOptions): Promise<Diagnostic[]> {
  try {
    const result = await esbuild.build(apiEsbuildOptions(target, opts));
    return await finalizeApiOutput(target, result, opts);
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (Array.isArray(failure.errors)) {
      return [
        ...fromEsbuildMessages(failure.errors, 'error', opts.cwd),
        ...fromEsbuildMessages(failure.warnings ?? [], 'warning', opts.cwd),
      ];
    }
    throw error;
  }
}
