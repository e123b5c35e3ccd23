import * as esbuild from 'esbuild';
import type { Diagnostic } from '../diagnostics.js';
import { fromEsbuildMessages } from './esbuild-messages.js';
import { createInputWatcher, metafileInputs, type InputWatcher } from './input-watcher.js';

export interface TargetRebuild {
  ok: boolean;
  /** esbuild's start → output written. */
  ms: number;
  diagnostics: Diagnostic[];
}

export interface EsbuildTargetWatch {
  /** Resolves after the first build. */
  ready: Promise<void>;
  /** Rebuilds now and returns what it reported through `onRebuild`. */
  rebuild(): Promise<TargetRebuild>;
  close(): Promise<void>;
}

export interface EsbuildTargetWatchOptions {
  cwd: string;
  /** The entry's folder, watched with its sub-folders. */
  root: string;
  options: esbuild.BuildOptions & { write: false; metafile: true };
  /** Checks and writes a successful build's output; returns its findings. */
  finalize(result: esbuild.BuildResult<{ write: false }>): Promise<Diagnostic[]>;
  onRebuild(event: TargetRebuild): void;
  /** esbuild's own polling watch instead of file events (the benchmark's baseline). */
  polling: boolean;
}

/**
 * One esbuild context kept for `dev`: each build is timed, finalized and reported from esbuild's
 * `onEnd`, and the files it read (its metafile) are what the input watcher listens to, so a save
 * starts the incremental rebuild as soon as the OS reports it.
 */
export async function createEsbuildTargetWatch(o: EsbuildTargetWatchOptions): Promise<EsbuildTargetWatch> {
  let started = 0;
  let startedAt = 0;
  let last: TargetRebuild = { ok: false, ms: 0, diagnostics: [] };
  let watched: string[] = [];
  let inputWatcher: InputWatcher | undefined;
  let firstDone!: () => void;
  const ready = new Promise<void>((r) => (firstDone = r));
  const timing: esbuild.Plugin = {
    name: 'annex-dev-timing',
    setup(b) {
      b.onStart(() => {
        started = performance.now();
        startedAt = inputWatcher?.generation ?? 0;
      });
      b.onEnd(async (result) => {
        // A file it read changed while it ran (the second half of a save): the watcher has
        // already queued the next build, so this one's output is neither written nor reported.
        if (inputWatcher && inputWatcher.generation !== startedAt) return;
        const diagnostics =
          result.errors.length > 0
            ? fromEsbuildMessages(result.errors, 'error', o.cwd)
            : await o.finalize(result as esbuild.BuildResult<{ write: false }>);
        const ok = !diagnostics.some((d) => d.severity === 'error');
        // A failed build has no metafile: keep watching what the last good one read, plus the
        // files its errors point at (outside the entry's folder, which is watched whole).
        if (result.metafile) watched = metafileInputs(result.metafile.inputs, o.cwd);
        else
          watched = [
            ...watched,
            ...metafileInputs(
              Object.fromEntries(result.errors.flatMap((e) => (e.location?.file ? [[e.location.file, 0]] : []))),
              o.cwd,
            ),
          ];
        inputWatcher?.setInputs(watched);
        last = { ok, ms: performance.now() - started, diagnostics };
        o.onRebuild(last);
        firstDone();
      });
    },
  };
  const ctx = await esbuild.context({ ...o.options, plugins: [...(o.options.plugins ?? []), timing] });
  // onEnd has reported (and recorded) the build, failed or not, before rebuild() settles.
  const rebuild = () =>
    ctx.rebuild().then(
      () => last,
      () => last,
    );
  if (o.polling) await ctx.watch();
  else {
    inputWatcher = createInputWatcher(o.root, rebuild);
    void rebuild();
  }
  return {
    ready,
    rebuild,
    async close() {
      inputWatcher?.close();
      await ctx.dispose();
    },
  };
}
