import fs from 'node:fs';
import path from 'node:path';
import type { ExtensionOptions } from '@annex/protocol';
import { EXTENSION_PKG_KEY, isSandboxed } from '@annex/protocol/sandboxed';
import type { HostConfig } from '../config.js';

/*
 * `annex start` forks the first sandbox worker before it loads the host when the boot is going to
 * need one, so the worker starts while the host loads its bundle and opens its database (issue 20:
 * boot). Whether it is needed is decided here from the package.json files alone (the database, which
 * may have disabled the extension, is not open yet): a guess that turns out wrong costs a worker that
 * `releasePrespawnedWorker` ends once the host listens. A folder this scan misses only means the
 * worker starts when the load begins, as without this.
 */

/** Whether `dir` (an extension package) declares a sandboxed extension. */
function declaresSandbox(dir: string): boolean {
  let manifest: unknown;
  try {
    manifest = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>)[
      EXTENSION_PKG_KEY
    ];
  } catch {
    return false;
  }
  return !!manifest && typeof manifest === 'object' && isSandboxed(manifest as ExtensionOptions);
}

function folders(root: string): string[] {
  try {
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules' && !e.isFile())
      .map((e) => path.join(root, e.name));
  } catch {
    return [];
  }
}

/** Whether the extensions folder (its own folders and marketplace installs) holds a sandboxed extension. */
export function hasSandboxedExtension(extensionsPath: string): boolean {
  return [...folders(extensionsPath), ...folders(path.join(extensionsPath, '.registry'))].some(declaresSandbox);
}

/** Forks the first sandbox worker now if the host runs isolates in workers and a sandboxed extension is there. */
export async function prestartSandboxWorker(
  config: HostConfig,
  env: Record<string, string | undefined> = process.env,
): Promise<number | undefined> {
  // `ANNEX_SANDBOX_PRESTART=off`: the worker starts when the load begins (as `createHost` does).
  if (env.ANNEX_SANDBOX_PRESTART === 'off') return undefined;
  if (config.sandbox.engine !== 'process' || !hasSandboxedExtension(config.extensionsPath)) return undefined;
  const { prespawnWorker } = await import('@annex/runtime/prespawn');
  return prespawnWorker();
}

/** Ends a prestarted worker the boot did not use. */
export async function releasePrestartedSandboxWorker(): Promise<void> {
  const { releasePrespawnedWorker } = await import('@annex/runtime/prespawn');
  releasePrespawnedWorker();
}
