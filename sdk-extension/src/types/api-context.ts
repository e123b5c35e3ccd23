import type { Database } from './database.js';
import type { Logger } from './logger.js';
import type { SchemaOverview } from './schema.js';
import type { ExtensionServices } from './services.js';

/** Environment variables as the host parsed them. */
export type ExtensionEnv = Record<string, string | number | boolean | string[] | undefined>;

/** What trusted (in-process) API extensions receive (Directus `ApiExtensionContext`). */
export interface ApiExtensionContext {
  services: ExtensionServices;
  database: Database;
  env: ExtensionEnv;
  logger: Logger;
  getSchema(options?: { database?: Database; bypassCache?: boolean }): Promise<SchemaOverview>;
}

/** Extension-to-extension event bus (Directus `emitter` in hook and endpoint contexts). */
export interface ExtensionEmitter {
  emitFilter<T>(event: string | string[], payload: T, meta: Record<string, unknown>, context?: unknown): Promise<T>;
  emitAction(event: string | string[], meta: Record<string, unknown>, context?: unknown): void;
  emitInit(event: string, meta: Record<string, unknown>): Promise<void>;
  onFilter<T = unknown>(
    event: string,
    handler: (payload: T, meta: Record<string, unknown>, context: unknown) => T | void | Promise<T | void>,
  ): void;
  onAction(event: string, handler: (meta: Record<string, unknown>, context: unknown) => void | Promise<void>): void;
  offFilter(event: string, handler: (...args: never[]) => unknown): void;
  offAction(event: string, handler: (...args: never[]) => unknown): void;
}
