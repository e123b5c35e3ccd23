import type { ErrorRecord } from '@annex/protocol';
import { toErrorRecord } from '@annex/protocol';

/**
 * One activation of an extension. Everything it registers checks `live`, so a reload can
 * activate the new generation beside the old one and switch traffic in one synchronous step;
 * `inFlight` lets the old generation drain before it is disposed.
 */
export interface Generation {
  live: boolean;
  inFlight: number;
  calls: number;
  errors: number;
  wallTimeMs: number;
  lastError: ErrorRecord | null;
}

export function createGeneration(): Generation {
  return { live: false, inFlight: 0, calls: 0, errors: 0, wallTimeMs: 0, lastError: null };
}

/** Runs `fn` counted against `gen` (calls, errors, wall time, in-flight). */
export async function track<T>(gen: Generation, fn: () => T | Promise<T>): Promise<T> {
  gen.inFlight++;
  gen.calls++;
  const start = performance.now();
  try {
    return await fn();
  } catch (e) {
    gen.errors++;
    gen.lastError = toErrorRecord(e);
    throw e;
  } finally {
    gen.inFlight--;
    gen.wallTimeMs += performance.now() - start;
  }
}

/** Resolves when the generation has no call in flight, or after `timeoutMs`. */
export async function drain(gen: Generation, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (gen.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}
