import { pathToFileURL } from 'node:url';
import { getModuleDefault } from '@annex/protocol';
import type { Accountability } from '../types/accountability.js';
import type { ApiExtensionContext, ExtensionEmitter } from '../types/api-context.js';
import type { EndpointConfig } from '../types/endpoint.js';
import type { EventContext, HookConfig, HookMeta, RegisterFunctions } from '../types/hook.js';
import type { OperationApiConfig } from '../types/operation.js';
import type { SchemaOverview } from '../types/schema.js';
import { createHarnessRouter } from './express-harness.js';
import { emptyLoaded, type LoadedApi } from './model.js';

let importCounter = 0;

/** Imports a built module; the query makes each harness get a fresh instance (tests only). */
export async function importFresh(file: string): Promise<Record<string, unknown>> {
  return (await import(`${pathToFileURL(file).href}?harness=${++importCounter}`)) as Record<string, unknown>;
}

/** Directus's `getModuleDefault`, the rule the host applies (from the protocol). */
export const moduleDefault = getModuleDefault;

function namedExports(mod: Record<string, unknown>): Record<string, unknown> {
  if ('hooks' in mod || 'endpoints' in mod || 'operations' in mod) return mod;
  const d = mod.default;
  return d && typeof d === 'object' ? (d as Record<string, unknown>) : {};
}

export interface TrustedDeps {
  context: ApiExtensionContext;
  emitter: ExtensionEmitter;
  eventContext(accountability: Accountability | null): EventContext;
  schema(): SchemaOverview;
}

function registerHook(out: LoadedApi, config: HookConfig, deps: TrustedDeps): void {
  const register: RegisterFunctions = {
    filter: (event, handler) => {
      out.filters.push({
        event,
        run: async (payload, meta, acc) => handler(payload as never, meta as HookMeta, deps.eventContext(acc)),
      });
    },
    action: (event, handler) => {
      out.actions.push({ event, run: async (meta, acc) => handler(meta as HookMeta, deps.eventContext(acc)) });
    },
    init: (event, handler) => {
      out.inits.push({ event, run: async (meta) => handler(meta) });
    },
    schedule: (cron, handler) => {
      out.schedules.push({ cron, run: async () => handler() });
    },
    embed: (position, code) => {
      out.embeds.push({ position, html: typeof code === 'function' ? code() : code });
    },
  };
  config(register, { ...deps.context, emitter: deps.emitter });
}

function registerEndpoint(out: LoadedApi, config: EndpointConfig, name: string, deps: TrustedDeps): void {
  const fn = typeof config === 'function' ? config : config.handler;
  const mount = '/' + (typeof config === 'function' ? name.split(':')[0] : config.id);
  const { router, handle, close } = createHarnessRouter(mount, deps.schema);
  const dispose = out.dispose;
  out.dispose = async () => {
    await close();
    await dispose();
  };
  fn(router, { ...deps.context, emitter: deps.emitter });
  out.endpoints.push({ mount, handle });
}

function registerOperation(out: LoadedApi, config: OperationApiConfig, deps: TrustedDeps): void {
  out.operations.push({
    id: config.id,
    run: async (options, ctx) => config.handler(options, { ...deps.context, ...ctx }),
  });
}

/** Loads a trusted (in-process) hook, endpoint, operation or bundle the way the host does. */
export async function loadTrusted(file: string, type: string, name: string, deps: TrustedDeps): Promise<LoadedApi> {
  const mod = await importFresh(file);
  const out = emptyLoaded();
  if (type === 'hook') registerHook(out, moduleDefault(mod) as HookConfig, deps);
  else if (type === 'endpoint') registerEndpoint(out, moduleDefault(mod) as EndpointConfig, name, deps);
  else if (type === 'operation') registerOperation(out, moduleDefault(mod) as OperationApiConfig, deps);
  else if (type === 'bundle') {
    const named = namedExports(mod);
    for (const { config } of (named.hooks as { name: string; config: HookConfig }[]) ?? [])
      registerHook(out, config, deps);
    for (const { name: n, config } of (named.endpoints as { name: string; config: EndpointConfig }[]) ?? [])
      registerEndpoint(out, config, n, deps);
    for (const { config } of (named.operations as { name: string; config: OperationApiConfig }[]) ?? [])
      registerOperation(out, config, deps);
  }
  return out;
}
