import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { create as createTar } from 'tar';
import { readPackageJson, type PackageJson } from '../internal/package-json.js';
import { PACKAGE_NAME } from '@annex/protocol';
import { SdkErrors } from '../errors.js';

/** npm's fixed mtime for reproducible tarballs. */
const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');
const ALWAYS_IGNORED = ['.git', 'node_modules', '.npmrc', '.DS_Store', 'npm-debug.log', 'package-lock.json', '.svn', 'CVS', '.hg', '.lock-wscript', '.wafpickle-*', '*.orig', '.*.swp', 'config.gypi'];
const ALWAYS_INCLUDED = /^(package\.json|readme(\..*)?|licen[cs]e(\..*)?|copying(\..*)?)$/i;

export interface PackFile {
  path: string;
  size: number;
}
export interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: PackFile[];
  size: number;
  unpackedSize: number;
  integrity: string;
  shasum: string;
  tarball: Buffer;
  pkg: PackageJson;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  const g = glob.replace(/^\.?\//, '').replace(/\/$/, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      re += '.*';
      i++;
      if (g[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern naming a folder includes everything below it.
  return new RegExp(`^${re}(/.*)?$`);
}

async function walk(root: string, dir = root, out: PackFile[] = []): Promise<PackFile[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    if (ALWAYS_IGNORED.some((p) => globToRegExp(p).test(entry.name))) continue;
    if (entry.isSymbolicLink()) continue; // npm packs no links
    if (entry.isDirectory()) await walk(root, full, out);
    else if (entry.isFile()) out.push({ path: rel, size: (await lstat(full)).size });
  }
  return out;
}

async function ignorePatterns(cwd: string): Promise<RegExp[]> {
  for (const name of ['.npmignore', '.gitignore']) {
    try {
      const text = await readFile(join(cwd, name), 'utf8');
      return text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
        .map((l) => globToRegExp(l.startsWith('/') ? l.slice(1) : l.includes('/') ? l : `**/${l}`));
    } catch {
      // next candidate
    }
  }
  return [];
}

/** The files npm would pack: the `files` field (or everything not ignored) plus package.json/README/LICENSE. */
export async function listPackFiles(cwd: string, pkg: PackageJson): Promise<PackFile[]> {
  const all = await walk(cwd);
  const files = Array.isArray(pkg.files) ? pkg.files.filter((f): f is string => typeof f === 'string') : null;
  let selected: PackFile[];
  if (files) {
    const include = files.map(globToRegExp);
    selected = all.filter((f) => ALWAYS_INCLUDED.test(f.path) || include.some((re) => re.test(f.path)));
  } else {
    const ignore = await ignorePatterns(cwd);
    selected = all.filter((f) => ALWAYS_INCLUDED.test(f.path) || !ignore.some((re) => re.test(f.path)));
  }
  return selected.filter((f) => !f.path.endsWith('.tgz') || files !== null).sort((a, b) => a.path.localeCompare(b.path));
}

/** A version without path separators (the name is checked with the protocol's PACKAGE_NAME). */
const VERSION = /^[0-9A-Za-z.+-]+$/;

/** npm's tarball name: `@scope/name` → `scope-name-<version>.tgz`. Throws SDK_PACK_FAILED for names that could leave the folder. */
export function tarballName(name: string, version: string): string {
  if (!PACKAGE_NAME.test(name) || name.length > 214) throw SdkErrors.SDK_PACK_FAILED({ message: `"name" ${JSON.stringify(name)} is not a valid package name` });
  if (!VERSION.test(version) || version.startsWith('.')) throw SdkErrors.SDK_PACK_FAILED({ message: `"version" ${JSON.stringify(version)} is not a valid version` });
  return `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`;
}

/** Packs the extension like `npm pack` (gzip tar, `package/` prefix, fixed mtimes). */
export async function pack(cwd: string): Promise<PackResult> {
  const { pkg, diagnostic } = await readPackageJson(cwd);
  if (!pkg) throw SdkErrors.SDK_PACK_FAILED({ message: diagnostic?.message ?? 'no package.json' });
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') throw SdkErrors.SDK_PACK_FAILED({ message: 'package.json needs "name" and "version"' });
  const files = await listPackFiles(cwd, pkg);
  const chunks: Buffer[] = [];
  const stream = createTar({ gzip: true, cwd, prefix: 'package', portable: true, mtime: NPM_MTIME, noDirRecurse: true }, files.map((f) => f.path));
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const tarball = Buffer.concat(chunks);
  return {
    name: pkg.name,
    version: pkg.version,
    filename: tarballName(pkg.name, pkg.version),
    files,
    size: tarball.length,
    unpackedSize: files.reduce((n, f) => n + f.size, 0),
    integrity: 'sha512-' + createHash('sha512').update(tarball).digest('base64'),
    shasum: createHash('sha1').update(tarball).digest('hex'),
    tarball,
    pkg,
  };
}
