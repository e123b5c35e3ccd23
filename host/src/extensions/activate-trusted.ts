import type { Context } from 'koa';
import { errors } from '../errors.js';
import express from 'express';
import { createEndpointApp, runExpress } from '../http/express-bridge.js';
import type { Kernel } from '../kernel.js';
import { createExtensionContext, type Disposer } from './context.js';
import type { OperationHandler } from './registries.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';
import { track, type Generation } from './generation.js';

/** Directus mounts function-form endpoints at the extension (or entry) name, before any `:`. */
export function endpointMountId(name: string): string {
  return name.split(':')[0]!;
}

function registerEndpoint(kernel: Kernel, unit: ExtensionUnit, config: unknown, context: Record<string, unknown>, disposers: Disposer[], gen: Generation): unknown {
  let id: string;
  let handler: unknown;
  if (typeof config === 'function') {
    id = endpointMountId(unit.name);
    handler = config;
  } else if (config && typeof config === 'object' && typeof (config as { id?: unknown }).id === 'string' && typeof (config as { handler?: unknown }).handler === 'function') {
    id = (config as { id: string }).id;
    handler = (config as { handler: unknown }).handler;
  } else {
    throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'an endpoint exports a function (router, context) or {id, handler}' });
  }
  if (!id || id.includes('..')) throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: `endpoint id ${JSON.stringify(id)} is not a valid path segment` });
  // A real Express router, as Directus gives each endpoint (`express.Router()` mounted at `/<id>`).
  const router = express.Router();
  const app = createEndpointApp(router, { trustProxy: kernel.config.trustProxy });
  // Mount before calling the handler: routes added after an async register still answer.
  disposers.push(kernel.mounts.add(id, (ctx: Context) => (gen.live ? track(gen, () => runExpress(app, ctx)) : Promise.resolve(false)), unit.id));
  return (handler as (r: unknown, c: unknown) => unknown)(router, context);
}

function registerHook(kernel: Kernel, unit: ExtensionUnit, config: unknown, context: Record<string, unknown>, disposers: Disposer[], gen: Generation): unknown {
  if (typeof config !== 'function') throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'a hook exports a function (register, context)' });
  const owner = unit.id;
  const register = {
    filter: (event: string, handler: (p: unknown, m: unknown, c: unknown) => unknown) => {
      const off = kernel.emitter.onFilter(event, (p, m, c) => (gen.live ? track(gen, () => handler(p, m, c)) : undefined), owner);
      disposers.push(off);
      return off;
    },
    action: (event: string, handler: (m: unknown, c: unknown) => unknown) => {
      const off = kernel.emitter.onAction(event, (m, c) => (gen.live ? track(gen, () => handler(m, c)) : undefined), owner);
      disposers.push(off);
      return off;
    },
    init: (event: string, handler: (m: unknown) => unknown) => {
      // What the handler adds to the host's Express app (`meta.app`) is removed with the unit.
      const run = async (m: Record<string, unknown>) => {
        if (m.app !== kernel.express.app) return handler(m);
        disposers.push(await kernel.express.track(() => handler(m)));
      };
      const off = kernel.emitter.onInit(event, (m) => (gen.live ? track(gen, () => run(m)) : undefined), owner);
      disposers.push(off);
      return off;
    },
    schedule: (cron: string, handler: () => unknown) => {
      const off = kernel.scheduler.schedule(cron, () => (gen.live ? track(gen, handler) : undefined), owner, `${owner}:${disposers.length}`);
      disposers.push(off);
      return off;
    },
    embed: (position: 'head' | 'body', content: string | (() => string)) => {
      if (position !== 'head' && position !== 'body') throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: `embed position must be "head" or "body"` });
      if (content === '' || (typeof content !== 'string' && typeof content !== 'function')) throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'embed needs a non-empty string or a function' });
      const off = kernel.embeds.add(position, () => (gen.live ? (typeof content === 'function' ? content() : content) : ''), owner);
      disposers.push(off);
      return off;
    },
  };
  return (config as (r: unknown, c: unknown) => unknown)(register, context);
}

function registerOperation(kernel: Kernel, unit: ExtensionUnit, config: unknown, context: Record<string, unknown>, disposers: Disposer[], gen: Generation): void {
  const c = config as { id?: unknown; handler?: unknown } | null;
  if (!c || typeof c.id !== 'string' || typeof c.handler !== 'function') {
    throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'an operation api entry exports {id, handler}' });
  }
  const handler = c.handler as OperationHandler;
  disposers.push(kernel.operations.register(c.id, (options, flowContext) => track(gen, () => handler(options, { ...context, ...flowContext })), unit.id, gen));
}

async function withTimeout<T>(promise: T | Promise<T>, ms: number, id: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(errors.HOST_REGISTER_TIMEOUT({ id, ms })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers one trusted API unit from its config (default export, or a bundle's entry config).
 * Every registration pushes its disposer; on failure the caller runs them.
 */
export async function activateTrustedUnit(
  kernel: Kernel,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
  config: unknown,
  disposers: Disposer[],
  gen: Generation,
  registerTimeoutMs = 10_000,
): Promise<void> {
  const context = createExtensionContext(kernel, desc, unit, disposers);
  try {
    if (unit.type === 'endpoint') await withTimeout(registerEndpoint(kernel, unit, config, context, disposers, gen), registerTimeoutMs, unit.id);
    else if (unit.type === 'hook') await withTimeout(registerHook(kernel, unit, config, context, disposers, gen), registerTimeoutMs, unit.id);
    else if (unit.type === 'operation') registerOperation(kernel, unit, config, context, disposers, gen);
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code && code.startsWith('HOST_')) throw e;
    throw errors.HOST_REGISTER_FAILED({ id: unit.id, reason: e instanceof Error ? e.message : String(e) }, { cause: e });
  }
}
