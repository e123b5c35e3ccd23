import { AsyncLocalStorage } from 'node:async_hooks';

/** How deep a chain of flow runs is, and how many runs one trigger started. */
export interface FlowChain {
  depth: number;
  runs: { n: number };
}

/** The chain the running flow belongs to: follows every await, event and trigger operation it causes. */
export const flowChain = new AsyncLocalStorage<FlowChain>();

/**
 * The chain each sandboxed extension was last called from. A sandbox's item writes come back
 * over IPC, outside that async context; the capability host runs them in this chain again, so a
 * loop through a sandboxed hook (flow → item → hook → item → flow) still meets the chain limits.
 */
const extensionChains = new Map<string, FlowChain>();

/** Around a call into extension `id`: remembers the caller's chain while the call runs. */
export function withExtensionChain<T>(id: string, run: () => Promise<T>): Promise<T> {
  const current = flowChain.getStore();
  // Outside any flow (every HTTP request): no wrapping promise on the call's path.
  if (!current) return run();
  extensionChains.set(id, current);
  return run().finally(() => {
    if (extensionChains.get(id) === current) extensionChains.delete(id);
  });
}

/** Runs `fn` in the chain extension `id` was called from, if it is being called from one. */
export function inExtensionChain<T>(id: string, fn: () => T): T {
  const chain = extensionChains.get(id);
  return chain ? flowChain.run(chain, fn) : fn();
}
