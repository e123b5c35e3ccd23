import type { SandboxLimits } from '../types.js';
import { RuntimeErrors } from '../errors.js';

/** The defaults documented on `SandboxLimits`. */
export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 100,
  cpuTimeoutMs: 1000,
  wallTimeoutMs: 10_000,
  maxConcurrentCalls: 64,
  maxPayloadBytes: 4 * 1024 * 1024,
  maxLogLinesPerSecond: 100,
  maxFaults: 5,
  faultWindowMs: 60_000,
  maxTimers: 1000,
  maxPendingCapabilityCalls: 256,
  maxCapabilityCallsPerSecond: 10_000,
  maxBackgroundCapabilityCallsPerSecond: 200,
  backgroundCpuShare: 0.5,
  maxPendingRequests: 8,
  maxRoutes: 100,
  maxEventHandlers: 100,
  maxSchedules: 10,
  maxEmbeds: 10,
});

const MINIMUM: Partial<Record<keyof SandboxLimits, number>> = {
  memoryMb: 8,
  cpuTimeoutMs: 1,
  wallTimeoutMs: 1,
  maxConcurrentCalls: 1,
  maxPayloadBytes: 1024,
  maxFaults: 1,
  faultWindowMs: 1,
  maxCapabilityCallsPerSecond: 1,
  maxBackgroundCapabilityCallsPerSecond: 1,
  backgroundCpuShare: 0.01,
  maxPendingRequests: 1,
};

/** Merge limit layers (defaults < engine defaults < spec) and reject nonsense values once, at the edge. */
export function resolveLimits(...layers: (Partial<SandboxLimits> | undefined)[]): SandboxLimits {
  const out: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer) as [keyof SandboxLimits, unknown][]) {
      if (value === undefined) continue;
      if (!(key in DEFAULT_SANDBOX_LIMITS)) throw RuntimeErrors.RT_INVALID_SPEC({ reason: `unknown limit "${key}"` });
      if (typeof value !== 'number' || !Number.isFinite(value) || value < (MINIMUM[key] ?? 0)) {
        throw RuntimeErrors.RT_INVALID_SPEC({ reason: `limits.${key} must be a number >= ${MINIMUM[key] ?? 0}` });
      }
      out[key] = value;
    }
  }
  return out;
}
