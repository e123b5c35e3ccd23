import type { Context } from 'koa';
import { match } from 'path-to-regexp';
import { errors } from '../../errors.js';
import express from 'express';
import { convertExpressPath } from '../../http/express-path.js';
import { createSandboxedEndpointHandler } from '../../http/sandboxed-endpoint.js';
import type { UnitRegistrar } from './types.js';

/** Directus mounts function-form endpoints at the extension (or entry) name, before any `:`. */
export function endpointMountId(name: string): string {
  return name.split(':')[0]!;
}

/** Endpoints: a mount under `/<id>`, answered by the extension's router or its isolate's routes. */
export const endpointRegistrar: UnitRegistrar = {
  trusted({ kernel, scope, unit, context }, config) {
    let id: string;
    let handler: unknown;
    if (typeof config === 'function') {
      id = endpointMountId(unit.name);
      handler = config;
    } else if (
      config &&
      typeof config === 'object' &&
      typeof (config as { id?: unknown }).id === 'string' &&
      typeof (config as { handler?: unknown }).handler === 'function'
    ) {
      id = (config as { id: string }).id;
      handler = (config as { handler: unknown }).handler;
    } else {
      throw errors.HOST_INVALID_EXPORT({
        id: unit.id,
        reason: 'an endpoint exports a function (router, context) or {id, handler}',
      });
    }
    if (!id || id.includes('..'))
      throw errors.HOST_INVALID_EXPORT({
        id: unit.id,
        reason: `endpoint id ${JSON.stringify(id)} is not a valid path segment`,
      });
    // A real Express router, as Directus gives each endpoint (`express.Router()` mounted at `/<id>`).
    const router = express.Router();
    const run = kernel.express.mount(router);
    // Mount before calling the handler: routes added after an async register still answer.
    scope.defer(
      kernel.mounts.add(
        id,
        (ctx: Context) => (scope.live ? scope.track(() => run(ctx)) : Promise.resolve(false)),
        unit.id,
      ),
    );
    return (handler as (r: unknown, c: unknown) => unknown)(router, context);
  },

  sandboxed({ kernel, scope, unit, registrations, call }) {
    const id = registrations.endpointId ?? endpointMountId(unit.name);
    const routes = registrations.routes.map((r) => ({
      method: r.method,
      handler: r.handler,
      match: match(convertExpressPath(r.path), { decode: decodeURIComponent }),
    }));
    const handle = createSandboxedEndpointHandler(routes, call, unit.id);
    scope.defer(
      kernel.mounts.add(
        id,
        (ctx: Context, sub: string) => (scope.live ? handle(ctx, sub) : Promise.resolve(false)),
        unit.id,
        { exclusive: true },
      ),
    );
  },
};
