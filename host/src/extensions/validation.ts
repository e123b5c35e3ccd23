import fs from 'node:fs';
import path from 'node:path';
// The one function needed: semver's index loads all 47 of its modules (issue 20: boot).
import validRange from 'semver/ranges/valid.js';
import {
  formatManifestIssues,
  getRequestedScopes,
  isSandboxed,
  parseManifest,
  PACKAGE_NAME,
  type ExtensionOptions,
  type NestedExtensionType,
} from '@annex/protocol';
import { errors } from '../errors.js';
import type { DiscoveredPackage, ExtensionDescriptor, ExtensionUnit } from './types.js';

/**
 * Whether `abs` is inside `dir`, by the paths and by where symlinks lead: a package folder may
 * itself be a link (`annex-extension link`), but nothing in it may point outside it.
 */
export function isInside(dir: string, abs: string): boolean {
  const within = (a: string, b: string) => {
    const rel = path.relative(a, b);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!within(dir, abs)) return false;
  try {
    // The native realpath: one system call, where the JS one lstat()s every component (0.7 ms of a reload).
    return within(fs.realpathSync.native(dir), fs.realpathSync.native(abs));
  } catch {
    return true; /* missing: the caller reports that */
  }
}

function resolveInside(dir: string, file: string, id: string): string {
  const abs = path.resolve(dir, file);
  if (!isInside(dir, abs)) throw errors.HOST_ENTRY_NOT_FOUND({ id, file: `${file} (outside the extension folder)` });
  if (!fs.existsSync(abs)) throw errors.HOST_ENTRY_NOT_FOUND({ id, file });
  return abs;
}

/** `annex.migrations`: a folder inside the package, for trusted code only (migrations get the database). */
function migrationsDir(found: DiscoveredPackage, folder: string, units: ExtensionUnit[]): string {
  if (units.some((u) => u.sandboxed)) {
    throw errors.HOST_MANIFEST_INVALID({
      folder: found.folder,
      reason:
        'annex.migrations needs a trusted extension: migrations run with full database access, which a sandbox never has',
    });
  }
  const abs = path.resolve(found.dir, folder);
  if (!isInside(found.dir, abs) || !fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw errors.HOST_MANIFEST_INVALID({
      folder: found.folder,
      reason: `annex.migrations must name a folder inside the package (got ${JSON.stringify(folder)})`,
    });
  }
  return abs;
}

function apiOf(o: ExtensionOptions): string | undefined {
  if (o.type === 'hook' || o.type === 'endpoint') return o.path;
  if (o.type === 'operation' || o.type === 'bundle') return o.path.api;
  return undefined;
}
function appOf(o: ExtensionOptions): string | undefined {
  if (o.type === 'operation' || o.type === 'bundle') return o.path.app;
  if (o.type === 'hook' || o.type === 'endpoint') return undefined;
  return o.path;
}

/**
 * Validates a discovered package into a descriptor: manifest (readable, field-named errors),
 * host range, entry files inside the folder. Throws a coded error; never touches other packages.
 */
export function validatePackage(found: DiscoveredPackage): ExtensionDescriptor {
  if (found.readError) throw errors.HOST_MANIFEST_INVALID({ folder: found.folder, reason: found.readError.message });
  const parsed = parseManifest(found.pkg);
  if (!parsed.ok)
    throw errors.HOST_MANIFEST_INVALID(
      { folder: found.folder, reason: formatManifestIssues(parsed.issues) },
      { details: { issues: parsed.issues } },
    );
  const m = parsed.manifest;
  const o = m['directus:extension'];
  if (!validRange(o.host))
    throw errors.HOST_MANIFEST_INVALID({
      folder: found.folder,
      reason: `directus:extension.host must be a semver range (got ${JSON.stringify(o.host)})`,
    });
  const id = m.name;
  // npm's shape (`name` or `@scope/name`): an id can then never equal a bundle entry's `<package>/<entry>`.
  if (!PACKAGE_NAME.test(id))
    throw errors.HOST_MANIFEST_INVALID({
      folder: found.folder,
      reason: `"name" must be a package name like "my-extension" or "@scope/my-extension" (got ${JSON.stringify(id)})`,
    });
  const units: ExtensionUnit[] = [];
  const api = apiOf(o);
  const app = appOf(o);
  const entry = {
    api: api ? resolveInside(found.dir, api, id) : undefined,
    app: app ? resolveInside(found.dir, app, id) : undefined,
  };

  if (o.type === 'bundle') {
    const names = new Set<string>();
    for (const e of o.entries) {
      if (names.has(e.name))
        throw errors.HOST_MANIFEST_INVALID({
          folder: found.folder,
          reason: `directus:extension.entries has the name "${e.name}" twice`,
        });
      names.add(e.name);
      const isApi = e.type === 'hook' || e.type === 'endpoint';
      const isApp = !isApi && e.type !== 'operation';
      if ((isApi || e.type === 'operation') && !entry.api)
        throw errors.HOST_MANIFEST_INVALID({
          folder: found.folder,
          reason: `directus:extension.path.api is required for the ${e.type} entry "${e.name}"`,
        });
      if ((isApp || e.type === 'operation') && !entry.app)
        throw errors.HOST_MANIFEST_INVALID({
          folder: found.folder,
          reason: `directus:extension.path.app is required for the ${e.type} entry "${e.name}"`,
        });
      units.push({
        id: `${id}/${e.name}`,
        name: e.name,
        type: e.type as NestedExtensionType,
        entry: { api: isApp ? undefined : entry.api, app: isApi ? undefined : entry.app },
        sandboxed: false,
        requestedScopes: {},
      });
    }
  } else {
    units.push({
      id,
      name: m.name,
      type: o.type,
      entry,
      sandboxed: isSandboxed(o),
      requestedScopes: getRequestedScopes(o),
    });
  }

  return {
    id,
    name: m.name,
    version: m.version,
    type: o.type,
    source: found.source,
    folder: found.folder,
    dir: found.dir,
    host: o.host,
    locked: found.source === 'builtin' && o.annex?.locked === true,
    required: o.annex?.required === true,
    ...(o.annex?.migrations ? { migrations: migrationsDir(found, o.annex.migrations, units) } : {}),
    description: m.description,
    icon: m.icon,
    partial: o.type === 'bundle' ? o.partial !== false : false,
    units,
    options: o,
  };
}
