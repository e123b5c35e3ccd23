import type { TransformOptions, TransformResult } from 'esbuild';

/*
 * The host's one use of esbuild's service process: `transform` (trusted ES-module entries, app
 * chunks). esbuild is loaded on first use, and the service can be let go once boot is over, but
 * never under a transform still running: esbuild's stop() leaves a call in flight waiting forever
 * (its reply pipe is destroyed), which hung the second of two hosts booting in one process while
 * the first, done booting, stopped the service. A stop asked for while calls run happens when the
 * last of them ends; a later call starts the service again.
 */
let esbuild: Promise<typeof import('esbuild')> | undefined;
let running = 0;
let stopWhenIdle = false;

export async function transform(source: string, options: TransformOptions): Promise<TransformResult> {
  esbuild ??= import('esbuild');
  const service = await esbuild;
  running++;
  try {
    return await service.transform(source, options);
  } finally {
    running--;
    if (running === 0 && stopWhenIdle) {
      stopWhenIdle = false;
      await service.stop();
    }
  }
}

/** Stops esbuild's service process (a production host does not keep a ~15 MB process for the odd later reload). */
export async function releaseTransformService(): Promise<void> {
  if (!esbuild) return;
  if (running > 0) {
    stopWhenIdle = true;
    return;
  }
  await (await esbuild).stop();
}

/** Calls in flight (tests). */
export function transformsRunning(): number {
  return running;
}
