import { lstat, mkdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SdkErrors } from '../errors.js';
import { readPackageJson } from '../internal/package-json.js';

export interface LinkResult {
  name: string;
  target: string;
  link: string;
  replaced: boolean;
}

/** Symlinks the extension folder into `<extensionsPath>/<name with '/' → '-'>`. */
export async function link(cwd: string, extensionsPath: string): Promise<LinkResult> {
  const { pkg, diagnostic } = await readPackageJson(cwd);
  if (!pkg || typeof pkg.name !== 'string')
    throw SdkErrors.SDK_LINK_FAILED({ message: diagnostic?.message ?? 'package.json has no "name"' });
  const dir = resolve(extensionsPath);
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    await mkdir(dir, { recursive: true });
  }
  const linkPath = join(dir, pkg.name.replace(/\//g, '-'));
  const target = resolve(cwd);
  let replaced = false;
  try {
    const info = await lstat(linkPath);
    if (!info.isSymbolicLink())
      throw SdkErrors.SDK_LINK_FAILED({ message: `${linkPath} exists and is not a link; remove it first` });
    if ((await readlink(linkPath)) === target) return { name: pkg.name, target, link: linkPath, replaced: false };
    await rm(linkPath);
    replaced = true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  await symlink(target, linkPath, 'dir');
  return { name: pkg.name, target, link: linkPath, replaced };
}
