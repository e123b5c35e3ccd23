import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine, route, spec } from './helpers.js';

/* EXTENSIONS_SANDBOX_WORKERS is a maximum: an idle host runs one worker, not all of them. */
describe('process engine: workers start on demand', () => {
  let engine: ReturnType<typeof createTestEngine>;
  afterEach(() => engine?.close());

  it('starts no worker before the first load and one until every running worker is full', async () => {
    engine = createTestEngine('process', { workers: 3, instancesPerWorker: 2 });
    expect(engine.workers()).toEqual([]);
    await engine.load(spec(route('return 1;')));
    await engine.load(spec(route('return 1;')));
    expect(engine.workers().map((w) => w.instances.length)).toEqual([2]);
    const third = await engine.load(spec(route('return 3;')));
    expect(third.worker).toBe(1);
    expect(engine.workers().map((w) => w.instances.length)).toEqual([2, 1]);
    expect(await third.call(0, [{}])).toEqual({ status: 200, body: 3 });
  });

  it('never starts more than the maximum, and a pinned spec starts the worker it names', async () => {
    engine = createTestEngine('process', { workers: 2, instancesPerWorker: 1 });
    await Promise.all([1, 2, 3, 4].map(() => engine.load(spec(route('return 1;')))));
    expect(engine.workers()).toHaveLength(2);
    await engine.close();
    engine = createTestEngine('process', { workers: 2, instancesPerWorker: 10 });
    const pinned = await engine.load(spec(route('return 1;'), { worker: 1 }));
    expect(pinned.worker).toBe(1);
    expect(engine.workers().map((w) => w.instances.length)).toEqual([0, 1]);
  });
});

describe('process engine: warm()', () => {
  let engine: ReturnType<typeof createTestEngine>;
  afterEach(() => engine?.close());

  it('starts the first worker ahead of any load, and the first load goes to it', async () => {
    engine = createTestEngine('process', { workers: 2, instancesPerWorker: 4 });
    engine.warm?.();
    expect(engine.workers()).toHaveLength(1);
    const pid = engine.workers()[0].pid;
    const inst = await engine.load(spec(route('return 1;')));
    expect(inst.worker).toBe(0);
    expect(engine.workers()).toHaveLength(1);
    expect(engine.workers()[0].pid ?? pid).toBeDefined();
  });
});
