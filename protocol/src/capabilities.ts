import { z } from 'zod';
import { BridgeQuerySchema } from './query.js';
import { HTTP_METHODS, type ScopeName } from './scopes.js';

/**
 * The capability table: every export of `directus:api` (alias `annex:api`), the scope that
 * grants it and the schema its arguments must satisfy. This is data: the isolate-side module,
 * the host-side dispatcher and the SDK's TypeScript declarations are all derived from it.
 *
 * `mode`:
 *  - `async`: returns a Promise; the call crosses to the host.
 *  - `fire`: returns nothing; the call crosses to the host without waiting (log).
 *  - `local`: answered inside the sandbox from data the host copied in at load (env).
 */
export type CapabilityMode = 'async' | 'fire' | 'local';

const Json: z.ZodType<unknown> = z.unknown();
const Collection = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a collection name');
const Key = z.union([z.string().min(1).max(255), z.number().int()]);
const Payload = z.record(z.string(), Json);

export const RequestOptionsSchema = z
  .object({
    method: z.enum(HTTP_METHODS).optional(),
    headers: z.union([z.record(z.string(), z.string()), z.array(z.tuple([z.string(), z.string()]))]).optional(),
    body: z.union([z.string(), z.record(z.string(), Json), z.array(Json)]).optional(),
    /** Annex: `text` returns the body as a string even for JSON responses (used by `fetch`). */
    responseType: z.enum(['auto', 'text']).optional(),
  })
  .strict();

export interface CapabilitySpec {
  /** Export name in `directus:api`; dotted names are members of a namespace export. */
  name: string;
  scope: ScopeName;
  mode: CapabilityMode;
  args: z.ZodTuple<any, any>;
  /** TypeScript signature for the generated `directus:api` declarations. */
  signature: string;
  doc: string;
  /**
   * For namespace members: the namespace is also a factory that binds the first `factory`
   * arguments, e.g. `items('articles', { accountability }).readOne(1)` ≡ `items.readOne('articles', 1)`.
   */
  factory?: number;
}

function cap(spec: CapabilitySpec): CapabilitySpec {
  return spec;
}

export const CAPABILITIES = [
  cap({
    name: 'log',
    scope: 'log',
    mode: 'fire',
    args: z.tuple([Json]),
    signature: '(message: unknown) => void',
    doc: "Write to the extension's log (Directus-compatible).",
  }),
  cap({
    name: 'sleep',
    scope: 'sleep',
    mode: 'async',
    args: z.tuple([z.number().finite().min(0)]),
    signature: '(milliseconds: number) => Promise<void>',
    doc: 'Wait; capped by the wall-clock budget of the current call.',
  }),
  cap({
    name: 'request',
    scope: 'request',
    mode: 'async',
    args: z.tuple([z.string().min(1).max(8192), RequestOptionsSchema.optional()]),
    signature:
      "(url: string, options?: { method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; headers?: Record<string, string> | [string, string][]; body?: string | Record<string, unknown> | unknown[] }) => Promise<{ status: number; statusText: string; headers: Record<string, string>; data: unknown }>",
    doc: 'HTTP request to a granted URL prefix (Directus-compatible); every redirect is re-checked.',
  }),
  cap({
    name: 'items.readByQuery',
    scope: 'items',
    mode: 'async',
    factory: 1,
    args: z.tuple([Collection, BridgeQuerySchema.optional()]),
    signature: '(collection: string, query?: Query) => Promise<Item[]>',
    doc: 'Read items, as (granted scope ∩ acting user permissions).',
  }),
  cap({
    name: 'items.readOne',
    scope: 'items',
    mode: 'async',
    factory: 1,
    args: z.tuple([Collection, Key, BridgeQuerySchema.optional()]),
    signature: '(collection: string, key: string | number, query?: Query) => Promise<Item | null>',
    doc: 'Read one item by primary key.',
  }),
  cap({
    name: 'items.createOne',
    scope: 'items',
    mode: 'async',
    factory: 1,
    args: z.tuple([Collection, Payload]),
    signature: '(collection: string, data: Item) => Promise<string | number>',
    doc: 'Create an item; resolves to its primary key.',
  }),
  cap({
    name: 'items.updateOne',
    scope: 'items',
    mode: 'async',
    factory: 1,
    args: z.tuple([Collection, Key, Payload]),
    signature: '(collection: string, key: string | number, data: Item) => Promise<string | number>',
    doc: 'Update an item.',
  }),
  cap({
    name: 'items.deleteOne',
    scope: 'items',
    mode: 'async',
    factory: 1,
    args: z.tuple([Collection, Key]),
    signature: '(collection: string, key: string | number) => Promise<string | number>',
    doc: 'Delete an item.',
  }),
  cap({
    name: 'env',
    scope: 'env',
    mode: 'local',
    args: z.tuple([z.string().min(1)]),
    signature: '(name: string) => string | undefined',
    doc: 'An admin-allow-listed environment variable.',
  }),
  cap({
    name: 'storage.get',
    scope: 'storage',
    mode: 'async',
    args: z.tuple([z.string().min(1).max(256)]),
    signature: '(key: string) => Promise<unknown>',
    doc: 'Per-extension persistent key-value store.',
  }),
  cap({
    name: 'storage.set',
    scope: 'storage',
    mode: 'async',
    args: z.tuple([z.string().min(1).max(256), Json]),
    signature: '(key: string, value: unknown) => Promise<void>',
    doc: 'Store a JSON value.',
  }),
  cap({
    name: 'storage.delete',
    scope: 'storage',
    mode: 'async',
    args: z.tuple([z.string().min(1).max(256)]),
    signature: '(key: string) => Promise<boolean>',
    doc: 'Delete a key.',
  }),
  cap({
    name: 'emit',
    scope: 'emit',
    mode: 'async',
    args: z.tuple([z.string().min(1).max(256), Json.optional()]),
    signature: '(event: string, payload?: unknown) => Promise<void>',
    doc: 'Emit an action event matching a granted pattern.',
  }),
] as const satisfies readonly CapabilitySpec[];

export type CapabilityName = (typeof CAPABILITIES)[number]['name'];

/** One row of the table as plain data (no schemas), for the isolate-side module builder. */
export interface CapabilityLayoutEntry {
  name: string;
  mode: CapabilityMode;
  scope: ScopeName;
  factory?: number;
}

/** The table as plain data (no schemas), for the isolate-side module builder. */
export function getCapabilityLayout(): CapabilityLayoutEntry[] {
  return CAPABILITIES.map((c: CapabilitySpec) => ({
    name: c.name,
    mode: c.mode,
    scope: c.scope,
    ...(c.factory ? { factory: c.factory } : {}),
  }));
}

export function getCapability(name: string): CapabilitySpec | undefined {
  return CAPABILITIES.find((c) => c.name === name);
}
