import { errors } from '../errors.js';
import type { NestedExtensionType } from '@annex/protocol';

/** An operation handler as flows call it: `(options, context)`. */
export type OperationHandler = (options: Record<string, unknown>, context: Record<string, unknown>) => unknown;

interface OperationEntry {
  handler: OperationHandler;
  owner: string;
  /** Entries of a generation that is not live yet (or any more) are skipped. */
  gate?: { live: boolean };
  /** A sandboxed operation: its id is shared with no other extension. */
  exclusive?: boolean;
}

/**
 * Flow operations by id. A later registration of an id shadows the earlier one (custom ops
 * override built-ins, as in Directus); its disposer restores the previous one.
 */
export function createOperationRegistry() {
  const stacks = new Map<string, OperationEntry[]>();
  return {
    /** `exclusive`: refused (HOST_DUPLICATE_ID) when another owner has `id` (a sandboxed operation may not shadow `condition` in every flow). */
    register(
      id: string,
      handler: OperationHandler,
      owner: string,
      gate?: { live: boolean },
      options: { exclusive?: boolean } = {},
    ): () => void {
      // As with mounts: a sandboxed operation shares its id with nobody (refused after another, inert before one).
      const taken = options.exclusive
        ? (stacks.get(id) ?? []).filter((e) => e.owner !== owner).map((e) => e.owner)
        : [];
      if (taken.length)
        throw errors.HOST_DUPLICATE_ID({ id: `operation "${id}"`, other: [...new Set(taken)].join(', ') });
      const entry: OperationEntry = { handler, owner, gate, exclusive: options.exclusive === true };
      stacks.set(id, [...(stacks.get(id) ?? []), entry]);
      return () => {
        const rest = (stacks.get(id) ?? []).filter((e) => e !== entry);
        if (rest.length) stacks.set(id, rest);
        else stacks.delete(id);
      };
    },
    get(id: string): OperationEntry | undefined {
      const s = stacks.get(id) ?? [];
      const shared = (e: OperationEntry) => e.exclusive === true && s.some((o) => o.owner !== e.owner);
      for (let i = s.length - 1; i >= 0; i--) if ((!s[i]!.gate || s[i]!.gate!.live) && !shared(s[i]!)) return s[i];
      return undefined;
    },
    ids: () => [...stacks.keys()].sort(),
    count: () => [...stacks.values()].reduce((n, s) => n + s.length, 0),
  };
}
export type OperationRegistry = ReturnType<typeof createOperationRegistry>;

/** An app-side entry the admin app loads (served by /extensions/sources). */
export interface AppEntry {
  /** Unit id: package name or `<package>/<entry>`. */
  id: string;
  extension: string;
  type: NestedExtensionType | 'bundle';
  /** Absolute path of the built browser module. */
  file: string;
  /** For bundle app halves: the entry names it may export, each with its position among the bundle's entries of its type. */
  entries?: { name: string; type: string; index?: number }[];
  source: string;
}

/** App entries; every change bumps a version so the app bundle is rebuilt and clients are told. */
export function createAppRegistry() {
  const entries = new Map<string, AppEntry>();
  const listeners = new Set<(change: { id: string; kind: 'add' | 'remove' }) => void>();
  let version = 0;
  const notify = (id: string, kind: 'add' | 'remove') => {
    version++;
    for (const l of listeners) l({ id, kind });
  };
  return {
    register(entry: AppEntry): () => void {
      entries.set(entry.id, entry);
      notify(entry.id, 'add');
      return () => {
        if (entries.get(entry.id) === entry) {
          entries.delete(entry.id);
          notify(entry.id, 'remove');
        }
      };
    },
    list: () => [...entries.values()],
    version: () => version,
    onChange(listener: (change: { id: string; kind: 'add' | 'remove' }) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type AppRegistry = ReturnType<typeof createAppRegistry>;
