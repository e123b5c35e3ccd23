import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../extensions/settings.js';
import type { Logger } from '../logger.js';

/**
 * Run at boot, before extensions load: a host killed in the middle of a marketplace operation
 * comes back to a whole version. The install folder is brought back to its state file (the commit
 * point: leftovers removed, a folder moved aside put back), then each registry row's pending
 * approval is checked against that state: an approval that switched the files but died before
 * clearing the row, or that names a version no longer on disk, is cleared. Never fails the boot.
 */
export async function recoverMarketplaceAtBoot(
  extensionsPath: string,
  settings: Settings,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ component: 'marketplace' });
  // No registry folder and no staging folder: nothing was ever installed here; the marketplace package is not loaded.
  if (
    !fs.existsSync(path.join(extensionsPath, '.registry')) &&
    !fs.existsSync(path.join(extensionsPath, '.annex-staging'))
  )
    return;
  try {
    const { recoverInstalls, readInstallState } = await import('@annex/marketplace/install');
    const report = await recoverInstalls(extensionsPath);
    if (report.restored.length || report.removed.length)
      log.warn({ ...report }, 'an interrupted marketplace operation was undone');
    const state = await readInstallState(extensionsPath);
    for (const row of await settings.all()) {
      if (row.bundle || row.source !== 'registry' || !row.pending_version) continue;
      const ext = Object.hasOwn(state.extensions, row.name ?? '') ? state.extensions[row.name!] : undefined;
      if (ext && ext.current !== row.pending_version && Object.hasOwn(ext.versions, row.pending_version)) continue;
      await settings.setPending(row.id, null, null);
      log.warn(
        { extension: row.name, version: row.pending_version },
        'a pending approval no longer applied (already switched, or the version is gone); cleared',
      );
    }
  } catch (err) {
    log.error({ err }, 'could not check the marketplace installs after a restart');
  }
}
