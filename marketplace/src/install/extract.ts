import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { extract as tarExtract, type ReadEntry } from 'tar';
import { MarketplaceErrors as E, isMarketplaceError } from '../errors.js';
import {
  checkEntry,
  inspectTarball,
  PACKAGE_ROOT,
  type TarInspection,
  type TarLimits,
} from '../internal/tar-policy.js';

export interface ExtractProgress {
  phase: 'extract';
  bytes: number;
  total: number;
}

/** Regular files keep an executable bit if they had one; nothing else (no setuid, sticky, group/other write). */
const clampFileMode = (mode: number | undefined) => ((mode ?? 0o644) & 0o111 ? 0o755 : 0o644);
const DIR_MODE = 0o755;

/**
 * Extracts a registry tarball into `dest` (creating `dest/package/...`) after a full policy pass:
 * nothing is written unless every entry is a plain file or directory under `package/` within the
 * limits. Modes are clamped and ownership is never taken from the archive.
 */
export async function extractPackage(
  tarball: string,
  dest: string,
  options: { limits?: Partial<TarLimits>; onProgress?: (p: ExtractProgress) => void } = {},
): Promise<TarInspection> {
  const inspection = await inspectTarball({ file: tarball }, { limits: options.limits });
  await mkdir(dest, { recursive: true, mode: DIR_MODE });
  let bytes = 0;
  /* A throw inside tar's filter escapes its stream as an uncaught exception: the entry is skipped and the error kept instead. */
  let refused: unknown;
  try {
    await tarExtract({
      file: tarball,
      cwd: dest,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      chmod: true,
      processUmask: 0o022,
      // the inspection pass already enforced the policy; this is the second line of defence
      filter: (_path: string, entry: unknown) => {
        if (refused) return false;
        try {
          const e = entry as ReadEntry;
          const { kind } = checkEntry(e);
          e.mode = kind === 'dir' ? DIR_MODE : clampFileMode(e.mode);
          return true;
        } catch (error) {
          refused = error;
          return false;
        }
      },
      onReadEntry: (entry: ReadEntry) => {
        bytes += entry.size ?? 0;
        options.onProgress?.({ phase: 'extract', bytes, total: inspection.unpackedSize });
      },
    });
  } catch (error) {
    if (isMarketplaceError(error)) throw error;
    throw E.MKT_TAR_CORRUPT({ reason: (error as Error).message }, { cause: error });
  }
  if (refused) throw isMarketplaceError(refused) ? refused : E.MKT_TAR_CORRUPT({ reason: (refused as Error).message });
  const found = inspection.fileCount === 0 ? 0 : await auditTree(join(dest, PACKAGE_ROOT));
  if (found !== inspection.fileCount)
    throw E.MKT_TAR_CORRUPT({ reason: `expected ${inspection.fileCount} files, extracted ${found}` });
  return inspection;
}

/** Walks what was extracted: only files and folders, modes clamped. Returns the file count. */
async function auditTree(dir: string): Promise<number> {
  let files = 0;
  await chmod(dir, DIR_MODE);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isDirectory()) files += await auditTree(path);
    else if (st.isFile()) {
      files++;
      await chmod(path, clampFileMode(st.mode));
    } else throw E.MKT_TAR_UNSUPPORTED_ENTRY({ entry: name, type: 'non-regular file on disk' });
  }
  return files;
}
