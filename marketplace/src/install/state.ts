import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scopes } from '@annex/protocol';
import { z } from 'zod';
import { MarketplaceErrors as E } from '../errors.js';

/** Folder (inside the extensions folder) holding registry installs, as in Directus. */
export const REGISTRY_DIR = '.registry';
/** The installer's record of what is on disk; Directus-style discovery ignores files here. */
export const STATE_FILE = 'annex-state.json';

export interface InstalledVersion {
  versionId: string;
  version: string;
  /** Relative to the extensions folder: `.registry/<versionId>`. */
  folder: string;
  type: string;
  host: string;
  execution: 'app' | 'sandboxed' | 'unsandboxed';
  sandboxEnabled: boolean;
  requestedScopes: Scopes;
  integrity: string;
  signature: string;
  keyId: string;
  manifestDigest: string;
  publisher: { id: string; username: string; verified: boolean };
  bundled: { name: string; type: string }[];
  installedAt: string;
}

export interface InstalledExtension {
  /** Registry extension id (uuid). */
  id: string;
  /** Package name: the extension's Annex id. */
  name: string;
  registry: string;
  /** The version the host should load. */
  current: string;
  /** Versions that were current before, oldest first: what `rollback` walks back through. */
  history: string[];
  pinned: boolean;
  /** Every version kept on disk, by version id. */
  versions: Record<string, InstalledVersion>;
}

export interface InstallState {
  stateVersion: 1;
  extensions: Record<string, InstalledExtension>;
  /** Signing key id seen per registry URL at the first install (pinned: a different key is refused). */
  registryKeys?: Record<string, string>;
}

const StateSchema = z.object({
  stateVersion: z.literal(1),
  extensions: z.record(
    z.string(),
    z.looseObject({
      id: z.string(),
      name: z.string(),
      current: z.string(),
      versions: z.record(z.string(), z.looseObject({})),
    }),
  ),
  registryKeys: z.record(z.string(), z.string()).optional(),
});

export const emptyState = (): InstallState => ({
  stateVersion: 1,
  extensions: Object.create(null) as Record<string, InstalledExtension>,
});

export const statePath = (extensionsDir: string) => join(extensionsDir, REGISTRY_DIR, STATE_FILE);

/** Reads the install state; a missing file is an empty state, a broken one an error. */
export async function readInstallState(extensionsDir: string): Promise<InstallState> {
  let text: string;
  try {
    text = await readFile(statePath(extensionsDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw E.MKT_INSTALL_IO({ reason: (error as Error).message }, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw E.MKT_INSTALL_IO({ reason: `${STATE_FILE} is not valid JSON` }, { cause: error });
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) throw E.MKT_INSTALL_IO({ reason: `${STATE_FILE} has an unexpected shape` });
  const state = parsed.data as unknown as InstallState;
  // Keyed by package names: "constructor" or "__proto__" must be names like any other.
  state.extensions = Object.assign(Object.create(null) as Record<string, InstalledExtension>, state.extensions);
  for (const ext of Object.values(state.extensions))
    ext.versions = Object.assign(Object.create(null) as Record<string, InstalledVersion>, ext.versions);
  return state;
}

/** Writes the state atomically (temp file + rename), so a crash leaves the old or the new file. */
export async function writeInstallState(extensionsDir: string, state: InstallState): Promise<void> {
  const file = statePath(extensionsDir);
  await mkdir(join(extensionsDir, REGISTRY_DIR), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw E.MKT_INSTALL_IO({ reason: (error as Error).message }, { cause: error });
  }
}

/** The folders a host should load: one per installed extension, its current version. */
export async function getActiveFolders(
  extensionsDir: string,
): Promise<{ name: string; id: string; versionId: string; version: string; folder: string }[]> {
  const state = await readInstallState(extensionsDir);
  return Object.values(state.extensions)
    .map((ext) => {
      const v = ext.versions[ext.current];
      return {
        name: ext.name,
        id: ext.id,
        versionId: v.versionId,
        version: v.version,
        folder: join(extensionsDir, v.folder),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
