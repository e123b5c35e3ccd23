import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { create as createTar } from 'tar';

/**
 * Packing and publishing as npm does, shared by the SDK (`annex-extension pack|publish`) and the
 * marketplace (seeding, `annex-marketplace publish`). Node-only: imported as `@annex/protocol/npm`.
 */

/** npm's fixed mtime, so the same files always give the same tarball. */
const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');
const ALWAYS_IGNORED = [
  '.git',
  'node_modules',
  '.npmrc',
  '.DS_Store',
  'npm-debug.log',
  'package-lock.json',
  '.svn',
  'CVS',
  '.hg',
  '.lock-wscript',
  '.wafpickle-*',
  '*.orig',
  '.*.swp',
  'config.gypi',
];
const ALWAYS_INCLUDED = /^(package\.json|readme(\..*)?|licen[cs]e(\..*)?|copying(\..*)?)$/i;

export interface PackFile {
  path: string;
  size: number;
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

const IGNORED = ALWAYS_IGNORED.map(globToRegExp);

async function walk(root: string, dir = root, out: PackFile[] = []): Promise<PackFile[]> {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (IGNORED.some((re) => re.test(entry.name))) continue;
    const full = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue; // npm packs no links
    if (entry.isDirectory()) await walk(root, full, out);
    else if (entry.isFile())
      out.push({ path: relative(root, full).split(sep).join('/'), size: (await lstat(full)).size });
  }
  return out;
}

async function ignorePatterns(cwd: string): Promise<RegExp[]> {
  for (const name of ['.npmignore', '.gitignore']) {
    let text: string;
    try {
      text = await readFile(join(cwd, name), 'utf8');
    } catch {
      continue;
    }
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      .map((l) => globToRegExp(l.startsWith('/') ? l.slice(1) : l.includes('/') ? l : `**/${l}`));
  }
  return [];
}

/** The files npm would pack: the `files` field (or everything not ignored) plus package.json/README/LICENSE, sorted. */
export async function listPackFiles(cwd: string, pkg: { files?: unknown }): Promise<PackFile[]> {
  const all = await walk(cwd);
  const files = Array.isArray(pkg.files) ? pkg.files.filter((f): f is string => typeof f === 'string') : null;
  let selected: PackFile[];
  if (files) {
    const include = files.map(globToRegExp);
    selected = all.filter((f) => ALWAYS_INCLUDED.test(f.path) || include.some((re) => re.test(f.path)));
  } else {
    const ignore = await ignorePatterns(cwd);
    // Earlier tarballs lying in the folder are not packed into the next one.
    selected = all.filter(
      (f) => ALWAYS_INCLUDED.test(f.path) || (!f.path.endsWith('.tgz') && !ignore.some((re) => re.test(f.path))),
    );
  }
  return selected.sort((a, b) => a.path.localeCompare(b.path));
}

/** A gzipped tar of `files` (relative to `cwd`) under `package/`, with npm's fixed mtimes. */
export async function packTarball(cwd: string, files: readonly string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = createTar(
    { gzip: true, cwd, prefix: 'package', portable: true, mtime: NPM_MTIME, noDirRecurse: true },
    [...files],
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** npm's `dist.integrity` (sha512, SRI) and `dist.shasum` (sha1 hex) of a tarball. */
export function tarballDigests(data: Uint8Array): { integrity: string; shasum: string } {
  return {
    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    shasum: createHash('sha1').update(data).digest('hex'),
  };
}

/** The package path segment as npm writes it: `@scope%2fname`. */
export function escapePackageName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/** The body `npm publish` PUTs to `<registry>/<escaped name>`: a packument with one version and its base64 tarball. */
export function publishDocument(
  pkg: Record<string, unknown>,
  tarball: Buffer,
  registry: string,
  options: { tag?: string; files?: readonly PackFile[] } = {},
): Record<string, unknown> {
  const name = String(pkg.name);
  const version = String(pkg.version);
  const base = registry.replace(/\/+$/, '');
  const { integrity, shasum } = tarballDigests(tarball);
  const stats = options.files
    ? { fileCount: options.files.length, unpackedSize: options.files.reduce((n, f) => n + f.size, 0) }
    : {};
  return {
    _id: name,
    name,
    description: pkg.description,
    'dist-tags': { [options.tag ?? 'latest']: version },
    versions: {
      [version]: {
        ...pkg,
        _id: `${name}@${version}`,
        dist: { integrity, shasum, tarball: `${base}/${name}/-/${name.split('/').pop()}-${version}.tgz`, ...stats },
      },
    },
    access: null,
    _attachments: {
      [`${name}-${version}.tgz`]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.byteLength,
      },
    },
  };
}
