import type { Emitter } from '../events/emitter.js';
import type { HostExpress } from './express-bridge.js';

/**
 * Directus's init events around building its app, in its order, each with `{app}` (the Express
 * app). Middleware an extension adds up to `routes.custom.before` runs in front of every route;
 * what it adds in `routes.custom.after`/`app.after` runs for requests no route answered.
 */
export async function emitAppInit(emitter: Emitter, host: HostExpress): Promise<void> {
  const meta = { app: host.app };
  for (const event of [
    'app.before',
    'middlewares.before',
    'middlewares.after',
    'routes.before',
    'routes.after',
    'routes.custom.before',
  ]) {
    await emitter.emitInit(event, meta);
  }
  host.mountRoutes();
  await emitter.emitInit('routes.custom.after', meta);
  await emitter.emitInit('app.after', meta);
}
