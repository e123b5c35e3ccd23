import { describe, expect, it } from 'vitest';
import { triageCrash } from '../internal/process/crash-triage.js';
import { createOutbox } from '../internal/process/outbox.js';

describe('crash triage', () => {
  const call = (inst: string, sideEffects = false) => ({ inst, sideEffects });

  it('an unattributed crash blames nobody: replay-safe calls replay, calls with effects fail', () => {
    const a = call('a');
    const b = call('b', true);
    const v = triageCrash([a, b], new Map(), undefined);
    expect([...v.culprits]).toEqual([]);
    expect(v.replay).toEqual([a]);
    expect(v.fail).toEqual([b]);
  });

  it('the instance the worker named is the culprit and all its calls fail', () => {
    const a1 = call('a');
    const a2 = call('a');
    const b = call('b');
    const v = triageCrash([a1, a2, b], new Map([['a', 'catastrophic']]), undefined);
    expect([...v.culprits]).toEqual([['a', 'catastrophic']]);
    expect(v.fail).toEqual([a1, a2]);
    expect(v.replay).toEqual([b]);
  });

  it('a call replayed alone when the worker died again is the culprit', () => {
    const a = call('a');
    const v = triageCrash([a], new Map(), a);
    expect([...v.culprits.keys()]).toEqual(['a']);
    expect(v.fail).toEqual([a]);
  });
});

describe('IPC outbox', () => {
  it('sends everything pushed in one turn as one batch, after pending microtasks', async () => {
    const batches: number[][] = [];
    const box = createOutbox<number>((b) => batches.push(b));
    box.push(1);
    await Promise.resolve();
    box.push(2);
    queueMicrotask(() => box.push(3));
    await new Promise((r) => setImmediate(r));
    box.push(4);
    box.flush();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('with holdMs, a long turn sends what waited longer than that at once and the rest at the turn end', async () => {
    const batches: number[][] = [];
    const box = createOutbox<number>((b) => batches.push(b), { holdMs: 5 });
    box.push(1);
    box.push(2);
    const until = performance.now() + 8;
    while (performance.now() < until) {
      /* a turn that keeps this process busy */
    }
    box.push(3);
    expect(batches).toEqual([[1, 2, 3]]);
    box.push(4);
    expect(batches).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });
});
