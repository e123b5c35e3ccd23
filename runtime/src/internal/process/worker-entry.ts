import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBundleFresh } from '@annex/protocol/bundle';

/*
 * The file a sandbox worker process starts from: dist/worker-bundle/worker.cjs (one file made by
 * scripts/bundle-worker.mjs from the entry, @annex/protocol and zod) while none of the files it was
 * made from changed, otherwise dist/internal/worker/main.js and its modules (issue 20: boot).
 * Paths resolve relative to this package so it works from `src/` (tests) and `dist/` alike.
 */

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));

/** The worker entry of the module graph (always present in a built runtime). */
export function getWorkerModulePath(): string {
  return path.join(PACKAGE, 'dist', 'internal', 'worker', 'main.js');
}

/** The bundled worker when it is current, else the module entry. `ANNEX_WORKER_BUNDLE=off` forces the latter. */
export function getWorkerEntry(env: Record<string, string | undefined> = process.env): string {
  const bundle = path.join(PACKAGE, 'dist', 'worker-bundle', 'worker.cjs');
  return env.ANNEX_WORKER_BUNDLE !== 'off' && isBundleFresh(bundle) ? bundle : getWorkerModulePath();
}
