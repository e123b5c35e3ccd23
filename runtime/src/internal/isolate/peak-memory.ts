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
 * What the runtime can see is the process's peak resident size (getrusage, a cheap syscall): an
 * entry into the isolate (a call, a continuation, a timer) during which the peak grew by more than
 * twice the limit plus 16 MB did allocate past its limit (a legitimate entry cannot grow the heap
 * much beyond it). Such an entry is a memory fault: its call fails with RT_MEMORY_LIMIT and the
 * isolate is re-created. The growth itself cannot be refused; it is bounded by V8's maximum string
 * length and ends with the entry.
 */
export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** The peak as an entry starts: reset first when it still holds an earlier spike. */
export function entryPeakRssKb(): number {
  if (staleSince !== undefined) {
    resetPeakRss();
    // Until the spike's pages are released (a disposed isolate frees them a little later), keep resetting.
    if (process.memoryUsage.rss() / 1024 < staleSince + 16 * 1024) staleSince = undefined;
  }
  return process.resourceUsage().maxRSS;
}

/** Growth of the peak during one entry that only an allocation past the limit explains. */
export function overshootKb(memoryMb: number): number {
  return (2 * memoryMb + 16) * 1024;
}

/** Per process: the peak before a spike that the current peak still holds (undefined: none). */
let staleSince: number | undefined;

/**
 * After a fault the peak stays at the spike: the next entries of any isolate in this process reset
 * it, until the resident size is back near `beforeKb`, so the next spike is measured from there.
 */
export function markPeakStale(beforeKb: number): void {
  staleSince = beforeKb;
}

/** Linux `/proc/self/clear_refs` 5 resets the peak to the current size; elsewhere only spikes above the old peak are seen. */
function resetPeakRss(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux, or not permitted */
  }
}
