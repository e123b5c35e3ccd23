import type { Emitter } from '../events/emitter.js';
import type { Kernel } from '../kernel.js';
import { createServices } from '../services/namespace.js';
import { getBuiltinSurface } from './builtin-surface.js';
import { extensionEnvOf } from './directus-env.js';
import type { Disposer, ExtensionScope } from './scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';

export type { Disposer };

/** Wraps the shared extension emitter so every subscription is deferred to the unit's scope. */
function trackedEmitter(emitter: Emitter, owner: string, scope: ExtensionScope) {
  return {
    onFilter: (event: string, handler: Parameters<Emitter['onFilter']>[1]) =>
      scope.defer(emitter.onFilter(event, handler, owner)),
    onAction: (event: string, handler: Parameters<Emitter['onAction']>[1]) =>
      scope.defer(emitter.onAction(event, handler, owner)),
    onInit: (event: string, handler: Parameters<Emitter['onInit']>[1]) =>
      scope.defer(emitter.onInit(event, handler, owner)),
    emitFilter: emitter.emitFilter,
    emitAction: emitter.emitAction,
    emitInit: emitter.emitInit,
  };
}

/**
 * The Directus-compatible API extension context: `services, database, env, logger, getSchema,
 * emitter`. Built-ins additionally get `onDispose`, and `kernel`: only the kernel services their
 * row of BUILTIN_SURFACE declares — no other source gets either.
 */
export function createExtensionContext(
  kernel: Kernel,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
  scope: ExtensionScope,
) {
  const context: Record<string, unknown> = {
    services: createServices(kernel, { origin: `extension:${unit.id}` }),
    database: kernel.knex,
    env: extensionEnvOf(kernel.config),
    logger: kernel.logger.child({ extension: unit.id, version: desc.version }),
    getSchema: (options?: { bypassCache?: boolean }) => kernel.schema.get(options),
    emitter: trackedEmitter(kernel.localEmitter, unit.id, scope),
  };
  if (desc.source === 'builtin') {
    const surface = getBuiltinSurface(kernel, desc.id);
    if (surface) context.kernel = surface;
    // Built-ins that subscribe to kernel registries (apps.onChange, extensions.onChange) release
    // them with the unit: `onDispose(fn)` runs fn on deactivation or reload.
    context.onDispose = (fn: Disposer) => void scope.defer(fn);
  }
  return context;
}
