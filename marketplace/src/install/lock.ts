import { toErrorRecord, type ErrorRecord } from '@annex/protocol';
import { z } from 'zod';
import type { ExtensionDetails, ExtensionVersion } from '../client/schemas.js';
import { MarketplaceErrors as E } from '../errors.js';
import type { InstallState } from './state.js';

/** A portable record of the installed set: same bytes (integrity) on every host that imports it. */
export const LockFileSchema = z.object({
  lockfileVersion: z.literal(1),
  registry: z.string(),
  extensions: z.array(
    z.object({
      name: z.string().min(1),
      id: z.string(),
      versionId: z.string(),
      version: z.string(),
      integrity: z.string().startsWith('sha512-'),
      pinned: z.boolean().default(false),
    }),
  ),
});
export type LockFile = z.infer<typeof LockFileSchema>;

export interface ImportResult {
  name: string;
  version?: string;
  status: 'installed' | 'unchanged' | 'removed' | 'failed';
  error?: ErrorRecord;
}

export function exportLock(state: InstallState, registry: string): LockFile {
  return {
    lockfileVersion: 1,
    registry,
    extensions: Object.values(state.extensions)
      .map((ext) => {
        const v = ext.versions[ext.current];
        return {
          name: ext.name,
          id: ext.id,
          versionId: v.versionId,
          version: v.version,
          integrity: v.integrity,
          pinned: ext.pinned,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export interface ImportDeps {
  describe(name: string): Promise<ExtensionDetails>;
  install(details: ExtensionDetails, version: ExtensionVersion, pinned: boolean): Promise<unknown>;
  /** Present when the import should remove extensions the lock does not list. */
  uninstall?: (name: string) => Promise<unknown>;
}

/**
 * Installs what a lock lists, one extension at a time (each install is atomic on its own; a
 * failure is reported for that entry and the others go on). The registry's bytes must be the
 * ones recorded: a version id from another registry is matched by version number + integrity.
 */
export async function importLock(input: unknown, state: InstallState, deps: ImportDeps): Promise<ImportResult[]> {
  const parsed = LockFileSchema.safeParse(input);
  if (!parsed.success)
    throw E.MKT_LOCK_INVALID({
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  const results: ImportResult[] = [];
  for (const entry of parsed.data.extensions) {
    const installed = Object.hasOwn(state.extensions, entry.name) ? state.extensions[entry.name] : undefined;
    const current = installed?.versions[installed.current];
    if (current && current.integrity === entry.integrity) {
      results.push({ name: entry.name, version: entry.version, status: 'unchanged' });
      continue;
    }
    try {
      const details = await deps.describe(entry.name);
      const version =
        details.versions.find((v) => v.id === entry.versionId) ??
        details.versions.find((v) => v.version === entry.version);
      if (!version) throw E.MKT_VERSION_NOT_FOUND({ version: `${entry.name}@${entry.version}` });
      if (version.integrity !== entry.integrity)
        throw E.MKT_LOCK_MISMATCH({ name: entry.name, version: entry.version });
      await deps.install(details, version, entry.pinned);
      results.push({ name: entry.name, version: entry.version, status: 'installed' });
    } catch (error) {
      results.push({ name: entry.name, version: entry.version, status: 'failed', error: toErrorRecord(error) });
    }
  }
  if (deps.uninstall) {
    const wanted = new Set(parsed.data.extensions.map((e) => e.name));
    for (const name of Object.keys(state.extensions).filter((n) => !wanted.has(n))) {
      try {
        await deps.uninstall(name);
        results.push({ name, status: 'removed' });
      } catch (error) {
        results.push({ name, status: 'failed', error: toErrorRecord(error) });
      }
    }
  }
  return results;
}
