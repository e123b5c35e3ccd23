import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { EXTENSION_PKG_KEY } from '@annex/protocol';
import { errors } from '../errors.js';
import type { DiscoveredPackage, ExtensionSource } from './types.js';

/** The plain record of a HOST_MANIFEST_INVALID for a folder whose package.json cannot be read. */
function manifestInvalid(dir: string, reason: string): { code: string; message: string } {
  const e = errors.HOST_MANIFEST_INVALID({ folder: path.basename(dir), reason });
  return { code: e.code, message: e.message };
}

async function readPackage(dir: string): Promise<{ pkg?: unknown; error?: { code: string; message: string } }> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return { error: manifestInvalid(dir, 'no readable package.json') };
  }
  try {
    return { pkg: JSON.parse(text) };
  } catch (e) {
    return { error: manifestInvalid(dir, `package.json is not valid JSON: ${(e as Error).message}`) };
  }
}

/** Sub-folders (directories or symlinks to directories) of `root`, hidden ones skipped, sorted. */
async function listFolders(root: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (e.isDirectory()) out.push(e.name);
    else if (e.isSymbolicLink()) {
      const stat = await fs.stat(path.join(root, e.name)).catch(() => null);
      if (stat?.isDirectory()) out.push(e.name);
    }
  }
  return out.sort();
}

async function fromFolders(root: string, source: ExtensionSource): Promise<DiscoveredPackage[]> {
  const out: DiscoveredPackage[] = [];
  for (const folder of await listFolders(root)) {
    const dir = path.join(root, folder);
    const { pkg, error } = await readPackage(dir);
    out.push({ source, folder, dir, pkg, ...(error ? { readError: error } : {}) });
  }
  return out;
}

/** `module` source: dependencies of the host project's package.json that carry a manifest. */
async function fromModules(packageFile: string | undefined): Promise<DiscoveredPackage[]> {
  if (!packageFile) return [];
  const { pkg } = await readPackage(path.dirname(packageFile));
  const deps = Object.keys((pkg as { dependencies?: Record<string, string> } | undefined)?.dependencies ?? {});
  const require = createRequire(packageFile);
  const out: DiscoveredPackage[] = [];
  for (const name of deps.sort()) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${name}/package.json`));
    } catch {
      continue;
    }
    const read = await readPackage(dir);
    if (!read.pkg || typeof read.pkg !== 'object' || !(EXTENSION_PKG_KEY in read.pkg)) continue;
    out.push({ source: 'module', folder: name, dir, pkg: read.pkg });
  }
  return out;
}

export interface DiscoveryOptions {
  builtinsPath: string;
  extensionsPath: string;
  /** The host project's package.json (module source); absent → no module extensions. */
  packageFile?: string;
}

/**
 * Finds every extension package: builtins, local folders, marketplace installs
 * (`.registry/<versionId>`, only the active version of each), host dependencies. A folder reached
 * twice (a workspace symlink that is also a dependency) is listed once.
 */
export async function discover(
  options: DiscoveryOptions,
  activeRegistryFolders?: Set<string>,
): Promise<DiscoveredPackage[]> {
  const registry = (await fromFolders(path.join(options.extensionsPath, '.registry'), 'registry')).filter(
    (p) => !activeRegistryFolders || activeRegistryFolders.has(p.folder),
  );
  const all = [
    ...(await fromFolders(options.builtinsPath, 'builtin')),
    ...(await fromFolders(options.extensionsPath, 'local')),
    ...registry,
    ...(await fromModules(options.packageFile)),
  ];
  const seen = new Set<string>();
  const out: DiscoveredPackage[] = [];
  for (const p of all) {
    const real = await fs.realpath(p.dir).catch(() => p.dir);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(p);
  }
  return out;
}
