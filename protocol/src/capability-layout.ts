import type { ScopeName } from './scopes.js';

/**
 * The capability table's layout: every export of `directus:api` (alias `annex:api`), the scope that
 * grants it and how it is called. This is what the isolate side needs (the sandbox worker builds the
 * module from it and checks a call's mode), without the argument schemas and docs capabilities.ts
 * adds to each row, so the worker loads no zod (issue 20: boot and footprint).
 *
 * `mode`:
 *  - `async`: returns a Promise; the call crosses to the host.
 *  - `fire`: returns nothing; the call crosses to the host without waiting (log).
 *  - `local`: answered inside the sandbox from data the host copied in at load (env).
 */
export type CapabilityMode = 'async' | 'fire' | 'local';

/** One row of the table as plain data. */
export interface CapabilityLayoutEntry {
  /** Export name in `directus:api`; dotted names are members of a namespace export. */
  readonly name: string;
  readonly scope: ScopeName;
  readonly mode: CapabilityMode;
  /**
   * For namespace members: the namespace is also a factory that binds the first `factory`
   * arguments, e.g. `items('articles', { accountability }).readOne(1)` ≡ `items.readOne('articles', 1)`.
   */
  readonly factory?: number;
}

export const CAPABILITY_LAYOUT = [
  { name: 'log', scope: 'log', mode: 'fire' },
  { name: 'sleep', scope: 'sleep', mode: 'async' },
  { name: 'request', scope: 'request', mode: 'async' },
  { name: 'items.readByQuery', scope: 'items', mode: 'async', factory: 1 },
  { name: 'items.readOne', scope: 'items', mode: 'async', factory: 1 },
  { name: 'items.createOne', scope: 'items', mode: 'async', factory: 1 },
  { name: 'items.updateOne', scope: 'items', mode: 'async', factory: 1 },
  { name: 'items.deleteOne', scope: 'items', mode: 'async', factory: 1 },
  { name: 'env', scope: 'env', mode: 'local' },
  { name: 'storage.get', scope: 'storage', mode: 'async' },
  { name: 'storage.set', scope: 'storage', mode: 'async' },
  { name: 'storage.delete', scope: 'storage', mode: 'async' },
  { name: 'emit', scope: 'emit', mode: 'async' },
] as const satisfies readonly CapabilityLayoutEntry[];

export type CapabilityName = (typeof CAPABILITY_LAYOUT)[number]['name'];

/** The table as plain data (copies), for the isolate-side module builder. */
export function getCapabilityLayout(): CapabilityLayoutEntry[] {
  return CAPABILITY_LAYOUT.map((c) => ({ ...c }));
}

/** The layout row of the capability `name`, if there is one. */
export function getCapabilityEntry(name: string): CapabilityLayoutEntry | undefined {
  return CAPABILITY_LAYOUT.find((c) => c.name === name);
}
