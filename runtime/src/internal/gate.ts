import { setTimeout as sleep } from 'node:timers/promises';
import { getCapability, type CapabilitySpec } from '@annex/protocol';
import { fail, ok, type Envelope } from '@annex/protocol';
import { isCodedError, toErrorRecord, type ErrorRecord } from '@annex/protocol';
import type { ItemAction, Scopes } from '@annex/protocol';
import type { CallAccountability, CapabilityHost, RequestOptions, RuntimeLogger, SandboxLimits } from '../types.js';
import { RuntimeErrors } from '../errors.js';
import { measurePayload } from './payload.js';
import { matchEventPattern } from '@annex/protocol';
import { formatArgumentIssues } from './zod-issues.js';
import { createRequestClient, type RequestClient } from './request/http.js';

/** What the gate needs to know about the instance it guards. */
export interface GateContext {
  id: string;
  version: string;
  granted: Scopes;
  limits: SandboxLimits;
  capabilityHost: CapabilityHost;
  request?: Partial<RequestOptions>;
  logger?: RuntimeLogger;
  /** The accountability behind a token minted for an in-flight call, if it is still valid. */
  resolveToken(token: string): CallAccountability | undefined;
  /** A capability with effects outside the isolate ran (the calls in flight are not replay-safe). */
  onSideEffect(): void;
  /** The instance is quarantined: its background work (timers) reaches no capability until a reset. */
  quarantined?(): boolean;
}

export interface Gate {
  /** An `async` capability call: scope, argument schema and payload checks, then dispatch. Never rejects. */
  call(name: string, args: unknown[], token: string | null): Promise<Envelope<unknown>>;
  /** A `fire` capability call (log). */
  fire(name: string, args: unknown[]): void;
  /** A console line (no scope needed). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

const ITEM_ACTIONS: Record<string, ItemAction> = {
  readByQuery: 'read',
  readOne: 'read',
  createOne: 'create',
  updateOne: 'update',
  deleteOne: 'delete',
};

function denied(reason: string, details: Record<string, unknown>): Error {
  return RuntimeErrors.FORBIDDEN({ reason }, { details });
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A JSON media type (`application/json`, `application/problem+json`…), as the request client's `auto` mode reads it. */
function isJsonType(contentType: string | undefined): boolean {
  return /\bjson\b|\+json/i.test(contentType ?? '');
}

/** Host side of `directus:api`: the only path from an isolate to the CapabilityHost. */
export function createGate(ctx: GateContext): Gate {
  let requestClient: RequestClient | undefined;
  /** `request()` calls of this extension in flight (each holds a socket and up to a response's size of memory). */
  let pendingRequests = 0;
  const ext = { id: ctx.id, granted: ctx.granted };

  function toRecord(err: unknown, capability: string): ErrorRecord {
    if (isCodedError(err)) {
      const rec = toErrorRecord(err);
      const expose = (err as { expose?: unknown }).expose;
      /* Runtime errors carry useful details; the host's own errors cross with code and status only. */
      if (!rec.code.startsWith('RT_') && rec.code !== 'FORBIDDEN' && rec.code !== 'INVALID_PAYLOAD') delete rec.details;
      if (expose === false) rec.message = `Capability "${capability}" failed`;
      return rec;
    }
    ctx.logger?.warn({ extension: ctx.id, capability, err }, 'capability failed');
    return toErrorRecord(RuntimeErrors.RT_CAPABILITY_FAILED({ capability }));
  }

  async function dispatch(cap: CapabilitySpec, args: unknown[], token: string | null): Promise<unknown> {
    const name = cap.name;
    if (name === 'sleep') {
      await sleep(Math.min(args[0] as number, ctx.limits.wallTimeoutMs));
      return undefined;
    }
    if (name === 'request') {
      const options = (args[1] ?? {}) as { method?: string; responseType?: 'auto' | 'text' };
      if (pendingRequests >= ctx.limits.maxPendingRequests)
        throw RuntimeErrors.RT_BUSY({ limit: ctx.limits.maxPendingRequests });
      if ((options.method ?? 'GET').toUpperCase() !== 'GET') ctx.onSideEffect();
      requestClient ??= createRequestClient(ctx.granted.request!, ctx.request);
      pendingRequests++;
      try {
        // The body comes back as text: untrusted JSON is parsed in the isolate, on the extension's CPU and memory, never here.
        const res = await requestClient.request(args[0] as string, { ...options, responseType: 'text' } as never);
        return options.responseType !== 'text' && isJsonType(res.headers['content-type'])
          ? { ...res, parse: 'json' }
          : res;
      } finally {
        pendingRequests--;
      }
    }
    if (name.startsWith('items.')) {
      const method = name.slice('items.'.length) as keyof typeof ITEM_ACTIONS;
      const collection = args[0] as string;
      const action = ITEM_ACTIONS[method];
      const grant =
        ctx.granted.items && Object.hasOwn(ctx.granted.items, collection) ? ctx.granted.items[collection] : undefined;
      if (!Array.isArray(grant) || !grant.includes(action))
        throw denied(`items "${collection}" ${action} is not granted`, { capability: name, collection, action });
      let accountability: CallAccountability | null = null;
      if (token !== null) {
        accountability = ctx.resolveToken(token) ?? null;
        if (!accountability)
          throw denied('the accountability is not valid (it is only valid while the call that received it runs)', {
            capability: name,
            reason: 'accountability',
          });
      }
      if (action !== 'read') ctx.onSideEffect();
      return ctx.capabilityHost.items(ext, method as 'readOne', args, accountability);
    }
    if (name.startsWith('storage.')) {
      const method = name.slice('storage.'.length) as 'get' | 'set' | 'delete';
      if (method !== 'get') ctx.onSideEffect();
      return ctx.capabilityHost.storage({ id: ctx.id }, method, args);
    }
    if (name === 'emit') {
      const event = args[0] as string;
      if (!(ctx.granted.emit ?? []).some((p) => matchEventPattern(p, event)))
        throw denied(`emitting "${event}" is not granted`, { capability: name, event });
      ctx.onSideEffect();
      await ctx.capabilityHost.emit({ id: ctx.id }, event, args[1]);
      return undefined;
    }
    throw denied('unknown capability', { capability: name });
  }

  async function call(name: string, rawArgs: unknown[], token: string | null): Promise<Envelope<unknown>> {
    try {
      const cap = getCapability(name);
      if (!cap || cap.mode !== 'async') throw denied('unknown capability', { capability: name });
      if (ctx.quarantined?.()) throw RuntimeErrors.RT_QUARANTINED();
      if (ctx.granted[cap.scope] === undefined || ctx.granted[cap.scope] === null) {
        throw denied(`scope "${cap.scope}" is not granted`, { capability: name, scope: cap.scope });
      }
      const size = measurePayload(rawArgs, ctx.limits.maxPayloadBytes);
      if (!size.ok)
        throw size.reason === 'too-large'
          ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit: ctx.limits.maxPayloadBytes })
          : RuntimeErrors.INVALID_PAYLOAD({ reason: `arguments are ${size.reason}` });
      const args = [...rawArgs];
      while (args.length && args[args.length - 1] === undefined) args.pop();
      const parsed = cap.args.safeParse(args);
      if (!parsed.success)
        throw RuntimeErrors.INVALID_PAYLOAD(
          { reason: formatArgumentIssues(name, parsed.error.issues) },
          { details: { capability: name } },
        );
      const value = await dispatch(cap, parsed.data as unknown[], token);
      const out = measurePayload(value, ctx.limits.maxPayloadBytes);
      if (!out.ok)
        throw out.reason === 'too-large'
          ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit: ctx.limits.maxPayloadBytes })
          : RuntimeErrors.RT_CAPABILITY_FAILED({ capability: name });
      return ok(value);
    } catch (err) {
      return fail(toRecord(err, name));
    }
  }

  function fire(name: string, args: unknown[]): void {
    if (name !== 'log' || !ctx.granted.log) return;
    log('info', stringify(args[0]));
  }

  function log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    try {
      ctx.capabilityHost.log({ id: ctx.id, version: ctx.version }, level, message);
    } catch (err) {
      ctx.logger?.warn({ extension: ctx.id, err }, 'capability host log failed');
    }
  }

  return { call, fire, log };
}
