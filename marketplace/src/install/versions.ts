import { join } from 'node:path';
import { diffScopes, type Scopes } from '@annex/protocol';
import type { InstalledExtension, InstalledVersion } from './state.js';

export interface InstallResult {
  changed: boolean;
  id: string;
  name: string;
  versionId: string;
  version: string;
  /** Absolute path of the installed package folder. */
  folder: string;
  /** Whether this version is now the current one. */
  current: boolean;
  previous?: { versionId: string; version: string };
  type: string;
  execution: InstalledVersion['execution'];
  requestedScopes: Scopes;
  /** Bundle entries (`{name, type}`), for the settings rows of a bundle's children. */
  bundled: { name: string; type: string }[];
  /** What this version requests beyond the version that was current before (everything on a first install). */
  scopeDiff: Scopes;
  /** Whether the registry signed this version (Annex's extra layer); unsigned installs were checked against npm's integrity or the registry's digest. */
  signed: boolean;
}

/** Describes one installed version for callers; `scopeDiff` is measured against `previous`. */
export function toResult(
  extensionsDir: string,
  ext: InstalledExtension,
  v: InstalledVersion,
  changed: boolean,
  previous?: InstalledVersion,
): InstallResult {
  const before = previous && previous.versionId !== v.versionId ? previous : undefined;
  return {
    changed,
    id: ext.id,
    name: ext.name,
    versionId: v.versionId,
    version: v.version,
    folder: join(extensionsDir, v.folder),
    current: ext.current === v.versionId,
    ...(before ? { previous: { versionId: before.versionId, version: before.version } } : {}),
    type: v.type,
    execution: v.execution,
    requestedScopes: v.requestedScopes,
    bundled: v.bundled,
    scopeDiff: diffScopes(v.requestedScopes, before?.requestedScopes ?? {}),
    signed: !!v.signature,
  };
}

/** Switches the current version, remembering the old one for `rollback`. */
export function makeCurrent(ext: InstalledExtension, versionId: string): void {
  if (ext.current === versionId) return;
  ext.history = [...ext.history.filter((id) => id !== versionId && id !== ext.current), ext.current];
  ext.current = versionId;
}

/** Drops the oldest kept versions beyond `keep` (never the current one) and returns them. */
export function pruneKept(ext: InstalledExtension, keep: number): InstalledVersion[] {
  const extra = Object.values(ext.versions)
    .filter((v) => v.versionId !== ext.current)
    .sort((a, b) => b.installedAt.localeCompare(a.installedAt))
    .slice(keep - 1);
  for (const v of extra) {
    delete ext.versions[v.versionId];
    ext.history = ext.history.filter((id) => id !== v.versionId);
  }
  return extra;
}
