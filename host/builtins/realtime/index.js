// @ts-check
import { startRealtime } from '@annex/host/builtins-support';

/**
 * Directus's WebSocket API (docs/realtime.md). Off unless WEBSOCKETS_ENABLED is set; disabling
 * this extension closes its connections and frees its path.
 */
export default async function realtime(_register, context) {
  if (!context.kernel.config.websockets.enabled) return;
  context.onDispose(await startRealtime(context.kernel));
}
