import fs from 'node:fs';
import path from 'node:path';
import type { TestSpecification } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { HEAVY_FILES, HeavyFirstSequencer } from './heavy-first-sequencer.js';
import { ROOT } from './host.js';

/** A specification as the sequencer reads it: its file, its project's name and group. */
function spec(file: string, project: string, groupOrder: number): TestSpecification {
  return {
    moduleId: path.join(ROOT, file),
    project: { name: project, config: { sequence: { groupOrder }, isolate: false } },
  } as unknown as TestSpecification;
}

/** A run without a timings cache, as in a clean clone: the base order falls back to file size. */
function sequencer(sizes: Record<string, number>): HeavyFirstSequencer {
  const ctx = {
    config: { root: ROOT },
    cache: {
      getFileTestResults: () => undefined,
      getFileStats: (key: string) => ({ size: sizes[key.slice(key.indexOf(':') + 1)] ?? 0 }),
    },
  };
  return new HeavyFirstSequencer(ctx as never);
}

describe('heavy-first sequencer', () => {
  it('names only files that exist (a renamed file would silently lose its place)', () => {
    expect(HEAVY_FILES.filter((f) => !fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  });

  it('starts the heavy files first in their group, longest first, and keeps the base order for the rest', async () => {
    const [first, second] = HEAVY_FILES as [string, string];
    const files = [
      spec('test/a-big.test.ts', 'parallel', 0),
      spec(second, 'parallel', 0),
      spec('test/z-late.test.ts', 'load-sensitive', 1),
      spec('host/src/__tests__/small.test.ts', 'unit', 0),
      spec(first, 'parallel', 0),
    ];
    // The heavy files are the smallest here: by size alone they would start last.
    const sizes = { 'test/a-big.test.ts': 9000, 'host/src/__tests__/small.test.ts': 10, [first]: 1, [second]: 2 };
    const order = (await sequencer(sizes).sort(files)).map((f) => path.relative(ROOT, f.moduleId));
    expect(order).toEqual([
      first,
      second,
      'test/a-big.test.ts',
      'host/src/__tests__/small.test.ts',
      'test/z-late.test.ts',
    ]);
  });
});
