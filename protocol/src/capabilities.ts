import { z } from 'zod';
import { BridgeQuerySchema } from './query.js';
import { CAPABILITY_LAYOUT, type CapabilityLayoutEntry, type CapabilityName } from './capability-layout.js';
import { HTTP_METHODS } from './scopes.js';

/**
 * The capability table: every export of `directus:api` (alias `annex:api`), the scope that
 * grants it (capability-layout.ts) and the schema its arguments must satisfy. This is data: the
 * isolate-side module, the host-side dispatcher and the SDK's TypeScript declarations are all
 * derived from it.
 */

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

/** What a capability's arguments must satisfy, and its declaration for the SDK. */
interface CapabilityCheck {
  args: z.ZodTuple<any, any>;
  /** TypeScript signature for the generated `directus:api` declarations. */
  signature: string;
  doc: string;
}

export interface CapabilitySpec extends CapabilityLayoutEntry, CapabilityCheck {}

const CHECKS: { readonly [N in CapabilityName]: CapabilityCheck } = {
  log: {
    args: z.tuple([Json]),
    signature: '(message: unknown) => void',
    doc: "Write to the extension's log (Directus-compatible).",
  },
  sleep: {
    args: z.tuple([z.number().finite().min(0)]),
    signature: '(milliseconds: number) => Promise<void>',
    doc: 'Wait; capped by the wall-clock budget of the current call.',
  },
  request: {
    args: z.tuple([z.string().min(1).max(8192), RequestOptionsSchema.optional()]),
    signature:
      "(url: string, options?: { method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; headers?: Record<string, string> | [string, string][]; body?: string | Record<string, unknown> | unknown[] }) => Promise<{ status: number; statusText: string; headers: Record<string, string>; data: unknown }>",
    doc: 'HTTP request to a granted URL prefix (Directus-compatible); every redirect is re-checked.',
  },
  'items.readByQuery': {
    args: z.tuple([Collection, BridgeQuerySchema.optional()]),
    signature: '(collection: string, query?: Query) => Promise<Item[]>',
    doc: 'Read items, as (granted scope ∩ acting user permissions).',
  },
  'items.readOne': {
    args: z.tuple([Collection, Key, BridgeQuerySchema.optional()]),
    signature: '(collection: string, key: string | number, query?: Query) => Promise<Item | null>',
    doc: 'Read one item by primary key.',
  },
  'items.createOne': {
    args: z.tuple([Collection, Payload]),
    signature: '(collection: string, data: Item) => Promise<string | number>',
    doc: 'Create an item; resolves to its primary key.',
  },
  'items.updateOne': {
    args: z.tuple([Collection, Key, Payload]),
    signature: '(collection: string, key: string | number, data: Item) => Promise<string | number>',
    doc: 'Update an item.',
  },
  'items.deleteOne': {
    args: z.tuple([Collection, Key]),
    signature: '(collection: string, key: string | number) => Promise<string | number>',
    doc: 'Delete an item.',
  },
  env: {
    args: z.tuple([z.string().min(1)]),
    signature: '(name: string) => string | undefined',
    doc: 'An admin-allow-listed environment variable.',
  },
  'storage.get': {
    args: z.tuple([z.string().min(1).max(256)]),
    signature: '(key: string) => Promise<unknown>',
    doc: 'Per-extension persistent key-value store.',
  },
  'storage.set': {
    args: z.tuple([z.string().min(1).max(256), Json]),
    signature: '(key: string, value: unknown) => Promise<void>',
    doc: 'Store a JSON value.',
  },
  'storage.delete': {
    args: z.tuple([z.string().min(1).max(256)]),
    signature: '(key: string) => Promise<boolean>',
    doc: 'Delete a key.',
  },
  emit: {
    args: z.tuple([z.string().min(1).max(256), Json.optional()]),
    signature: '(event: string, payload?: unknown) => Promise<void>',
    doc: 'Emit an action event matching a granted pattern.',
  },
};

export const CAPABILITIES: readonly CapabilitySpec[] = CAPABILITY_LAYOUT.map((entry) => ({
  ...entry,
  ...CHECKS[entry.name],
}));

export function getCapability(name: string): CapabilitySpec | undefined {
  return CAPABILITIES.find((c) => c.name === name);
}
