import { posix } from 'node:path';
import {
  getRequestedScopes,
  isApiType,
  isHybridType,
  isSandboxed,
  type ExtensionManifest,
  type ExtensionOptions,
  type Scopes,
} from '@annex/protocol';
import { MarketplaceErrors as E } from '../errors.js';
import { manifestDigest } from './digest.js';

/**
 * Where an extension's code runs: `app` (browser only, no API code), `sandboxed` (API code in
 * the isolate) or `unsandboxed` (API code in the host process). Trust levels decide on this.
 */
export type Execution = 'app' | 'sandboxed' | 'unsandboxed';

export function hasApiCode(options: ExtensionOptions): boolean {
  if (options.type === 'bundle')
    return options.entries.some((e) => isApiType(e.type) || isHybridType(e.type)) || Boolean(options.path.api);
  return isApiType(options.type) || isHybridType(options.type);
}

export function getExecution(options: ExtensionOptions): Execution {
  if (!hasApiCode(options)) return 'app';
  return isSandboxed(options) ? 'sandboxed' : 'unsandboxed';
}

/** Built files the manifest points at (relative to the package root). */
export function getEntrypoints(options: ExtensionOptions): string[] {
  const path = options.path;
  if (typeof path === 'string') return [path];
  return [path.app, path.api].filter((p): p is string => typeof p === 'string');
}

/** The registry-facing facts of one manifest; the registry stores them and the installer compares them. */
export interface ManifestFacts {
  name: string;
  version: string;
  type: ExtensionOptions['type'];
  host: string;
  sandboxEnabled: boolean;
  execution: Execution;
  requestedScopes: Scopes;
  bundled: { name: string; type: string }[];
  manifestDigest: string;
}

export function getManifestFacts(manifest: ExtensionManifest): ManifestFacts {
  const options = manifest['directus:extension'];
  return {
    name: manifest.name,
    version: manifest.version,
    type: options.type,
    host: options.host,
    sandboxEnabled: isSandboxed(options),
    execution: getExecution(options),
    requestedScopes: getRequestedScopes(options),
    bundled: options.type === 'bundle' ? options.entries.map((e) => ({ name: e.name, type: e.type })) : [],
    manifestDigest: manifestDigest(options),
  };
}

/** Entrypoint normalised relative to the package root; throws when it points outside it. */
export function normaliseEntrypoint(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) throw E.MKT_ENTRYPOINT_INVALID({ path });
  return normal.replace(/^\.\//, '');
}
