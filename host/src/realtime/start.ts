import type { Upgrades } from '../http/upgrades.js';
import type { ChangeFeed } from './changes.js';
import type { RealtimeKernel } from './server.js';

/** What each realtime socket gives the upgrade registry. */
interface SocketServer {
  path: string;
  upgrade: Parameters<Upgrades['add']>[1];
  close(): Promise<void>;
}

/**
 * Starts Directus's realtime APIs (`ws` is loaded only then): the WebSocket API at
 * WEBSOCKETS_REST_PATH, GraphQL subscriptions at WEBSOCKETS_GRAPHQL_PATH (both over one feed of
 * committed changes, made only for them) and the logs stream at WEBSOCKETS_LOGS_PATH, each unless
 * turned off. Resolves to the disposer that unregisters the paths and closes every connection.
 */
export async function startRealtime(kernel: RealtimeKernel & { upgrades: Upgrades }): Promise<() => Promise<void>> {
  const { websockets } = kernel.config;
  let changes: ChangeFeed | undefined;
  if (websockets.enabled || websockets.graphql.enabled)
    changes = (await import('./changes.js')).createChangeFeed(kernel);
  const started: { off(): void; server: SocketServer }[] = [];
  const serve = (server: SocketServer) => {
    const off = kernel.upgrades.add(server.path, server.upgrade, 'realtime', { close: () => server.close() });
    started.push({ off, server });
  };
  const stop = async () => {
    for (const s of started) s.off();
    await Promise.all(started.map((s) => s.server.close()));
    changes?.close();
  };
  try {
    if (websockets.enabled) serve((await import('./server.js')).createRealtime(kernel, changes!));
    if (websockets.graphql.enabled)
      serve((await import('./graphql-server.js')).createGraphQLRealtime(kernel, changes!));
    if (websockets.logs.enabled) serve((await import('./logs-server.js')).createLogsStream(kernel));
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
