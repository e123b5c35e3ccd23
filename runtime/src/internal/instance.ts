import { CodedError, toErrorRecord, type ErrorRecord } from '@annex/protocol';
import type { CallAccountability, CallOptions, SandboxInstance, SandboxRegistrations, SandboxStats } from '../types.js';
import { RuntimeErrors } from '../errors.js';
import { measurePayload } from './payload.js';
import type { CallOutcome } from './isolate/outcome.js';
import type { CallTicket, InstanceState } from './instance-state.js';

/**
 * Arguments on their way into the isolate: the list, or its JSON text when JSON carries it
 * exactly (one string is cheaper to copy across the process and isolate boundaries).
 */
export type WireArgs = unknown[] | string;

/** What an engine provides to run one instance's calls. */
export interface InstanceBackend {
  readonly worker: number | undefined;
  invoke(
    handler: number,
    args: WireArgs,
    accountability: IsolateAccountability | null,
    ticket: CallTicket,
    jsonBody: boolean,
  ): Promise<CallOutcome>;
  /** Refresh `state.cpuTimeMs`/`heapUsedBytes` if the engine can do it synchronously. */
  refreshStats(): void;
  dispose(): Promise<void>;
}

/** The accountability copied into the isolate: plain fields plus the call's token. */
export type IsolateAccountability = Omit<CallAccountability, 'token'> & { token: string };

function handlerIds(reg: SandboxRegistrations): Set<number> {
  const ids = new Set<number>();
  for (const list of [reg.routes, reg.filters, reg.actions, reg.inits, reg.schedules])
    for (const r of list) ids.add(r.handler);
  if (reg.operation) ids.add(reg.operation.handler);
  return ids;
}

function toIsolateAccountability(a: CallAccountability, token: string): IsolateAccountability {
  const out: IsolateAccountability = { user: a.user ?? null, role: a.role ?? null, admin: a.admin === true, token };
  if (a.app !== undefined) out.app = a.app === true;
  if (a.ip !== undefined) out.ip = a.ip ?? null;
  return out;
}

/** A CodedError for the host from a record that crossed the boundary. */
export function errorFromRecord(record: ErrorRecord, extensionId: string): CodedError {
  const details = {
    ...(record.details ?? {}),
    extension: extensionId,
    ...(record.stack ? { stack: record.stack } : {}),
  };
  const status = record.status ?? 500;
  // A runtime outcome the table shows to clients (timeouts, a crashed worker, quarantine) keeps that across
  // the process boundary; anything else takes the default (shown below 500).
  const expose = RuntimeErrors.statusOf(record.code) === status ? RuntimeErrors.exposeOf(record.code) : undefined;
  const err = new CodedError(record.code, record.message, status, { details, expose });
  if (record.stack) err.stack = `${record.code}: ${record.message}\n${record.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/**
 * Arguments as they cross: JSON text when JSON carries them exactly (one string is the
 * cheapest thing to copy into an isolate), else the list itself. Checked for size and shape.
 */
function measuredWire(args: unknown[], limit: number): WireArgs | Error {
  const size = measurePayload(args, limit);
  if (!size.ok)
    return size.reason === 'too-large'
      ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit })
      : RuntimeErrors.INVALID_PAYLOAD({ reason: `arguments are ${size.reason}` });
  return size.json ? JSON.stringify(args) : args;
}

/** `CallOptions.jsonArgs`: the caller's JSON data as text, measured by its length. */
function jsonWire(args: unknown[], limit: number): WireArgs | Error {
  let text: string;
  try {
    text = JSON.stringify(args);
  } catch {
    return RuntimeErrors.INVALID_PAYLOAD({ reason: 'arguments are not JSON data' });
  }
  return text.length > limit ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit }) : text;
}

/** The SandboxInstance the host holds; it stays valid across isolate re-creation and worker restarts. */
export function createInstance(
  state: InstanceState,
  registrations: SandboxRegistrations,
  backend: InstanceBackend,
): SandboxInstance {
  const handlers = handlerIds(registrations);
  let disposed = false;
  const limits = state.limits;

  function reject(error: Error): never {
    state.recordError(toErrorRecord(error), false);
    throw error;
  }

  async function call(
    handler: number,
    args: unknown[],
    accountability: CallAccountability | null = null,
    options: CallOptions = {},
  ): Promise<unknown> {
    state.counters.calls++;
    if (disposed) reject(RuntimeErrors.RT_DISPOSED());
    if (state.quarantined) reject(RuntimeErrors.RT_QUARANTINED());
    if (!handlers.has(handler)) reject(RuntimeErrors.RT_HANDLER_NOT_FOUND({ handler }));
    if (state.inFlight >= limits.maxConcurrentCalls)
      reject(RuntimeErrors.RT_BUSY({ limit: limits.maxConcurrentCalls }));
    if (!Array.isArray(args)) reject(RuntimeErrors.INVALID_PAYLOAD({ reason: 'arguments must be a list' }));
    const wire =
      options.jsonArgs === true ? jsonWire(args, limits.maxPayloadBytes) : measuredWire(args, limits.maxPayloadBytes);
    if (wire instanceof Error) reject(wire);

    const token = accountability ? state.mintToken(accountability) : null;
    const ticket: CallTicket = { attempts: 0, sideEffects: false };
    state.tickets.add(ticket);
    state.inFlight++;
    const started = performance.now();
    let outcome: CallOutcome;
    try {
      outcome = await backend.invoke(
        handler,
        wire,
        accountability && token ? toIsolateAccountability(accountability, token) : null,
        ticket,
        options.jsonBody === true,
      );
    } finally {
      state.inFlight--;
      state.tickets.delete(ticket);
      state.counters.wallTimeMs += performance.now() - started;
      if (token) state.revokeToken(token);
    }
    if (outcome.ok) return outcome.value;
    state.recordError(outcome.error, !outcome.fromExtension && outcome.error.code === 'RT_TIMEOUT');
    throw errorFromRecord(outcome.error, state.id);
  }

  return {
    id: state.id,
    registrations,
    get worker() {
      return backend.worker;
    },
    call,
    stats(): SandboxStats {
      if (!disposed) backend.refreshStats();
      return state.stats();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await backend.dispose();
    },
    resetQuarantine() {
      state.resetQuarantine();
    },
  };
}
