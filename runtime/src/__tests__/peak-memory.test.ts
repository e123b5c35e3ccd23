import { describe, expect, it } from 'vitest';
import { overshootKb, PeakWatch, UNMEASURED_MS } from '../internal/isolate/peak-memory.js';

/** A watch over a fake peak: `peak.kb` is what getrusage would say, `resets` counts clear_refs writes. */
function fakeWatch() {
  const peak = { kb: 100_000, rss: 100_000, resets: 0 };
  const watch = new PeakWatch(
    () => peak.kb,
    () => {
      peak.resets++;
      peak.kb = peak.rss;
    },
    () => peak.rss,
  );
  return { watch, peak };
}

const nextRun = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PeakWatch: the peak RSS read around isolate entries', () => {
  it('reads once per synchronous run for short entries, not twice per entry', () => {
    const { watch } = fakeWatch();
    for (let i = 0; i < 50; i++) {
      watch.begin();
      expect(watch.end(UNMEASURED_MS / 100)).toBeUndefined();
    }
    expect(watch.reads.count).toBe(1);
  });

  it('measures a long entry from the baseline and reports its growth', () => {
    const { watch, peak } = fakeWatch();
    watch.begin();
    peak.kb += overshootKb(32) + 1;
    const growth = watch.end(UNMEASURED_MS * 20);
    expect(growth).toEqual({ beforeKb: 100_000, growthKb: overshootKb(32) + 1 });
    expect(watch.reads.count).toBe(2);
  });

  it('reads once the unread time of short entries adds up, so what they grew is bounded', () => {
    const { watch, peak } = fakeWatch();
    const results = [];
    for (let i = 0; i < 10; i++) {
      watch.begin();
      peak.kb += 10;
      results.push(watch.end(UNMEASURED_MS / 4));
    }
    // The 4th entry brings the unread time to the budget: measured with the growth of all four.
    expect(results[3]).toEqual({ beforeKb: 100_000, growthKb: 40 });
    expect(results[7]).toEqual({ beforeKb: 100_040, growthKb: 40 });
    expect(results.filter((r) => r !== undefined)).toHaveLength(2);
    expect(watch.reads.count).toBe(3);
  });

  it('reads the baseline afresh in the next run: growth between runs is no entry’s', async () => {
    const { watch, peak } = fakeWatch();
    watch.begin();
    watch.end(0);
    await nextRun();
    peak.kb += overshootKb(32) * 2; // the worker itself grew between runs
    watch.begin();
    expect(watch.end(UNMEASURED_MS * 20)).toEqual({ beforeKb: peak.kb, growthKb: 0 });
    expect(watch.reads.count).toBe(3);
  });

  it('reads afresh after a load (invalidate) within the same run', () => {
    const { watch, peak } = fakeWatch();
    watch.begin();
    watch.end(0);
    peak.kb += 50_000; // a module's top level
    watch.invalidate();
    watch.begin();
    expect(watch.end(UNMEASURED_MS * 20)).toEqual({ beforeKb: peak.kb, growthKb: 0 });
  });

  it('after a spike, resets the peak at each entry until the resident size is back, then measures from there', () => {
    const { watch, peak } = fakeWatch();
    watch.begin();
    peak.kb += 600_000;
    peak.rss += 600_000;
    const spike = watch.end(UNMEASURED_MS * 20)!;
    watch.markStale(spike.beforeKb);
    watch.begin();
    expect(peak.resets).toBe(1);
    watch.end(0);
    peak.rss = 101_000; // the isolate's pages were freed
    watch.begin();
    expect(peak.resets).toBe(2);
    watch.end(0);
    watch.begin();
    expect(peak.resets).toBe(2); // no longer stale
    peak.kb += overshootKb(32) + 1;
    expect(watch.end(UNMEASURED_MS * 20)!.growthKb).toBe(overshootKb(32) + 1);
  });
});
