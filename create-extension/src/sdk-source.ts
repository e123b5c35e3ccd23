import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder (dist/ and templates/ sit in it). */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * The `@annex/sdk-extension` dependency of a new project. Run from an Annex source checkout
 * (this package is a workspace beside the SDK), it is the checkout's own SDK as a `file:` link,
 * so the project installs without the SDK being published; run from the registry, it is the
 * SDK version released together with this scaffolder.
 */
export function getSdkDependency(packageRoot: string = PACKAGE_ROOT): string {
  const root = dirname(packageRoot);
  const workspaces = readJson(join(root, 'package.json'))?.workspaces;
  const sdkDir = join(root, 'sdk-extension');
  const isCheckout =
    Array.isArray(workspaces) && workspaces.includes(basename(packageRoot)) && workspaces.includes('sdk-extension');
  if (isCheckout && readJson(join(sdkDir, 'package.json'))?.name === '@annex/sdk-extension') return `file:${sdkDir}`;
  const version = readJson(join(packageRoot, 'package.json'))?.version;
  return `^${typeof version === 'string' ? version : '0.1.0'}`;
}
