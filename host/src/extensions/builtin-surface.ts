import type { FlowEngine } from '../flows/engine.js';
import type { Kernel } from '../kernel.js';
import type { MarketplaceService } from '../marketplace/service.js';
import type { ExtensionManager } from './manager.js';

/** The kernel as the host assembles it: the services a built-in may ask for. */
export type HostKernel = Kernel & {
  extensions: ExtensionManager;
  flows: FlowEngine;
  marketplace: MarketplaceService | undefined;
};
export type KernelService = keyof HostKernel;

/**
 * The one place that decides which kernel services each built-in receives (as
 * `context.kernel`), keyed by the built-in's package name. A built-in not listed gets no
 * `context.kernel`; nothing else (third-party extensions included) ever does.
 */
export const BUILTIN_SURFACE = {
  '@annex/builtin-app-server': ['embeds'],
  '@annex/builtin-app-sources': ['apps', 'emitter', 'extensions', 'mounts'],
  '@annex/builtin-auth': ['accountLinks', 'auth'],
  '@annex/builtin-extensions': ['extensions', 'knex', 'logger'],
  '@annex/builtin-files': ['assetCache', 'config', 'mounts'],
  '@annex/builtin-flows': ['flows'],
  '@annex/builtin-graphql': [
    'config',
    'extensions',
    'knex',
    'logger',
    'marketplace',
    'permissions',
    'schema',
    'services',
  ],
  '@annex/builtin-marketplace': ['knex', 'logger', 'marketplace'],
  '@annex/builtin-operations': ['config', 'flows', 'runScript'],
  '@annex/builtin-realtime': [
    'auth',
    'cluster',
    'config',
    'emitter',
    'logger',
    'permissions',
    'schema',
    'services',
    'upgrades',
  ],
  '@annex/builtin-server': ['cluster', 'config', 'extensions', 'knex', 'mailer', 'storage'],
  '@annex/builtin-system': ['accountLinks', 'auth', 'passwords', 'permissions', 'schema'],
} as const satisfies Record<string, readonly KernelService[]>;

/**
 * The declared services of built-in `id`, read live from the kernel (the host sets some, such
 * as `extensions`, after the object exists), frozen; undefined when it declares none.
 */
export function getBuiltinSurface(kernel: Kernel, id: string): Readonly<Partial<HostKernel>> | undefined {
  const keys: readonly KernelService[] | undefined = Object.hasOwn(BUILTIN_SURFACE, id)
    ? BUILTIN_SURFACE[id as keyof typeof BUILTIN_SURFACE]
    : undefined;
  if (!keys) return undefined;
  const source = kernel as HostKernel;
  const surface: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    // The value itself, never a wrapper: knex is a function with properties (`knex.raw`), and the
    // kernel's own methods (`runScript`, `sandbox`) close over their state instead of using `this`.
    Object.defineProperty(surface, key, { enumerable: true, get: () => source[key] });
  }
  return Object.freeze(surface) as Readonly<Partial<HostKernel>>;
}
