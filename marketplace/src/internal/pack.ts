import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { EXTENSION_PKG_KEY } from '@annex/protocol';
import { create as createTar } from 'tar';
import { MarketplaceErrors as E } from '../errors.js';

/** Files npm always packs, whatever `files` says. */
const ALWAYS = /^(package\.json|readme(\..*)?|licen[cs]e(\..*)?|changelog(\..*)?)$/i;
/** Never packed (npm's own ignore list, abridged). */
const NEVER = new Set(['node_modules', '.git', '.svn', '.hg', '.DS_Store', '.npmrc', 'package-lock.json']);
/** npm's fixed mtime, so the same files always give the same tarball. */
const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(root, rel))).sort()) {
    if (NEVER.has(name) || name.startsWith('.') || name.endsWith('.tgz')) continue;
    const relPath = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, relPath));
    if (st.isDirectory()) out.push(...(await walk(root, relPath)));
    else if (st.isFile()) out.push(relPath); // symlinks and specials are never packed
  }
  return out;
}

function globToRegExp(pattern: string): RegExp {
  const p = posix.normalize(pattern.replace(/^\.?\//, '')).replace(/\/$/, '');
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*');
  // a directory pattern includes everything below it
  return new RegExp(`^${body}(/.*)?$`);
}

/** The files `npm pack` would include (approximation: `files` patterns, or everything not ignored). */
export async function listPackFiles(folder: string, pkg: { files?: unknown }): Promise<string[]> {
  const all = await walk(folder);
  if (!Array.isArray(pkg.files)) return all;
  const patterns = pkg.files.filter((f): f is string => typeof f === 'string').map(globToRegExp);
  return all.filter((f) => ALWAYS.test(f) || patterns.some((re) => re.test(f)));
}

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
export async function packFolder(folder: string): Promise<{ tarball: Buffer; pkg: Record<string, unknown>; files: string[] }> {
  const pkg = await readPackageJson(folder);
  const files = await listPackFiles(folder, pkg);
  const chunks: Buffer[] = [];
  const stream = createTar({ gzip: true, cwd: folder, prefix: 'package', portable: true, mtime: NPM_MTIME, noDirRecurse: true }, files);
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { tarball: Buffer.concat(chunks), pkg, files };
}
