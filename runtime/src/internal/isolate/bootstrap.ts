import { readdirSync, readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import { getCapabilityLayout } from '@annex/protocol';

/**
 * The fixed bootstrap: the files of `runtime/isolate/` concatenated (in name order) into one
 * strict-mode function. It is the same text for every isolate, so V8's code cache produced by
 * the first compile is reused by all later ones.
 */
const ISOLATE_DIR = new URL('../../../isolate/', import.meta.url);
const PARAMS = ['layout', 'config', 'send', 'logPort', 'timerPort', 'done', 'urlPort', 'randomPort', 'memoryPort'];

function readBootstrap(): string {
  const files = readdirSync(ISOLATE_DIR)
    .filter((f) => f.endsWith('.js'))
    .sort();
  const body = files.map((f) => readFileSync(new URL(f, ISOLATE_DIR), 'utf8')).join('\n');
  return `(function bootstrap(${PARAMS.join(', ')}) {\n'use strict';\n${body}\n})`;
}

export const BOOTSTRAP_SOURCE = readBootstrap();
export const BOOTSTRAP_FILENAME = 'annex:bootstrap';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The `directus:api` module text: it only re-exports the object the bootstrap built from the
 * capability table, so the list of export names is the one thing derived from the table here.
 */
function buildApiModuleSource(): string {
  const names = [...new Set(getCapabilityLayout().map((c) => c.name.split('.')[0]))];
  for (const n of names)
    if (!IDENTIFIER.test(n) || n === 'default') throw new Error(`capability export "${n}" is not an identifier`);
  return [
    'const api = globalThis.__annex_api__;',
    'delete globalThis.__annex_api__;',
    'export default api;',
    `export const { ${names.join(', ')} } = api;`,
  ].join('\n');
}

export const API_MODULE_SOURCE = buildApiModuleSource();

let layoutCopy: ivm.ExternalCopy<unknown> | undefined;
/** The capability layout, copied out of V8 once per process and copied into each isolate. */
export function getLayoutCopy(): ivm.ExternalCopy<unknown> {
  layoutCopy ??= new ivm.ExternalCopy(getCapabilityLayout());
  return layoutCopy;
}

let codeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;
/** Compile the bootstrap in `isolate`, producing the shared code cache on first use. */
export function compileBootstrap(isolate: ivm.Isolate): ivm.Script {
  if (codeCache)
    return isolate.compileScriptSync(BOOTSTRAP_SOURCE, { filename: BOOTSTRAP_FILENAME, cachedData: codeCache });
  const script = isolate.compileScriptSync(BOOTSTRAP_SOURCE, { filename: BOOTSTRAP_FILENAME, produceCachedData: true });
  /* isolated-vm attaches the produced cache to the script (CachedDataResult). */
  const produced = (script as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
  if (produced) codeCache = produced;
  return script;
}
