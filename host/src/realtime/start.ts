import type { Upgrades } from '../http/upgrades.js';
import type { RealtimeKernel } from './server.js';

/**
 * Starts Directus's realtime APIs (`ws` is loaded only then): the WebSocket API at
 * WEBSOCKETS_REST_PATH, GraphQL subscriptions at WEBSOCKETS_GRAPHQL_PATH (both over one feed of
 * committed changes) and the logs stream at WEBSOCKETS_LOGS_PATH, each unless turned off. Resolves to the disposer that unregisters the paths
 * and closes every connection.
 */
export async function startRealtime(kernel: RealtimeKernel & { upgrades: Upgrades }): Promise<() => Promise<void>> {
  const { websockets } = kernel.config;
  const { createChangeFeed } = await import('./changes.js');
  const changes = createChangeFeed(kernel);
  const servers: { off(): void; close(): Promise<void> }[] = [];
  try {
    if (websockets.enabled) {
      const { createRealtime } = await import('./server.js');
      const realtime = createRealtime(kernel, changes);
      const off = kernel.upgrades.add(realtime.path, realtime.upgrade, 'realtime', { close: () => realtime.close() });
      servers.push({ off, close: () => realtime.close() });
    }
    if (websockets.graphql.enabled) {
      const { createGraphQLRealtime } = await import('./graphql-server.js');
      const graphql = createGraphQLRealtime(kernel, changes);
      const off = kernel.upgrades.add(graphql.path, graphql.upgrade, 'realtime', { close: () => graphql.close() });
      servers.push({ off, close: () => graphql.close() });
    }
    if (websockets.logs.enabled) {
      const { createLogsStream } = await import('./logs-server.js');
      const logs = createLogsStream(kernel);
      const off = kernel.upgrades.add(logs.path, logs.upgrade, 'realtime', { close: () => logs.close() });
      servers.push({ off, close: () => logs.close() });
    }
  } catch (error) {
    for (const s of servers) s.off();
    await Promise.all(servers.map((s) => s.close()));
    changes.close();
    throw error;
  }
  return async () => {
    for (const s of servers) s.off();
    await Promise.all(servers.map((s) => s.close()));
    changes.close();
  };
}
