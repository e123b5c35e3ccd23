import { isAbsolute, relative, resolve } from 'node:path';
import {
  APP_EXTENSION_TYPES,
  EXTENSION_TYPES,
  isApiType,
  isAppType,
  isSandboxed,
  type BundleEntryOptions,
  type ExtensionManifest,
} from '@annex/protocol';
import type { Diagnostic } from '../diagnostics.js';
import type { PackageJson } from '../package-json.js';
import { bundleApiEntry, bundleAppEntry } from './bundle-entry.js';

/** One input file, or a generated module (bundle entrypoints) resolved from `resolveDir`. */
export type EntrySpec = { file: string } | { virtual: string; resolveDir: string; name: string };

/** An entry as esbuild takes it: a file, or a virtual module (a bundle's generated entry) through stdin. */
export function esbuildEntry(entry: EntrySpec): { entryPoints: string[] } | { stdin: import('esbuild').StdinOptions } {
  if ('file' in entry) return { entryPoints: [entry.file] };
  return { stdin: { contents: entry.virtual, resolveDir: entry.resolveDir, sourcefile: entry.name, loader: 'js' } };
}

export interface ApiTarget {
  kind: 'api';
  label: string;
  entry: EntrySpec;
  outfile: string;
  format: 'esm' | 'cjs';
  /** Sandboxed: one ES module importing only directus:api, checked for node-only code. */
  sandbox: boolean;
}
export interface AppTarget {
  kind: 'app';
  label: string;
  entry: EntrySpec;
  outfile: string;
}
export type BuildTarget = ApiTarget | AppTarget;

/** Directus's `-t -i -o` override (all three or none). */
export interface EntryOverride {
  type: string;
  input: string;
  output: string;
}

export type PlanResult = { ok: true; targets: BuildTarget[] } | { ok: false; diagnostics: Diagnostic[] };

const abs = (cwd: string, p: string) => (isAbsolute(p) ? p : resolve(cwd, p));

function fail(message: string, field?: string): PlanResult {
  return {
    ok: false,
    diagnostics: [
      { code: field ? 'SDK_MANIFEST_INVALID' : 'SDK_USAGE', severity: 'error', message, ...(field ? { field } : {}) },
    ],
  };
}

function apiFormat(pkg: PackageJson | null, outfile: string, forced?: 'esm'): 'esm' | 'cjs' {
  if (outfile.endsWith('.mjs')) return 'esm';
  if (outfile.endsWith('.cjs')) return 'cjs';
  if (forced) return forced;
  return pkg?.type === 'module' ? 'esm' : 'cjs';
}

type Split = { app: string; api: string };
function isSplit(value: unknown): value is Split {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Split).app === 'string' &&
    typeof (value as Split).api === 'string'
  );
}

interface Spec {
  type: string;
  source: unknown;
  path: unknown;
  sandbox: boolean;
  entries?: BundleEntryOptions[];
}

function planFrom(cwd: string, spec: Spec, pkg: PackageJson | null, forced?: 'esm'): PlanResult {
  const { type } = spec;
  const K = 'directus:extension';
  if (isAppType(type)) {
    if (typeof spec.source !== 'string')
      return fail('is required to build (the entry file, e.g. "src/index.ts")', `${K}.source`);
    if (typeof spec.path !== 'string') return fail('must be a string', `${K}.path`);
    return {
      ok: true,
      targets: [{ kind: 'app', label: type, entry: { file: abs(cwd, spec.source) }, outfile: abs(cwd, spec.path) }],
    };
  }
  if (isApiType(type)) {
    if (typeof spec.source !== 'string')
      return fail('is required to build (the entry file, e.g. "src/index.ts")', `${K}.source`);
    if (typeof spec.path !== 'string') return fail('must be a string', `${K}.path`);
    const outfile = abs(cwd, spec.path);
    const format = spec.sandbox ? 'esm' : apiFormat(pkg, outfile, forced);
    return {
      ok: true,
      targets: [
        { kind: 'api', label: type, entry: { file: abs(cwd, spec.source) }, outfile, format, sandbox: spec.sandbox },
      ],
    };
  }
  if (type === 'operation') {
    if (!isSplit(spec.source)) return fail('must be {"app": "...", "api": "..."} to build an operation', `${K}.source`);
    if (!isSplit(spec.path)) return fail('must be {"app": "...", "api": "..."}', `${K}.path`);
    const apiOut = abs(cwd, spec.path.api);
    return {
      ok: true,
      targets: [
        {
          kind: 'app',
          label: 'operation (app)',
          entry: { file: abs(cwd, spec.source.app) },
          outfile: abs(cwd, spec.path.app),
        },
        {
          kind: 'api',
          label: 'operation (api)',
          entry: { file: abs(cwd, spec.source.api) },
          outfile: apiOut,
          format: spec.sandbox ? 'esm' : apiFormat(pkg, apiOut, forced),
          sandbox: spec.sandbox,
        },
      ],
    };
  }
  if (type === 'bundle') {
    const entries = spec.entries ?? [];
    const names = new Set<string>();
    for (const [i, entry] of entries.entries()) {
      if (names.has(entry.name)) return fail(`has a duplicate entry name "${entry.name}"`, `${K}.entries.${i}.name`);
      names.add(entry.name);
      if (entry.source === undefined) return fail('is required to build a bundle entry', `${K}.entries.${i}.source`);
    }
    const path = (spec.path ?? {}) as { app?: string; api?: string };
    const targets: BuildTarget[] = [];
    const appEntries = entries.filter(
      (e) => (APP_EXTENSION_TYPES as readonly string[]).includes(e.type) || e.type === 'operation',
    );
    const apiEntries = entries.filter((e) => isApiType(e.type) || e.type === 'operation');
    if (appEntries.length > 0) {
      if (!path.app) return fail('is required: the bundle has app entries', `${K}.path.app`);
      targets.push({
        kind: 'app',
        label: 'bundle (app)',
        entry: { virtual: bundleAppEntry(cwd, appEntries), resolveDir: cwd, name: 'annex-bundle-app-entry.js' },
        outfile: abs(cwd, path.app),
      });
    }
    if (apiEntries.length > 0) {
      if (!path.api) return fail('is required: the bundle has api entries', `${K}.path.api`);
      const outfile = abs(cwd, path.api);
      targets.push({
        kind: 'api',
        label: 'bundle (api)',
        entry: { virtual: bundleApiEntry(cwd, apiEntries), resolveDir: cwd, name: 'annex-bundle-api-entry.js' },
        outfile,
        format: apiFormat(pkg, outfile, forced),
        sandbox: false,
      });
    }
    return { ok: true, targets };
  }
  return fail(`must be one of ${EXTENSION_TYPES.join(', ')} (got ${JSON.stringify(type)})`, `${K}.type`);
}

/**
 * Where a manifest asks the build to write: inside the extension's folder only. A package.json
 * is often someone else's (a template, a dependency's example), and `build` or `dev` must not
 * write wherever it says. `-o` on the command line is the user's own choice and is not limited.
 */
function outputsInside(cwd: string, plan: PlanResult): PlanResult {
  if (!plan.ok) return plan;
  const root = resolve(cwd);
  for (const t of plan.targets) {
    const rel = relative(root, t.outfile);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
      return fail(
        `must stay inside the extension's folder (got ${JSON.stringify(t.outfile)})`,
        'directus:extension.path',
      );
  }
  return plan;
}

/** Build targets from a validated manifest. */
export function planFromManifest(cwd: string, pkg: PackageJson, manifest: ExtensionManifest): PlanResult {
  const options = manifest['directus:extension'];
  return outputsInside(
    cwd,
    planFrom(
      cwd,
      {
        type: options.type,
        source: 'source' in options ? options.source : undefined,
        path: options.path,
        sandbox: isSandboxed(options),
        entries: options.type === 'bundle' ? options.entries : undefined,
      },
      pkg,
    ),
  );
}

function parseJsonFlag(flag: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`${flag} must be JSON for this type (e.g. '{"app":"src/app.ts","api":"src/api.ts"}')`);
  }
}

/** Build targets from `-t -i -o` (format forced to ESM, as Directus does). */
export function planFromFlags(cwd: string, pkg: PackageJson | null, o: EntryOverride): PlanResult {
  if (!(EXTENSION_TYPES as readonly string[]).includes(o.type))
    return fail(`--type must be one of ${EXTENSION_TYPES.join(', ')} (got "${o.type}")`);
  try {
    if (o.type === 'operation') {
      return planFrom(
        cwd,
        {
          type: o.type,
          source: parseJsonFlag('--input', o.input),
          path: parseJsonFlag('--output', o.output),
          sandbox: false,
        },
        pkg,
        'esm',
      );
    }
    if (o.type === 'bundle') {
      const entries = parseJsonFlag('--input', o.input);
      if (!Array.isArray(entries)) return fail('--input must be a JSON array of {"type","name","source"} for a bundle');
      return planFrom(
        cwd,
        {
          type: o.type,
          source: undefined,
          path: parseJsonFlag('--output', o.output),
          sandbox: false,
          entries: entries as BundleEntryOptions[],
        },
        pkg,
        'esm',
      );
    }
    return planFrom(cwd, { type: o.type, source: o.input, path: o.output, sandbox: false }, pkg, 'esm');
  } catch (error) {
    return fail((error as Error).message);
  }
}
