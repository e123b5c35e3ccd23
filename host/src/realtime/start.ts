import type { Upgrades } from '../http/upgrades.js';
import type { RealtimeKernel } from './server.js';

/**
 * Starts Directus's realtime API (`ws` is loaded only then) at WEBSOCKETS_REST_PATH; resolves to
 * the disposer that unregisters the path and closes every connection.
 */
export async function startRealtime(kernel: RealtimeKernel & { upgrades: Upgrades }): Promise<() => Promise<void>> {
  const { createRealtime } = await import('./server.js');
  const realtime = createRealtime(kernel);
  const off = kernel.upgrades.add(realtime.path, realtime.upgrade, 'realtime', { close: () => realtime.close() });
  return async () => {
    off();
    await realtime.close();
  };
}
