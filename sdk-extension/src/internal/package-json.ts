import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXTENSION_PKG_KEY, parseManifest, type ExtensionManifest } from '@annex/protocol';
import type { Diagnostic } from './diagnostics.js';

export type PackageJson = Record<string, unknown> & {
  name?: string;
  version?: string;
  type?: string;
  files?: string[];
};

export type ReadManifestResult =
  | { ok: true; pkg: PackageJson; manifest: ExtensionManifest }
  | { ok: false; pkg: PackageJson | null; diagnostics: Diagnostic[] };

/** Reads `<dir>/package.json` as JSON; null when absent. Syntax errors are reported with a line. */
export async function readPackageJson(dir: string): Promise<{ pkg: PackageJson | null; diagnostic?: Diagnostic }> {
  const file = join(dir, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {
      pkg: null,
      diagnostic: {
        code: 'SDK_MANIFEST_NOT_FOUND',
        severity: 'error',
        message: `No package.json found in ${dir}`,
        file,
      },
    };
  }
  try {
    return { pkg: JSON.parse(text) as PackageJson };
  } catch (error) {
    return {
      pkg: null,
      diagnostic: {
        code: 'SDK_MANIFEST_INVALID',
        severity: 'error',
        message: `package.json is not valid JSON: ${(error as Error).message}`,
        file,
      },
    };
  }
}

/** Reads and validates the manifest; every issue names its field. */
export async function readManifest(dir: string): Promise<ReadManifestResult> {
  const { pkg, diagnostic } = await readPackageJson(dir);
  if (!pkg) return { ok: false, pkg: null, diagnostics: [diagnostic!] };
  const parsed = parseManifest(pkg);
  if (parsed.ok) return { ok: true, pkg, manifest: parsed.manifest };
  return {
    ok: false,
    pkg,
    diagnostics: parsed.issues.map((issue) => ({
      code: 'SDK_MANIFEST_INVALID',
      severity: 'error' as const,
      field: issue.path,
      message: `${issue.path} ${issue.message}`,
      file: join(dir, 'package.json'),
    })),
  };
}

export { EXTENSION_PKG_KEY };
