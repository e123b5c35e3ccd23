import type { ManagerCore } from './manager-core.js';
import type { SettingsRow } from './settings.js';

/** What decides activation in a package's rows: compared to notice changes another host wrote. */
export function rowSignature(row: SettingsRow, children: SettingsRow[]): string {
  return JSON.stringify([
    row.enabled,
    row.granted_scopes,
    row.pending_version ?? null,
    row.quarantine?.at ?? null,
    children.map((c) => [c.id, c.enabled]),
  ]);
}

/**
 * Applies what another host changed in the rows (enabled, grants, a staged version): re-reads
 * them and re-activates or deactivates the packages whose rows differ.
 */
export function createClusterRefresh(core: ManagerCore) {
  return () =>
    core.serial('*', async () => {
      const rows = await core.settings.all();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const byFolder = new Map(rows.filter((r) => !r.bundle).map((r) => [`${r.source}:${r.folder}`, r]));
      for (const rec of core.records()) {
        /* A row another host deleted and created again has a new id: the folder still names it. */
        const row = byId.get(rec.row.id) ?? byFolder.get(rec.key);
        if (!row || !rec.desc) continue;
        const seen = rowSignature(rec.row, rec.childrenSeen ?? []);
        rec.row = row;
        if (
          rowSignature(
            row,
            rows.filter((r) => r.bundle === row.id),
          ) === seen
        )
          continue;
        await core.serial(rec.key, async () => {
          if (!rec.row.enabled) await core.deactivate(rec, 'inactive');
          else await core.activate(rec);
        });
      }
      core.access.rebuild(core.records());
    });
}
