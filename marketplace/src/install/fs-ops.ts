import { access, cp, mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MarketplaceErrors as E } from '../errors.js';

export const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A fresh folder for one operation inside the staging folder. */
export async function createOperationDir(stagingDir: string): Promise<string> {
  try {
    await mkdir(stagingDir, { recursive: true, mode: 0o700 });
    return await mkdtemp(join(stagingDir, 'op-'));
  } catch (error) {
    throw E.MKT_INSTALL_IO(
      { reason: `cannot create a staging folder in ${stagingDir}: ${(error as Error).message}` },
      { cause: error },
    );
  }
}

/**
 * Removes an operation folder, and (when asked) the staging folder too if it is left empty. It runs
 * in a `finally` after an install or uninstall, so it never throws: a failure here must not replace
 * the operation's own error, and a folder left behind is removed by `recoverInstalls` at the next
 * start. Retries cover a write still landing in the folder while it is removed (ENOTEMPTY).
 */
export async function removeOperationDir(opDir: string, removeEmptyParent: boolean): Promise<void> {
  await rm(opDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }).catch(() => {});
  if (removeEmptyParent) await rmdir(dirname(opDir)).catch(() => {});
}

/**
 * Moves a folder into place with one rename (atomic on one file system). Across file systems
 * it copies next to the destination first, then renames, so a reader never sees half a folder.
 */
export async function moveIntoPlace(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await rename(src, dest);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV')
      throw E.MKT_INSTALL_IO({ reason: (error as Error).message }, { cause: error });
  }
  const tmp = `${dest}.partial-${process.pid}`;
  try {
    await cp(src, tmp, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw E.MKT_INSTALL_IO({ reason: (error as Error).message }, { cause: error });
  }
}
