import type { createGraphQLHandler as CreateHandler } from './handler.js';

type Execute = ReturnType<typeof CreateHandler>;

/**
 * The GraphQL handler with `graphql` (≈130 modules) loaded on the first GraphQL request rather
 * than at boot: a host that serves only REST never pays for it.
 */
export function createLazyGraphQLHandler(kernel: Parameters<typeof CreateHandler>[0]): Execute {
  let real: Promise<Execute> | undefined;
  return (async (...args: Parameters<Execute>) => {
    real ??= import('./handler.js').then((m) => m.createGraphQLHandler(kernel));
    return (await real)(...args);
  }) as Execute;
}
