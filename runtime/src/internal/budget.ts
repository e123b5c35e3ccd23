/**
 * Budgets charged to one extension whatever it is doing, in a call or not: a rate of capability
 * calls (token bucket) and a share of the CPU for work no call waits for (capability
 * continuations, timers). Exceeding one is a fault of the extension, reported at most once per
 * `reportEveryMs` so a flood turns into a steady count towards quarantine, not a flood of events.
 */

/** A token bucket: `perSecond` takes a second on average, bursts up to `burst` (default one second's worth). */
export class RateBudget {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    burst = perSecond,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = Math.max(perSecond, burst);
    this.tokens = this.burst;
    this.last = now();
  }

  /** Take one token; false when the budget is spent. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A share of one CPU over a sliding window, charged in nanoseconds; O(1) amortised per charge. */
export class CpuShareBudget {
  private charges: { at: number; ns: bigint }[] = [];
  private head = 0;
  private total = 0n;
  private readonly allowedNs: bigint;

  constructor(
    private readonly windowMs: number,
    share: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.allowedNs = BigInt(Math.round(windowMs * share * 1e6));
  }

  /** Charge `ns`; true when the window's total went over the share (the window then starts afresh). */
  charge(ns: bigint): boolean {
    const now = this.now();
    while (this.head < this.charges.length && now - this.charges[this.head]!.at >= this.windowMs)
      this.total -= this.charges[this.head++]!.ns;
    if (this.head > 1024 && this.head * 2 > this.charges.length) {
      this.charges = this.charges.slice(this.head);
      this.head = 0;
    }
    this.charges.push({ at: now, ns });
    this.total += ns;
    if (this.total <= this.allowedNs) return false;
    this.reset();
    return true;
  }

  reset(): void {
    this.charges = [];
    this.head = 0;
    this.total = 0n;
  }
}

/** Lets one report through per interval (faults from a flood of refusals). */
export function createReportThrottle(everyMs: number, now: () => number = () => performance.now()): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < everyMs) return false;
    last = t;
    return true;
  };
}
