import path from 'node:path';
import * as esbuild from 'esbuild';
import type { RollupWatcher } from 'rollup';
import type { Diagnostic } from '../internal/diagnostics.js';
import { apiEsbuildOptions, finalizeApiOutput } from '../internal/build/api.js';
import { fromEsbuildMessages } from '../internal/build/esbuild-messages.js';
import { createInputWatcher, metafileInputs, type InputWatcher } from '../internal/build/input-watcher.js';
import type { ApiTarget, AppTarget } from '../internal/build/plan.js';
import { resolveBuildTargets, type BuildRequest } from './build.js';

export interface RebuildEvent {
  label: string;
  ok: boolean;
  ms: number;
  diagnostics: Diagnostic[];
}

export interface DevSession {
  /** Resolves after the first build of every target. */
  ready: Promise<void>;
  /** Forces an API rebuild now (the watcher also triggers them on change). */
  rebuild(): Promise<RebuildEvent[]>;
  close(): Promise<void>;
}

export type DevResult = { ok: true; session: DevSession } | { ok: false; diagnostics: Diagnostic[] };

export interface DevOptions {
  /**
   * How API sources are watched: `events` (default) with the OS's file events on the folders of
   * the files the last build read; `esbuild-poll`, esbuild's own polling watch mode (slower to
   * notice a save; kept for file systems without events and as the benchmark's baseline).
   */
  watch?: 'events' | 'esbuild-poll';
}

/**
 * Incremental watch build: esbuild contexts for API code, rollup watch for app code. Outputs
 * are rewritten in place, so a host watching the folder reloads the extension.
 */
export async function createDevSession(
  req: BuildRequest,
  onRebuild: (event: RebuildEvent) => void,
  devOptions: DevOptions = {},
): Promise<DevResult> {
  const planned = await resolveBuildTargets(req);
  if (!planned.ok) return { ok: false, diagnostics: planned.diagnostics };
  const opts = { cwd: req.cwd, minify: req.minify ?? false, sourcemap: req.sourcemap ?? true };
  const apiTargets = planned.targets.filter((t): t is ApiTarget => t.kind === 'api');
  const appTargets = planned.targets.filter((t): t is AppTarget => t.kind === 'app');
  const pending: Promise<void>[] = [];
  const polling = devOptions.watch === 'esbuild-poll';
  const inputWatchers: InputWatcher[] = [];
  const watched: string[][] = [];

  const contexts = await Promise.all(
    apiTargets.map((target, index) => {
      let started = 0;
      let firstDone: () => void;
      pending.push(new Promise<void>((r) => (firstDone = r)));
      const timing: esbuild.Plugin = {
        name: 'annex-dev-timing',
        setup(b) {
          b.onStart(() => {
            started = performance.now();
          });
          b.onEnd(async (result) => {
            const diagnostics =
              result.errors.length > 0
                ? fromEsbuildMessages(result.errors, 'error', req.cwd)
                : await finalizeApiOutput(target, result as esbuild.BuildResult<{ write: false }>, opts);
            const ok = !diagnostics.some((d) => d.severity === 'error');
            // A failed build has no metafile: keep watching what the last good one read, plus the
            // files its errors point at (outside the entry's folder, which is watched whole).
            if (result.metafile) watched[index] = metafileInputs(result.metafile.inputs, req.cwd);
            else
              watched[index] = [
                ...(watched[index] ?? []),
                ...metafileInputs(
                  Object.fromEntries(result.errors.flatMap((e) => (e.location?.file ? [[e.location.file, 0]] : []))),
                  req.cwd,
                ),
              ];
            inputWatchers[index]?.setInputs(watched[index]!);
            onRebuild({ label: target.label, ok, ms: performance.now() - started, diagnostics });
            firstDone();
          });
        },
      };
      return esbuild.context(apiEsbuildOptions(target, opts, [timing]));
    }),
  );
  if (polling) {
    for (const ctx of contexts) await ctx.watch();
  } else {
    contexts.forEach((ctx, index) => {
      // A failed rebuild was already reported through the timing plugin's onEnd.
      const target = apiTargets[index]!;
      const root =
        'file' in target.entry ? path.dirname(path.resolve(req.cwd, target.entry.file)) : target.entry.resolveDir;
      inputWatchers[index] = createInputWatcher(root, () => ctx.rebuild().catch(() => undefined));
    });
    await Promise.all(contexts.map((ctx) => ctx.rebuild().catch(() => undefined)));
  }

  let watcher: RollupWatcher | undefined;
  if (appTargets.length > 0) {
    let firstDone: () => void;
    pending.push(new Promise<void>((r) => (firstDone = r)));
    const { fromRollupError, watchAppTargets } = await import('../internal/build/app.js');
    watcher = watchAppTargets(appTargets, opts);
    watcher.on('event', (event) => {
      if (event.code === 'BUNDLE_END') {
        void event.result.close();
        onRebuild({ label: 'app', ok: true, ms: event.duration, diagnostics: [] });
      } else if (event.code === 'ERROR') {
        onRebuild({ label: 'app', ok: false, ms: 0, diagnostics: [fromRollupError(event.error, req.cwd)] });
      } else if (event.code === 'END') {
        firstDone();
      }
    });
  }

  return {
    ok: true,
    session: {
      ready: Promise.all(pending).then(() => undefined),
      async rebuild() {
        const events: RebuildEvent[] = [];
        for (const ctx of contexts) {
          const t0 = performance.now();
          try {
            await ctx.rebuild();
            events.push({ label: 'api', ok: true, ms: performance.now() - t0, diagnostics: [] });
          } catch (error) {
            const failure = error as esbuild.BuildFailure;
            events.push({
              label: 'api',
              ok: false,
              ms: performance.now() - t0,
              diagnostics: fromEsbuildMessages(failure.errors ?? [], 'error', req.cwd),
            });
          }
        }
        return events;
      },
      async close() {
        for (const w of inputWatchers) w.close();
        await Promise.all(contexts.map((c) => c.dispose()));
        await watcher?.close();
      },
    },
  };
}
