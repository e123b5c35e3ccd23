import fs from 'node:fs';

/**
 * What V8 lets through the isolate's memory limit, and how it is still charged.
 *
 * isolated-vm sets the isolate's old generation to the limit, but when an allocation would pass it
 * V8 asks a near-heap-limit callback, and isolated-vm's grants up to 1 GB more (so the process does
 * not abort) and only terminates the isolate if a later full GC still finds it over the limit. A
 * string built as a rope (`'x'.repeat(5e8)`, `s += s`) costs nothing until an operation flattens
 * it: that one allocation (up to V8's maximum string length, ~512 MB one-byte, 1 GB two-byte) goes
 * through, is used, and is garbage before any GC looks. The worker grew by hundreds of MB and the
 * call succeeded. V8 offers no per-isolate cap on string length and no hook at the allocation.
 *
 * What the runtime can see is the process's peak resident size (getrusage): an entry into the
 * isolate (a call, a continuation, a timer) during which the peak grew by more than twice the limit
 * plus 16 MB did allocate past its limit (a legitimate entry cannot grow the heap much beyond it).
 * Such an entry is a memory fault: its call fails with RT_MEMORY_LIMIT and the isolate is
 * re-created. The growth itself cannot be refused; it is bounded by V8's maximum string length and
 * ends with the entry.
 *
 * Reading the peak costs a syscall (1-5 µs, as much as a fifth of a small call's worker time), so
 * it is not read around every entry. Growing the resident size by N bytes means writing N bytes of
 * fresh pages, which takes at least N / (the core's write rate) of that thread's time: the overshoot
 * (16 MB or more) takes over 0.5 ms even at 32 GB/s, beyond any one core. So an entry shorter than
 * `UNMEASURED_MS` cannot be the culprit and is not read after; the peak is read once per
 * synchronous run of the worker (the baseline), and again after entries once their unread time
 * reaches `UNMEASURED_MS`, so what short entries grew (at most 0.1 ms of writing, ~3 MB) is all
 * that can be counted against the entry measured next, well within the overshoot's 16 MB margin.
 */
export const UNMEASURED_MS = 0.1;

/** Growth of the peak during one entry that only an allocation past the limit explains. */
export function overshootKb(memoryMb: number): number {
  return (2 * memoryMb + 16) * 1024;
}

/** What one entry's measurement found: the peak it started from and how much it grew. */
export interface EntryGrowth {
  beforeKb: number;
  growthKb: number;
}

/**
 * The process-wide peak as entries see it. `read` is getrusage's maxRSS (KB); `reset` lowers the
 * peak to the current size (Linux only); `rssKb` is the current resident size.
 */
export class PeakWatch {
  /** The peak read in this synchronous run (undefined: read it at the next entry). */
  private baselineKb: number | undefined;
  /** Wall time of entries since the baseline was read. */
  private unreadMs = 0;
  private expiryQueued = false;
  /** The peak before a spike that the current peak still holds (undefined: none). */
  private staleSince: number | undefined;
  readonly reads = { count: 0 };
  private readonly expire = () => {
    this.expiryQueued = false;
    this.baselineKb = undefined;
  };

  constructor(
    private readonly read: () => number,
    private readonly reset: () => void,
    private readonly rssKb: () => number,
  ) {}

  /** At the start of an outer entry. */
  begin(): void {
    if (this.staleSince !== undefined) {
      this.reset();
      // Until the spike's pages are released (a disposed isolate frees them a little later), keep resetting.
      if (this.rssKb() < this.staleSince + 16 * 1024) this.staleSince = undefined;
      this.baselineKb = undefined;
    }
    if (this.baselineKb === undefined) this.readBaseline();
  }

  /** At the end of an outer entry that took `ms` of wall time: its growth, or undefined when too short to matter. */
  end(ms: number): EntryGrowth | undefined {
    this.unreadMs += ms;
    if (this.unreadMs < UNMEASURED_MS || this.baselineKb === undefined) return undefined;
    const beforeKb = this.baselineKb;
    const now = this.take();
    this.baselineKb = now;
    this.unreadMs = 0;
    return { beforeKb, growthKb: now - beforeKb };
  }

  /** After a fault the peak stays at the spike: the next entries reset it until the resident size is back near `beforeKb`. */
  markStale(beforeKb: number): void {
    this.staleSince = beforeKb;
    this.baselineKb = undefined;
  }

  /** Work that is no entry grew the process (an isolate loaded): the next entry starts from a fresh reading. */
  invalidate(): void {
    this.baselineKb = undefined;
  }

  private readBaseline(): void {
    this.baselineKb = this.take();
    this.unreadMs = 0;
    // Valid for this synchronous run only: between runs the worker itself (IPC, loads) may grow.
    if (!this.expiryQueued) {
      this.expiryQueued = true;
      queueMicrotask(this.expire);
    }
  }

  private take(): number {
    this.reads.count++;
    return this.read();
  }
}

/** Linux `/proc/self/clear_refs` 5 resets the peak to the current size; elsewhere only spikes above the old peak are seen. */
function resetPeakRss(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux, or not permitted */
  }
}

/** The one watch of this process (every isolate of a worker shares its peak). */
export const peakWatch = new PeakWatch(
  () => process.resourceUsage().maxRSS,
  resetPeakRss,
  () => process.memoryUsage.rss() / 1024,
);
