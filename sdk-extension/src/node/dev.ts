import path from 'node:path';
import type { RollupWatcher } from 'rollup';
import type { Diagnostic } from '../internal/diagnostics.js';
import { apiEsbuildOptions, finalizeApiOutput } from '../internal/build/api.js';
import { chooseAppBundler } from '../internal/build/app-bundler.js';
import { createEsbuildTargetWatch, type EsbuildTargetWatch } from '../internal/build/esbuild-watch.js';
import { loadExtensionConfig } from '../internal/build/extension-config.js';
import type { AppTarget, BuildTarget } from '../internal/build/plan.js';
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
  /** Forces a rebuild of every esbuild target now (the watcher also triggers them on change). */
  rebuild(): Promise<RebuildEvent[]>;
  close(): Promise<void>;
}

export type DevResult = { ok: true; session: DevSession } | { ok: false; diagnostics: Diagnostic[] };

export interface DevOptions {
  /**
   * How sources are watched: `events` (default) with the OS's file events on the folders of
   * the files the last build read; `esbuild-poll`, esbuild's own polling watch mode (slower to
   * notice a save; kept for file systems without events and as the benchmark's baseline).
   */
  watch?: 'events' | 'esbuild-poll';
}

const entryRoot = (cwd: string, target: BuildTarget) =>
  'file' in target.entry ? path.dirname(path.resolve(cwd, target.entry.file)) : target.entry.resolveDir;

/**
 * Incremental watch build: one esbuild context per target (API code, and app code unless it is
 * built with rollup, which then runs its own watch mode). Outputs are rewritten in place, so a
 * host watching the folder reloads the extension.
 */
export async function createDevSession(
  req: BuildRequest,
  onRebuild: (event: RebuildEvent) => void,
  devOptions: DevOptions = {},
): Promise<DevResult> {
  const planned = await resolveBuildTargets(req);
  if (!planned.ok) return { ok: false, diagnostics: planned.diagnostics };
  const loaded = await loadExtensionConfig(req.cwd);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const opts = { cwd: req.cwd, minify: req.minify ?? false, sourcemap: req.sourcemap ?? true };
  const has = {
    app: planned.targets.some((t) => t.kind === 'app'),
    api: planned.targets.some((t) => t.kind === 'api'),
  };
  const chosen = chooseAppBundler(req.bundler, loaded.config, has);
  // Findings about extension.config.* travel with the first build's report (printed once).
  let notes = chosen.diagnostics;
  const report = (event: RebuildEvent) => {
    onRebuild(notes.length > 0 ? { ...event, diagnostics: [...notes, ...event.diagnostics] } : event);
    notes = [];
  };
  const rollupTargets: AppTarget[] = [];
  const esbuildTargets = planned.targets.filter((t) => {
    if (t.kind === 'app' && chosen.bundler === 'rollup') rollupTargets.push(t);
    return !(t.kind === 'app' && chosen.bundler === 'rollup');
  });
  const appEsbuild =
    has.app && chosen.bundler === 'esbuild' ? await import('../internal/build/app-esbuild.js') : undefined;

  const watches: { label: string; watch: EsbuildTargetWatch }[] = await Promise.all(
    esbuildTargets.map(async (target) => {
      const label = target.kind === 'api' ? target.label : 'app';
      const watch = await createEsbuildTargetWatch({
        cwd: req.cwd,
        root: entryRoot(req.cwd, target),
        polling: devOptions.watch === 'esbuild-poll',
        options: target.kind === 'api' ? apiEsbuildOptions(target, opts) : appEsbuild!.appEsbuildOptions(target, opts),
        finalize: (result) =>
          target.kind === 'api' ? finalizeApiOutput(target, result, opts) : appEsbuild!.writeAppOutput(result, req.cwd),
        onRebuild: (e) => report({ label, ...e }),
      });
      return { label, watch };
    }),
  );

  const pending = watches.map((w) => w.watch.ready);
  let watcher: RollupWatcher | undefined;
  if (rollupTargets.length > 0) {
    let firstDone!: () => void;
    pending.push(new Promise<void>((r) => (firstDone = r)));
    const { fromRollupError, watchAppTargets } = await import('../internal/build/app-rollup.js');
    const rollupWatcher = watchAppTargets(rollupTargets, opts, loaded.config.plugins);
    watcher = rollupWatcher;
    rollupWatcher.on('event', (event) => {
      if (event.code === 'BUNDLE_END') {
        void event.result.close();
        report({ label: 'app', ok: true, ms: event.duration, diagnostics: [] });
      } else if (event.code === 'ERROR') {
        report({ label: 'app', ok: false, ms: 0, diagnostics: [fromRollupError(event.error, req.cwd)] });
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
        for (const w of watches) events.push({ label: w.label, ...(await w.watch.rebuild()) });
        return events;
      },
      async close() {
        await Promise.all(watches.map((w) => w.watch.close()));
        await watcher?.close();
      },
    },
  };
}
