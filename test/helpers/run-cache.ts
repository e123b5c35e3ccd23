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
  pruneRunCache(dir);
  return dir;
}

const HOUR = 3600_000;

/**
 * Removes transformed entries not written for a day, at most once an hour. Tests transform entries
 * in temporary folders that are gone after the run, so the kept folder would otherwise grow with
 * every run (about 1.5 MB); a built-in entry removed here is only transformed again. Removing an
 * entry another host is reading or writing costs that host a transform, never an error.
 */
export function pruneRunCache(folder: string, now = Date.now()): void {
  const marker = path.join(folder, '.pruned');
  if (now - (fs.statSync(marker, { throwIfNoEntry: false })?.mtimeMs ?? 0) < HOUR) return;
  fs.writeFileSync(marker, '');
  fs.utimesSync(marker, now / 1000, now / 1000);
  const transforms = path.join(folder, 'transforms');
  for (const name of fs.existsSync(transforms) ? fs.readdirSync(transforms) : []) {
    const entry = path.join(transforms, name);
    const st = fs.statSync(entry, { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > 24 * HOUR) fs.rmSync(entry, { recursive: true, force: true });
  }
}
