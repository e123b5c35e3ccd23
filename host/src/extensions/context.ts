import type { Emitter } from '../events/emitter.js';
import type { Kernel } from '../kernel.js';
import { createServices } from '../services/namespace.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';

export type Disposer = () => void | Promise<void>;

/** Wraps the shared extension emitter so every subscription is tracked and disposed with the unit. */
function trackedEmitter(emitter: Emitter, owner: string, disposers: Disposer[]) {
  return {
    onFilter: (event: string, handler: Parameters<Emitter['onFilter']>[1]) => {
      const off = emitter.onFilter(event, handler, owner);
      disposers.push(off);
      return off;
    },
    onAction: (event: string, handler: Parameters<Emitter['onAction']>[1]) => {
      const off = emitter.onAction(event, handler, owner);
      disposers.push(off);
      return off;
    },
    onInit: (event: string, handler: Parameters<Emitter['onInit']>[1]) => {
      const off = emitter.onInit(event, handler, owner);
      disposers.push(off);
      return off;
    },
    emitFilter: emitter.emitFilter,
    emitAction: emitter.emitAction,
    emitInit: emitter.emitInit,
  };
}

/**
 * The Directus-compatible API extension context: `services, database, env, logger, getSchema,
 * emitter`. Built-ins additionally get `annex` (the kernel) and `onDispose` — no other source does.
 */
export function createExtensionContext(kernel: Kernel, desc: ExtensionDescriptor, unit: ExtensionUnit, disposers: Disposer[]) {
  const context: Record<string, unknown> = {
    services: createServices(kernel, { origin: `extension:${unit.id}` }),
    database: kernel.knex,
    env: kernel.config.env,
    logger: kernel.logger.child({ extension: unit.id, version: desc.version }),
    getSchema: (options?: { bypassCache?: boolean }) => kernel.schema.get(options),
    emitter: trackedEmitter(kernel.localEmitter, unit.id, disposers),
  };
  if (desc.source === 'builtin') {
    context.annex = kernel;
    // Built-ins that subscribe to kernel registries (apps.onChange, extensions.onChange) release
    // them with the unit: `onDispose(fn)` runs fn on deactivation or reload.
    context.onDispose = (fn: Disposer) => void disposers.push(fn);
  }
  return context;
}
