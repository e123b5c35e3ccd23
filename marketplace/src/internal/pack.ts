import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTENSION_PKG_KEY } from '@annex/protocol';
import { listPackFiles, packTarball } from '@annex/protocol/npm';
import { MarketplaceErrors as E } from '../errors.js';

/** Reads `<folder>/package.json`, failing with a coded error when it is missing or broken. */
export async function readPackageJson(folder: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(join(folder, 'package.json'), 'utf8');
  } catch {
    throw E.MKT_MANIFEST_MISSING();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw E.MKT_INVALID_MANIFEST({ summary: 'package.json is not valid JSON' }, { cause: error });
  }
}

/** Extension folders directly under `dir` (package.json with a manifest key), sorted by name. */
export async function listExtensionFolders(dir: string): Promise<{ folder: string; pkg: Record<string, unknown> }[]> {
  const out: { folder: string; pkg: Record<string, unknown> }[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = join(dir, entry.name);
    const pkg = await readPackageJson(folder).catch(() => undefined);
    if (pkg && EXTENSION_PKG_KEY in pkg) out.push({ folder, pkg });
  }
  return out;
}

/** Packs an extension folder as `npm pack` does: gzipped tar, entries under `package/`. */
export async function packFolder(
  folder: string,
): Promise<{ tarball: Buffer; pkg: Record<string, unknown>; files: string[] }> {
  const pkg = await readPackageJson(folder);
  const files = (await listPackFiles(folder, pkg)).map((f) => f.path);
  return { tarball: await packTarball(folder, files), pkg, files };
}
