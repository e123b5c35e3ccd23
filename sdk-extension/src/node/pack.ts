import { listPackFiles, packTarball, tarballDigests, type PackFile } from '@annex/protocol/npm';
import { readPackageJson, type PackageJson } from '../internal/package-json.js';
import { PACKAGE_NAME } from '@annex/protocol';
import { SdkErrors } from '../errors.js';

export { listPackFiles, type PackFile };
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

/** A version without path separators (the name is checked with the protocol's PACKAGE_NAME). */
const VERSION = /^[0-9A-Za-z.+-]+$/;

/** npm's tarball name: `@scope/name` → `scope-name-<version>.tgz`. Throws SDK_PACK_FAILED for names that could leave the folder. */
export function tarballName(name: string, version: string): string {
  if (!PACKAGE_NAME.test(name) || name.length > 214)
    throw SdkErrors.SDK_PACK_FAILED({ message: `"name" ${JSON.stringify(name)} is not a valid package name` });
  if (!VERSION.test(version) || version.startsWith('.'))
    throw SdkErrors.SDK_PACK_FAILED({ message: `"version" ${JSON.stringify(version)} is not a valid version` });
  return `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`;
}

/** Packs the extension like `npm pack` (gzip tar, `package/` prefix, fixed mtimes). */
export async function pack(cwd: string): Promise<PackResult> {
  const { pkg, diagnostic } = await readPackageJson(cwd);
  if (!pkg) throw SdkErrors.SDK_PACK_FAILED({ message: diagnostic?.message ?? 'no package.json' });
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string')
    throw SdkErrors.SDK_PACK_FAILED({ message: 'package.json needs "name" and "version"' });
  const files = await listPackFiles(cwd, pkg);
  const tarball = await packTarball(
    cwd,
    files.map((f) => f.path),
  );
  return {
    name: pkg.name,
    version: pkg.version,
    filename: tarballName(pkg.name, pkg.version),
    files,
    size: tarball.length,
    unpackedSize: files.reduce((n, f) => n + f.size, 0),
    ...tarballDigests(tarball),
    tarball,
    pkg,
  };
}
