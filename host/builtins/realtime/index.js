// @ts-check
import { startRealtime } from '@annex/host/builtins-support';

/**
 * Directus's WebSocket API, GraphQL subscriptions and logs stream (docs/realtime.md). Off unless
 * WEBSOCKETS_ENABLED is set; disabling this extension closes its connections and frees its paths.
 */
export default async function realtime(_register, context) {
  const { websockets } = context.kernel.config;
  if (!websockets.enabled && !websockets.graphql.enabled && !websockets.logs.enabled) return;
  context.onDispose(await startRealtime(context.kernel));
}
