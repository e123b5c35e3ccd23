import { readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFolderLock } from './folder-lock.js';
import { exists } from './fs-ops.js';
import { readInstallState, REGISTRY_DIR, STATE_FILE } from './state.js';

/** Written into an operation folder before an installed folder is moved aside into it: where it came from. */
export const ASIDE_JOURNAL = 'aside.json';

/** Records, before the rename, that `dest` is about to be moved to `aside` (so a crash in between can be undone). */
export async function journalAside(opDir: string, dest: string, aside: string): Promise<void> {
  await writeFile(join(opDir, ASIDE_JOURNAL), JSON.stringify({ dest, aside }));
}

export interface RecoveryReport {
  /** Version folders put back from an operation that was cut off between moving them aside and in. */
  restored: string[];
  /** Leftovers removed: operation folders, temporary state files, version folders the state does not name. */
  removed: string[];
}

/**
 * Brings the install folder back to what its state file says after a process died mid-operation
 * (SIGKILL, power loss). The state file is the commit point of every operation (written by one
 * rename), so everything the state does not name is the residue of an operation that never
 * committed: removed. A folder moved aside for a forced reinstall is moved back first. Runs under
 * the install lock, so it never races a live operation of another process. A custom staging folder
 * (`InstallerOptions.stagingDir`, possibly shared by several extension folders) is left alone.
 */
export async function recoverInstalls(extensionsDir: string, customStagingDir?: string): Promise<RecoveryReport> {
  const stagingDir = customStagingDir ?? join(extensionsDir, '.annex-staging');
  const report: RecoveryReport = { restored: [], removed: [] };
  if (!(await exists(join(extensionsDir, REGISTRY_DIR))) && !(await exists(stagingDir))) return report;
  return withFolderLock(extensionsDir, async () => {
    for (const op of customStagingDir ? [] : await readdir(stagingDir).catch(() => [] as string[])) {
      const opDir = join(stagingDir, op);
      try {
        const { dest, aside } = JSON.parse(await readFile(join(opDir, ASIDE_JOURNAL), 'utf8')) as {
          dest: string;
          aside: string;
        };
        if (!(await exists(dest)) && (await exists(aside))) {
          await rename(aside, dest);
          report.restored.push(dest);
        }
      } catch {
        /* no journal: nothing was moved aside */
      }
      await rm(opDir, { recursive: true, force: true });
      report.removed.push(opDir);
    }
    if (!customStagingDir) await rmdir(stagingDir).catch(() => undefined);

    const registry = join(extensionsDir, REGISTRY_DIR);
    const state = await readInstallState(extensionsDir);
    const named = new Set(
      Object.values(state.extensions).flatMap((e) =>
        Object.values(e.versions).map((v) => join(extensionsDir, v.folder)),
      ),
    );
    for (const entry of await readdir(registry, { withFileTypes: true }).catch(() => [])) {
      const full = join(registry, entry.name);
      if (entry.name === STATE_FILE || entry.name.startsWith('.') || named.has(full)) continue;
      // A temporary state file, a half-copied `.partial-*` folder, or a version folder moved in but never recorded.
      await rm(full, { recursive: true, force: true });
      report.removed.push(full);
    }
    return report;
  });
}
