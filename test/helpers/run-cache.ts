import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * One cache folder (ANNEX_CACHE_DIR) for every host and `annex` process a test run starts, so the
 * V8 code cache of the host bundle and the transformed built-in entries are made once per run
 * instead of once per host (issue 21: test time). Named from the checkout, so two checkouts on one
 * machine (different builds) keep apart; kept between files and runs (entries whose source changed
 * are replaced by the host itself). Tests of the caches give their hosts a folder of their own.
 */
let dir: string | undefined;

/** Usable only when this user owns it and nobody else may write to it: its entries are code the hosts run. */
function isPrivateFolder(folder: string): boolean {
  const st = fs.lstatSync(folder, { throwIfNoEntry: false });
  return !!st?.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
}

/** The run's shared cache folder (created on first use). */
export function getRunCacheDir(root: string): string {
  if (dir !== undefined) return dir;
  const named = path.join(
    os.tmpdir(),
    `annex-test-cache-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
  );
  fs.mkdirSync(named, { recursive: true, mode: 0o700 });
  // A folder someone else made (or opened up) under that name is not used: a private one instead.
  dir = isPrivateFolder(named) ? named : fs.mkdtempSync(path.join(os.tmpdir(), 'annex-test-cache-'));
  return dir;
}
