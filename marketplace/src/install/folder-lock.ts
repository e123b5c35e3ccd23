import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MarketplaceErrors as E } from '../errors.js';

/** A lock older than this is a holder that hung or died on another machine: taken over. */
const STALE_MS = 10 * 60 * 1000;
const WAIT_MS = 60 * 1000;

function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding `<folder>/.annex-install.lock`, shared by every process that installs into the folder (the
 * host's marketplace service, the `annex extensions` CLI): their read-modify-write of the
 * install state never interleaves. A lock whose process is gone, or that is older than ten
 * minutes, is taken over; waiting for a live one ends after a minute with MKT_INSTALL_IO.
 */
export async function withFolderLock<T>(folder: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, '.annex-install.lock');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw E.MKT_INSTALL_IO({ reason: `cannot lock ${folder}: ${(error as Error).message}` }, { cause: error });
      let holder: { pid?: unknown; at?: unknown } = {};
      try {
        holder = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        /* being written right now: wait */
      }
      const stale =
        typeof holder.at === 'number' &&
        (Date.now() - holder.at > STALE_MS || (holder.pid !== undefined && !alive(holder.pid)));
      if (stale) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw E.MKT_INSTALL_IO({
          reason: `another process has been installing into ${folder} for over a minute (${file})`,
        });
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
