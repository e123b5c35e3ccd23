import type { Accountability } from './accountability.js';
import type { ApiExtensionContext, ExtensionEmitter } from './api-context.js';
import type { Database } from './database.js';
import type { SchemaOverview } from './schema.js';

/** Third argument of filter and action handlers (Directus `EventContext`). */
export interface EventContext {
  database: Database;
  schema: SchemaOverview | null;
  accountability: Accountability | null;
}

/** Second argument of filter handlers / first of action handlers; always carries `event`. */
export interface HookMeta {
  event: string;
  collection?: string;
  keys?: (string | number)[];
  key?: string | number;
  payload?: unknown;
  [key: string]: unknown;
}

export type FilterHandler<T = unknown> = (
  payload: T,
  meta: HookMeta,
  context: EventContext,
) => T | void | Promise<T | void>;
export type ActionHandler = (meta: HookMeta, context: EventContext) => void | Promise<void>;
export type InitHandler = (meta: Record<string, unknown>) => void | Promise<void>;
export type ScheduleHandler = () => void | Promise<void>;
export type EmbedContent = string | (() => string);

/** The functions a trusted hook registers with. */
export interface RegisterFunctions {
  filter<T = unknown>(event: string, handler: FilterHandler<T>): void;
  action(event: string, handler: ActionHandler): void;
  init(event: string, handler: InitHandler): void;
  schedule(cron: string, handler: ScheduleHandler): void;
  embed(position: 'head' | 'body', code: EmbedContent): void;
}

export type HookExtensionContext = ApiExtensionContext & { emitter: ExtensionEmitter };
export type HookConfig = (register: RegisterFunctions, context: HookExtensionContext) => void;
