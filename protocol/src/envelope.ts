import type { ErrorRecord } from './errors.js';

/** What every call across a transport (isolate, worker process, bridge) returns. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorRecord };

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}
export function fail(error: ErrorRecord): Envelope<never> {
  return { ok: false, error };
}
