import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { Plugin } from 'esbuild';
import type { Diagnostic } from '../diagnostics.js';

// Free identifiers the sandbox does not have are renamed to markers through esbuild's `define`
// (which only touches unbound references); their positions in the output are then mapped
// back through the source map to the author's file:line:column.
const MARKER_PREFIX = '__ANNEX_SANDBOX_FORBIDDEN_';
export const SANDBOX_FORBIDDEN_GLOBALS = ['__dirname', '__filename'] as const;
export const sandboxDefines: Record<string, string> = Object.fromEntries(
  SANDBOX_FORBIDDEN_GLOBALS.map((g) => [g, MARKER_PREFIX + g]),
);

const builtins = builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&'));
const BUILTIN_FILTER = new RegExp(`^(node:.*|(${builtins.join('|')})(/.*)?)$`);

/** Reports node built-ins and native `.node` modules at their import site (esbuild adds the location). */
export function sandboxImportsPlugin(): Plugin {
  return {
    name: 'annex-sandbox-imports',
    setup(build) {
      build.onResolve({ filter: BUILTIN_FILTER }, (args) => ({
        errors: [
          {
            text: `Node built-in "${args.path}" cannot be used in a sandboxed extension (only directus:api is available) [SDK_SANDBOX_FORBIDDEN_IMPORT]`,
          },
        ],
      }));
      build.onResolve({ filter: /\.node$/ }, (args) => ({
        errors: [
          { text: `Native module "${args.path}" cannot be used in a sandboxed extension [SDK_SANDBOX_NATIVE_MODULE]` },
        ],
      }));
    },
  };
}

/** Native addons cannot be bundled in any build. */
export function nativeModulesPlugin(): Plugin {
  return {
    name: 'annex-native-modules',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => ({
        errors: [
          {
            text: `Native module "${args.path}" cannot be bundled; load it at run time from a dependency instead [SDK_NATIVE_MODULE]`,
          },
        ],
      }));
    },
  };
}

function positionOf(code: string, index: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = code.indexOf('\n'); i !== -1 && i < index; i = code.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: index - last - 1 };
}

function lineTextOf(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n')[line - 1];
  } catch {
    return undefined;
  }
}

interface Site {
  name: string;
  index: number;
}

function mapSites(
  sites: Site[],
  code: string,
  mapJson: string,
  mapFile: string,
  cwd: string,
  code_: string,
  message: (name: string) => string,
): Diagnostic[] {
  const map = new TraceMap(mapJson);
  const out: Diagnostic[] = [];
  for (const site of sites) {
    const pos = positionOf(code, site.index);
    const orig = originalPositionFor(map, { line: pos.line, column: pos.column });
    if (!orig.source) continue; // generated glue (esbuild runtime helpers), not user code
    const file = isAbsolute(orig.source) ? orig.source : resolve(dirname(mapFile), orig.source);
    const inDeps = file.includes('/node_modules/');
    out.push({
      code: code_,
      severity: inDeps ? 'warning' : 'error',
      message: message(site.name) + (inDeps ? ' (inside a dependency; it fails only if that code path runs)' : ''),
      file: relative(cwd, file) || file,
      line: orig.line ?? undefined,
      column: orig.column ?? undefined,
      lineText: orig.line ? lineTextOf(file, orig.line) : undefined,
    });
  }
  return out;
}

/** Finds `__dirname` / `__filename` markers in a sandboxed bundle and maps them to their source. */
export function findForbiddenGlobals(code: string, mapJson: string, mapFile: string, cwd: string): Diagnostic[] {
  const sites: Site[] = [];
  const re = new RegExp(`${MARKER_PREFIX}(\\w+)`, 'g');
  for (let m = re.exec(code); m; m = re.exec(code)) sites.push({ name: m[1]!, index: m.index });
  return mapSites(
    sites,
    code,
    mapJson,
    mapFile,
    cwd,
    'SDK_SANDBOX_FORBIDDEN_GLOBAL',
    (name) => `"${name}" does not exist in the sandbox`,
  );
}

/** True when esbuild had to emit its dynamic-require shim (a `require` it could not bundle). */
export function hasDynamicRequire(code: string): boolean {
  return code.includes('Dynamic require of "');
}

const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;

/**
 * Call sites of esbuild's `__require` shim in a non-minified build, mapped to their source. A
 * sandboxed build turns an `import()` it could not inline (computed specifier) into the same
 * shim, so a site whose source line holds `import(` is reported as a dynamic import.
 */
export function findDynamicRequires(code: string, mapJson: string, mapFile: string, cwd: string): Diagnostic[] {
  const sites: Site[] = [];
  const re = /\b__require\b/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (code.slice(Math.max(0, m.index - 4), m.index) === 'var ') continue; // the shim's own declaration
    sites.push({ name: 'require', index: m.index });
  }
  const found = mapSites(
    sites,
    code,
    mapJson,
    mapFile,
    cwd,
    'SDK_SANDBOX_FORBIDDEN_GLOBAL',
    () => '"require" does not exist in the sandbox (a require() esbuild could not bundle)',
  );
  return found.map((d) =>
    d.lineText && DYNAMIC_IMPORT.test(d.lineText) && !/\brequire\s*\(/.test(d.lineText)
      ? {
          ...d,
          code: 'SDK_SANDBOX_DYNAMIC_IMPORT',
          message:
            'import() of a module named at run time cannot run in the sandbox (it fails with RT_IMPORT_DENIED); import directus:api statically and bundle everything else' +
            (d.message.includes('inside a dependency')
              ? ' (inside a dependency; it fails only if that code path runs)'
              : ''),
        }
      : d,
  );
}
