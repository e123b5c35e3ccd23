import type { Scopes } from '@annex/protocol';
import { errors } from '../errors.js';
import type { ManagerCore } from './manager-core.js';

/** What an administrator does to extensions: enable/disable, grant/revoke, limit to roles, reset. */
export function createAdminCommands(core: ManagerCore) {
  const { settings } = core;

  function mustFind(idOrRowId: string) {
    const rec = core.find(idOrRowId);
    if (!rec?.desc) throw errors.HOST_EXTENSION_NOT_FOUND({ id: idOrRowId });
    return rec as typeof rec & { desc: NonNullable<typeof rec.desc> };
  }

  return {
    /** Directus PATCH semantics for `enabled`, including bundle parent/child rules. */
    async setEnabled(rowId: string, enabled: boolean): Promise<void> {
      const rows = await settings.all();
      const row = rows.find((r) => r.id === rowId);
      if (!row) throw errors.HOST_EXTENSION_NOT_FOUND({ id: rowId });
      const parentRow = row.bundle ? rows.find((r) => r.id === row.bundle) : row;
      const rec = parentRow && [...core.records()].find((r) => r.row.id === parentRow.id);
      if (!rec || !parentRow) throw errors.HOST_EXTENSION_NOT_FOUND({ id: rowId });
      if (!enabled && rec.desc?.locked) throw errors.HOST_EXTENSION_LOCKED({ id: rec.desc.id });
      if (row.bundle) {
        if (rec.desc && !rec.desc.partial)
          throw errors.UNPROCESSABLE_CONTENT({
            reason: `Bundle "${rec.desc.id}" is not partial: its entries can only be toggled together.`,
          });
        await settings.setEnabled([row.id], enabled);
        const children = rows
          .filter((r) => r.bundle === parentRow.id)
          .map((c) => (c.id === row.id ? { ...c, enabled } : c));
        await settings.setEnabled(
          [parentRow.id],
          children.some((c) => c.enabled),
        );
      } else {
        await settings.setEnabled([row.id, ...rows.filter((r) => r.bundle === row.id).map((r) => r.id)], enabled);
      }
      rec.row = (await settings.byId(parentRow.id))!;
      // The other hosts apply it while this one does; the call returns once all did (docs/cluster.md).
      const told = core.adminChanged();
      await core.serial(rec.key, async () => {
        if (!rec.row.enabled) await core.deactivate(rec, 'inactive');
        else await core.activate(rec);
      });
      await told;
    },

    /** Grants scopes (default: everything requested) and re-activates the extension. */
    async grant(idOrRowId: string, scopes?: Scopes): Promise<void> {
      const rec = mustFind(idOrRowId);
      await settings.setGrants(rec.row.id, scopes ?? rec.row.requested_scopes ?? {});
      rec.row = (await settings.byId(rec.row.id))!;
      const told = core.adminChanged();
      await core.serial(rec.key, () => core.activate(rec));
      await told;
    },

    /** Revokes every granted scope; calls then fail with FORBIDDEN. */
    async revoke(idOrRowId: string): Promise<void> {
      const rec = mustFind(idOrRowId);
      await settings.setGrants(rec.row.id, {});
      rec.row = (await settings.byId(rec.row.id))!;
      const told = core.adminChanged();
      await core.serial(rec.key, () => core.activate(rec));
      await told;
    },

    /**
     * Limits an extension to `roles` (existing role ids, `$public`), or opens it to everyone again
     * (null). Returns the list as stored.
     */
    async setRoles(idOrRowId: string, input: unknown): Promise<string[] | null> {
      const rec = mustFind(idOrRowId);
      if (rec.desc.locked) throw errors.HOST_EXTENSION_LOCKED({ id: rec.desc.id });
      const roles = await core.access.checkRoles(input);
      await settings.setRoles(rec.row.id, roles);
      rec.row = (await settings.byId(rec.row.id))!;
      core.access.rebuild(core.records());
      await core.adminChanged();
      return roles;
    },

    /** Re-activates a quarantined or failed extension. */
    async reset(idOrRowId: string): Promise<void> {
      const rec = mustFind(idOrRowId);
      if (rec.row.quarantine) await core.liftQuarantine(rec);
      for (const i of rec.instances) (i as { resetQuarantine?: () => void }).resetQuarantine?.();
      await core.serial(rec.key, async () => {
        if (rec.state === 'quarantined' || rec.state === 'failed') await core.deactivate(rec, 'inactive');
        await core.activate(rec);
      });
    },
  };
}
