import ivm from 'isolated-vm';
import { randomBytes } from 'node:crypto';
import { SANDBOX_API_MODULES } from '@annex/protocol';
import { getCapabilityLayout } from '@annex/protocol';
import type { Scopes } from '@annex/protocol';
import type { SandboxExtensionSpec, SandboxLimits, SandboxRegistrations } from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import { API_MODULE_SOURCE, compileBootstrap, getLayoutCopy } from './bootstrap.js';
import { classifyEntryError, clip, MAX_ERROR_MESSAGE, MAX_ERROR_STACK } from './outcome.js';
import { dynamicImportDenial } from '../imports.js';

/** Host functions handed to the bootstrap (each becomes a plain function inside the isolate). */
export interface IsolateHooks {
  send(name: unknown, args: unknown, token: unknown): number | object;
  log(level: unknown, message: unknown): void;
  timer(op: unknown, id: unknown, ms: unknown): void;
  done(callId: unknown, ok: unknown, value: unknown, fromExtension: unknown): void;
  url(op: unknown, a: unknown, b: unknown, c: unknown): object | null;
  random(n: unknown): Uint8Array;
  /** The bootstrap refused a string past its cap (85-string-caps.js): the entry is a memory fault. */
  memory(): void;
  catastrophic(message: string): void;
  mapStack(stack: string): string;
}

/** A loaded isolate and the bootstrap entry points the host calls. */
export interface LoadedIsolate {
  isolate: ivm.Isolate;
  context: ivm.Context;
  invoke: ivm.Reference<unknown>;
  resolve: ivm.Reference<unknown>;
  fire: ivm.Reference<unknown>;
  registrations: SandboxRegistrations;
}

const ALLOWED_IMPORTS: readonly string[] = SANDBOX_API_MODULES;

/**
 * One isolate + context created ahead of time, when the process is idle: creating them is
 * most of an activation's cost. The catastrophic-error hook is bound when it is taken.
 */
interface Spare {
  memoryMb: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
  onCatastrophic: { handler: (message: string) => void };
}
let spare: Spare | undefined;
let spareScheduled = false;

function createBlank(memoryMb: number): Spare {
  const onCatastrophic = { handler: (_message: string) => {} };
  const isolate = new ivm.Isolate({
    memoryLimit: memoryMb,
    onCatastrophicError: (message) => onCatastrophic.handler(String(message)),
  });
  return { memoryMb, isolate, context: isolate.createContextSync(), onCatastrophic };
}

function takeBlank(memoryMb: number, onCatastrophic: (message: string) => void): Spare {
  let blank = spare && spare.memoryMb === memoryMb && !spare.isolate.isDisposed ? spare : undefined;
  if (blank) spare = undefined;
  blank ??= createBlank(memoryMb);
  blank.onCatastrophic.handler = onCatastrophic;
  if (!spareScheduled) {
    spareScheduled = true;
    /* A later turn than the reply to this load (which goes out on setImmediate). */
    setTimeout(() => {
      spareScheduled = false;
      if (spare && spare.memoryMb !== memoryMb) {
        spare.isolate.dispose();
        spare = undefined;
      }
      spare ??= createBlank(memoryMb);
    }, 1).unref();
  }
  return blank;
}

/** Drop the spare isolate (engine close, tests counting isolates). */
export function releaseSpareIsolate(): void {
  spare?.isolate.dispose();
  spare = undefined;
}

/** Data the `local` capabilities answer from, keyed by capability name. */
function localData(spec: SandboxExtensionSpec): Record<string, Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = {};
  for (const name of spec.grantedScopes.env ?? [])
    env[name] = Object.hasOwn(spec.env, name) ? String(spec.env[name]) : undefined;
  const out: Record<string, Record<string, string | undefined>> = {};
  for (const c of getCapabilityLayout()) if (c.mode === 'local') out[c.name] = c.name === 'env' ? env : {};
  return out;
}

function grantedNames(scopes: Scopes): string[] {
  return Object.entries(scopes)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k);
}

/**
 * A worker function the isolate may call. isolated-vm copies an exception thrown here into the
 * isolate with its stack, which would show the extension the worker's frames and file paths:
 * it is re-thrown with its kind and message only.
 */
function guarded<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      const Kind = err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : Error;
      const clean = new Kind(err instanceof Error ? clip(err.message, MAX_ERROR_MESSAGE) : 'Internal sandbox error');
      clean.stack = `${clean.name}: ${clean.message}`;
      throw clean;
    }
  };
}

function loadError(
  err: unknown,
  isolate: ivm.Isolate,
  limits: SandboxLimits,
  mapStack: (s: string) => string,
  spec: SandboxExtensionSpec,
): Error {
  const kind = classifyEntryError(err, isolate.isDisposed, false);
  if (kind === 'memory') return RuntimeErrors.RT_MEMORY_LIMIT({ limitMb: limits.memoryMb });
  if (kind === 'timeout') return RuntimeErrors.RT_TIMEOUT({ kind: 'cpu', limitMs: limits.cpuTimeoutMs });
  const e = err as { code?: unknown; message?: unknown; stack?: unknown } | null;
  if (e && typeof e.code === 'string' && e.code.startsWith('RT_')) return err as Error;
  const denied = dynamicImportDenial(e, spec);
  if (denied) return denied;
  const message = clip(e?.message, MAX_ERROR_MESSAGE) ?? 'The extension could not be loaded';
  const rawStack = clip(e?.stack, MAX_ERROR_STACK);
  const stack = rawStack === undefined ? undefined : mapStack(rawStack);
  return RuntimeErrors.RT_LOAD_FAILED({ message }, { details: stack ? { stack } : {} });
}

/**
 * Create one isolate for `spec`: bootstrap (globals + `directus:api` from the capability
 * table), compile the extension as one ES module, refuse every import but `directus:api`
 * (alias `annex:api`), evaluate it and run the registration glue. Synchronous; throws a
 * CodedError and disposes the isolate on failure.
 */
export function loadIsolate(spec: SandboxExtensionSpec, limits: SandboxLimits, hooks: IsolateHooks): LoadedIsolate {
  const { isolate, context } = takeBlank(limits.memoryMb, hooks.catastrophic);
  const timeout = limits.cpuTimeoutMs;
  try {
    const boot = compileBootstrap(isolate).runSync(context, { reference: true }) as ivm.Reference<unknown>;
    const config = {
      granted: grantedNames(spec.grantedScopes),
      local: localData(spec),
      nodeEnv: process.env.NODE_ENV ?? 'production',
      maxTimers: limits.maxTimers,
      maxPayloadBytes: limits.maxPayloadBytes,
      /* In characters: a flat two-byte string this long is half the heap. */
      maxStringLength: Math.floor((limits.memoryMb * 1024 * 1024) / 4),
      registrationLimits: {
        routes: limits.maxRoutes,
        events: limits.maxEventHandlers,
        schedules: limits.maxSchedules,
        embeds: limits.maxEmbeds,
      },
      randomPool: Uint8Array.from(randomBytes(1024)),
    };
    const entry = boot.applySync(
      undefined,
      [
        getLayoutCopy().copyInto(),
        new ivm.ExternalCopy(config).copyInto(),
        new ivm.Callback(guarded(hooks.send)),
        new ivm.Callback(guarded(hooks.log)),
        new ivm.Callback(guarded(hooks.timer)),
        new ivm.Callback(guarded(hooks.done)),
        new ivm.Callback(guarded(hooks.url)),
        new ivm.Callback(guarded(hooks.random)),
        new ivm.Callback(guarded(hooks.memory)),
      ],
      { result: { reference: true }, timeout },
    ) as ivm.Reference<Record<string, unknown>>;
    boot.release();
    const get = (name: string) => entry.getSync(name, { reference: true }) as ivm.Reference<unknown>;
    const [register, invoke, resolve, fire] = [
      get('register'),
      get('invoke'),
      get('resolveCapability'),
      get('fireTimer'),
    ];
    entry.release();

    const api = isolate.compileModuleSync(API_MODULE_SOURCE, { filename: 'directus:api' });
    api.instantiateSync(context, () => {
      throw new Error('directus:api has no imports');
    });
    let mod: ivm.Module;
    try {
      mod = isolate.compileModuleSync(spec.code, { filename: `file://${spec.filename}` });
    } catch (err) {
      throw RuntimeErrors.RT_COMPILE_ERROR({ message: err instanceof Error ? err.message : String(err) });
    }
    for (const specifier of mod.dependencySpecifiers) {
      if (!ALLOWED_IMPORTS.includes(specifier)) throw RuntimeErrors.RT_IMPORT_DENIED({ specifier });
    }
    mod.instantiateSync(context, (specifier) => {
      if (ALLOWED_IMPORTS.includes(specifier)) return api;
      throw RuntimeErrors.RT_IMPORT_DENIED({ specifier });
    });
    try {
      mod.evaluateSync({ timeout });
    } catch (err) {
      throw loadError(err, isolate, limits, hooks.mapStack, spec);
    }
    let outcome:
      | { ok: true; registrations: SandboxRegistrations }
      | { ok: false; error: { code: string; message: string; stack?: string } };
    try {
      outcome = register.applySync(undefined, [spec.type, mod.namespace.derefInto()], {
        result: { copy: true },
        timeout,
      }) as typeof outcome;
    } catch (err) {
      throw loadError(err, isolate, limits, hooks.mapStack, spec);
    }
    if (!outcome.ok) {
      const { code, message, stack } = outcome.error;
      if (code === 'RT_INVALID_EXPORT')
        throw RuntimeErrors.RT_INVALID_EXPORT({ reason: message.replace(/^Invalid default export: /, '') });
      const cap = outcome.error as { details?: { kind?: unknown; limit?: unknown } };
      if (code === 'RT_REGISTRATION_LIMIT')
        throw RuntimeErrors.RT_REGISTRATION_LIMIT({
          kind: String(cap.details?.kind ?? 'handlers'),
          limit: Number(cap.details?.limit ?? 0),
        });
      if (code === 'RT_INVALID_REGISTRATION')
        throw RuntimeErrors.RT_INVALID_REGISTRATION({ reason: message.replace(/^Invalid registration: /, '') });
      throw RuntimeErrors.RT_LOAD_FAILED(
        { message },
        { details: { extensionCode: code, ...(stack ? { stack: hooks.mapStack(stack) } : {}) } },
      );
    }
    const registrations = outcome.registrations;
    register.release();
    context.evalSync('delete globalThis.__annex_api__', { timeout });
    return { isolate, context, invoke, resolve, fire, registrations };
  } catch (err) {
    if (!isolate.isDisposed) isolate.dispose();
    throw err;
  }
}
