import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * One cache folder (ANNEX_CACHE_DIR) for every host and `annex` process a test run starts, so the
 * V8 code cache of the host bundle and the transformed built-in entries are made once per run
 * instead of once per host (issue 21: test time). The run's global setup (below, named in
 * vitest.config.ts) makes it before any test file starts and removes it at the end: each run
 * starts cold, as a clean clone does, and nothing piles up in the temporary folder. Tests of the
 * caches give their hosts a folder of their own.
 */
const VARIABLE = 'ANNEX_TEST_RUN_CACHE';

/** Vitest's global setup: the folder, created private (mkdtemp makes it 0700), then its removal. */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-test-cache-'));
  // Set before vitest starts its workers, which inherit it.
  process.env[VARIABLE] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

let own: string | undefined;

/** The run's shared cache folder; a process started without the global setup gets one of its own. */
export function getRunCacheDir(): string {
  const shared = process.env[VARIABLE];
  if (shared && fs.existsSync(shared)) return shared;
  own ??= fs.mkdtempSync(path.join(os.tmpdir(), 'annex-test-cache-'));
  return own;
}
