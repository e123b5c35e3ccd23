import { randomFillSync } from 'node:crypto';
import type { ErrorRecord } from '@annex/protocol';
import type { CallAccountability, SandboxEvent, SandboxLimits, SandboxStats } from '../types.js';

const TOKEN_BYTES = 18;
/** Randomness for tokens is drawn in blocks: one `randomFillSync` per call cost ~5% of host CPU. */
const tokenPool = Buffer.alloc(TOKEN_BYTES * 256);
let tokenOffset = tokenPool.length;

function randomToken(): string {
  if (tokenOffset + TOKEN_BYTES > tokenPool.length) {
    randomFillSync(tokenPool);
    tokenOffset = 0;
  }
  const token = tokenPool.toString('base64url', tokenOffset, tokenOffset + TOKEN_BYTES);
  /* Each byte is used once: wipe what was handed out. */
  tokenPool.fill(0, tokenOffset, tokenOffset + TOKEN_BYTES);
  tokenOffset += TOKEN_BYTES;
  return token;
}

/** One call as the parent tracks it: replay safety for worker crashes. */
export interface CallTicket {
  attempts: number;
  /** A capability with outside effects ran while this call was in flight. */
  sideEffects: boolean;
}

/**
 * Per-instance bookkeeping on the host side: counters, the fault window and quarantine,
 * accountability tokens of calls in flight. Plain state; engines feed it.
 */
export class InstanceState {
  readonly counters = { calls: 0, errors: 0, timeouts: 0, wallTimeMs: 0, faults: 0 };
  inFlight = 0;
  quarantined = false;
  lastError: ErrorRecord | null = null;
  cpuTimeMs = 0;
  heapUsedBytes = 0;
  private faultTimes: number[] = [];
  private readonly tokens = new Map<string, CallAccountability>();
  readonly tickets = new Set<CallTicket>();

  constructor(
    readonly id: string,
    readonly limits: SandboxLimits,
    private readonly emit: (event: SandboxEvent) => void,
  ) {}

  /** A token that lets capability calls act as `accountability` until `revokeToken`. */
  mintToken(accountability: CallAccountability): string {
    const token = randomToken();
    this.tokens.set(token, accountability);
    return token;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  resolveToken(token: string): CallAccountability | undefined {
    return this.tokens.get(token);
  }

  markSideEffects(): void {
    for (const t of this.tickets) t.sideEffects = true;
  }

  recordError(error: ErrorRecord, countsAsTimeout: boolean): void {
    this.counters.errors++;
    if (countsAsTimeout) this.counters.timeouts++;
    this.lastError = error;
  }

  /** Count a fault; enough of them inside the window quarantine the instance. */
  recordFault(error: ErrorRecord, now = Date.now()): void {
    this.counters.faults++;
    this.lastError = error;
    this.faultTimes = this.faultTimes.filter((t) => now - t < this.limits.faultWindowMs);
    this.faultTimes.push(now);
    this.emit({ type: 'fault', id: this.id, error });
    if (!this.quarantined && this.faultTimes.length >= this.limits.maxFaults) {
      this.quarantined = true;
      this.emit({ type: 'quarantined', id: this.id, error });
    }
  }

  resetQuarantine(): void {
    const was = this.quarantined;
    this.quarantined = false;
    this.faultTimes = [];
    if (was) this.emit({ type: 'quarantine-reset', id: this.id });
  }

  stats(): SandboxStats {
    return {
      calls: this.counters.calls,
      errors: this.counters.errors,
      timeouts: this.counters.timeouts,
      cpuTimeMs: this.cpuTimeMs,
      wallTimeMs: this.counters.wallTimeMs,
      heapUsedBytes: this.heapUsedBytes,
      inFlight: this.inFlight,
      faults: this.counters.faults,
      quarantined: this.quarantined,
      lastError: this.lastError,
    };
  }
}
