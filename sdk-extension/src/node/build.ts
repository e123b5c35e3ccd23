import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { countErrors, type Diagnostic } from '../internal/diagnostics.js';
import { readManifest, readPackageJson } from '../internal/package-json.js';
import { planFromFlags, planFromManifest, type BuildTarget, type EntryOverride } from '../internal/build/plan.js';
import { buildApiTarget } from '../internal/build/api.js';
import { chooseAppBundler, type AppBundler } from '../internal/build/app-bundler.js';
import { loadExtensionConfig } from '../internal/build/extension-config.js';

export interface BuildRequest {
  /** The extension folder (where package.json is). */
  cwd: string;
  /** Directus's `-t -i -o` override: all three or none. */
  type?: string;
  input?: string;
  output?: string;
  /** Default true (`--no-minify` turns it off). */
  minify?: boolean;
  sourcemap?: boolean;
  /** App code bundler: esbuild by default; rollup when asked or when `extension.config.*` has plugins. */
  bundler?: AppBundler;
}

export interface BuildOutput {
  label: string;
  file: string;
  bytes: number;
  ms: number;
}

export interface BuildReport {
  ok: boolean;
  diagnostics: Diagnostic[];
  outputs: BuildOutput[];
  durationMs: number;
}

export type TargetsResult = { ok: true; targets: BuildTarget[] } | { ok: false; diagnostics: Diagnostic[] };

/** What `build` would produce for this request (manifest or flags). */
export async function resolveBuildTargets(req: BuildRequest): Promise<TargetsResult> {
  const flags = [req.type, req.input, req.output].filter((v) => v !== undefined).length;
  if (flags > 0 && flags < 3) {
    return {
      ok: false,
      diagnostics: [
        { code: 'SDK_USAGE', severity: 'error', message: '--type, --input and --output must be given together' },
      ],
    };
  }
  if (flags === 3) {
    const { pkg } = await readPackageJson(req.cwd);
    return planFromFlags(req.cwd, pkg, req as EntryOverride);
  }
  const read = await readManifest(req.cwd);
  if (!read.ok) return { ok: false, diagnostics: read.diagnostics };
  return planFromManifest(req.cwd, read.pkg, read.manifest);
}

/** Builds every target of the extension; diagnostics are data, nothing is printed. */
export async function build(req: BuildRequest): Promise<BuildReport> {
  const started = performance.now();
  const planned = await resolveBuildTargets(req);
  if (!planned.ok)
    return { ok: false, diagnostics: planned.diagnostics, outputs: [], durationMs: performance.now() - started };
  const opts = { cwd: req.cwd, minify: req.minify ?? true, sourcemap: req.sourcemap ?? false };
  const loaded = await loadExtensionConfig(req.cwd);
  if (!loaded.ok)
    return { ok: false, diagnostics: loaded.diagnostics, outputs: [], durationMs: performance.now() - started };
  const chosen = chooseAppBundler(req.bundler, loaded.config, {
    app: planned.targets.some((t) => t.kind === 'app'),
    api: planned.targets.some((t) => t.kind === 'api'),
  });
  const results = await Promise.all(
    planned.targets.map(async (target) => {
      const t0 = performance.now();
      // The app bundler (and the Vue compiler) load only when there is app code to build.
      const diagnostics =
        target.kind === 'api'
          ? await buildApiTarget(target, opts)
          : chosen.bundler === 'esbuild'
            ? await (await import('../internal/build/app-esbuild.js')).buildAppTarget(target, opts)
            : await (await import('../internal/build/app-rollup.js')).buildAppTargetRollup(
                target,
                opts,
                loaded.config.plugins,
              );
      const ms = performance.now() - t0;
      let bytes = 0;
      if (countErrors(diagnostics) === 0) bytes = (await stat(target.outfile)).size;
      return { diagnostics, output: { label: target.label, file: relative(req.cwd, target.outfile), bytes, ms } };
    }),
  );
  const diagnostics = [...chosen.diagnostics, ...results.flatMap((r) => r.diagnostics)];
  const ok = countErrors(diagnostics) === 0;
  return { ok, diagnostics, outputs: ok ? results.map((r) => r.output) : [], durationMs: performance.now() - started };
}
