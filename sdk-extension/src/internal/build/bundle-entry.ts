import { isAbsolute, resolve } from 'node:path';
import { APP_EXTENSION_LISTS, APP_EXTENSION_TYPES, isApiType, type BundleEntryOptions } from '@annex/protocol';

const APP_EXPORTS: Record<string, string> = APP_EXTENSION_LISTS;

function sourceOf(entry: BundleEntryOptions, half: 'app' | 'api'): string {
  const source = entry.source;
  if (typeof source === 'string') return source;
  if (source && typeof source === 'object') return source[half];
  throw new Error(`bundle entry "${entry.name}" has no source`);
}

const spec = (cwd: string, p: string) => JSON.stringify(isAbsolute(p) ? p : resolve(cwd, p));

/** The app entrypoint of a bundle: `export const interfaces = [...]` ... one array per app type. */
export function bundleAppEntry(cwd: string, entries: BundleEntryOptions[]): string {
  const imports: string[] = [];
  const buckets = new Map<string, string[]>(Object.values(APP_EXPORTS).map((k) => [k, []]));
  entries.forEach((entry, i) => {
    if (!(APP_EXTENSION_TYPES as readonly string[]).includes(entry.type) && entry.type !== 'operation') return;
    imports.push(`import e${i} from ${spec(cwd, sourceOf(entry, 'app'))};`);
    buckets.get(APP_EXPORTS[entry.type]!)!.push(`e${i}`);
  });
  const exports = [...buckets].map(([k, v]) => `export const ${k} = [${v.join(', ')}];`);
  return [...imports, ...exports].join('\n') + '\n';
}

/** The api entrypoint of a bundle: `export const hooks = [{name, config}]`, endpoints, operations. */
export function bundleApiEntry(cwd: string, entries: BundleEntryOptions[]): string {
  const imports: string[] = [];
  const buckets: Record<'hooks' | 'endpoints' | 'operations', string[]> = { hooks: [], endpoints: [], operations: [] };
  entries.forEach((entry, i) => {
    if (!isApiType(entry.type) && entry.type !== 'operation') return;
    imports.push(`import e${i} from ${spec(cwd, sourceOf(entry, 'api'))};`);
    const bucket = entry.type === 'hook' ? 'hooks' : entry.type === 'endpoint' ? 'endpoints' : 'operations';
    buckets[bucket].push(`{ name: ${JSON.stringify(entry.name)}, config: e${i} }`);
  });
  const exports = Object.entries(buckets).map(([k, v]) => `export const ${k} = [${v.join(', ')}];`);
  return [...imports, ...exports].join('\n') + '\n';
}
