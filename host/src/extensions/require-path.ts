import Module, { createRequire } from 'node:module';
import path from 'node:path';
import type { Disposer } from './context.js';

/*
 * In a Directus install, extensions live under the project whose node_modules holds Directus and
 * its dependencies, so `require('express')` from an extension (or from one of the extension's own
 * dependencies, e.g. swagger-ui-express) finds the host's Express by plain module resolution.
 * Annex extensions may live anywhere, so the host adds its own package folder as the last place
 * Node looks — only for modules inside a registered extension folder, and only after Node's
 * normal resolution failed (an extension's own copy of a package always wins).
 */

type ResolveFilename = (
  request: string,
  parent: { filename?: string | null } | null | undefined,
  isMain: boolean,
  options?: unknown,
) => string;

const roots = new Map<string, number>();
const hostRequire = createRequire(import.meta.url);
let original: ResolveFilename | undefined;

function isBare(request: string): boolean {
  return (
    !request.startsWith('.') && !path.isAbsolute(request) && !request.startsWith('node:') && !request.includes('\0')
  );
}

function insideExtension(file: string | null | undefined): boolean {
  if (!file) return false;
  for (const root of roots.keys()) if (file === root || file.startsWith(root + path.sep)) return true;
  return false;
}

function install(): void {
  if (original) return;
  const mod = Module as unknown as { _resolveFilename: ResolveFilename };
  const previous = mod._resolveFilename;
  original = previous;
  mod._resolveFilename = function resolveWithHostFallback(request, parent, isMain, options) {
    try {
      return previous.call(this, request, parent, isMain, options);
    } catch (error) {
      if (
        (error as { code?: string }).code !== 'MODULE_NOT_FOUND' ||
        !isBare(request) ||
        !insideExtension(parent?.filename)
      )
        throw error;
      try {
        return hostRequire.resolve(request);
      } catch {
        throw error;
      }
    }
  };
}

function uninstall(): void {
  if (!original || roots.size) return;
  (Module as unknown as { _resolveFilename: ResolveFilename })._resolveFilename = original;
  original = undefined;
}

/**
 * Puts the host's packages on the module resolution path of everything loaded from `folder`
 * (an extension's package folder). Returns the disposer; the hook is removed with the last folder.
 */
export function registerExtensionRequirePath(folder: string): Disposer {
  const root = path.resolve(folder);
  roots.set(root, (roots.get(root) ?? 0) + 1);
  install();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (roots.get(root) ?? 1) - 1;
    if (n > 0) roots.set(root, n);
    else roots.delete(root);
    uninstall();
  };
}

/** The folders currently given the host's packages (for diagnostics and tests). */
export function getExtensionRequireRoots(): string[] {
  return [...roots.keys()];
}
