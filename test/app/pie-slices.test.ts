import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the built-in panels
import { pieSlices } from '../../host/builtins/app-panels/src/aggregate.js';

describe('pie slices', () => {
  it("gives each group its share of the whole, in the rows' order, leaving out empty groups", () => {
    const rows = [
      { status: 'paid', count: 3 },
      { status: 'open', count: { '*': 1 } },
      { status: null, count: 0 },
      { status: 'void', count: 4 },
    ];
    const slices = pieSlices(rows, 'status', 'count');
    expect(slices.map((s: { label: string }) => s.label)).toEqual(['paid', 'open', 'void']);
    expect(slices.map((s: { share: number }) => s.share)).toEqual([0.375, 0.125, 0.5]);
    // The first slice starts at the top and runs clockwise to 3/8 of a turn.
    expect(slices[0].path).toBe('M 0.0000 -1.0000 A 1 1 0 0 1 0.7071 0.7071 L 0 0 Z');
    // Half a turn exactly is not "large"; more than half is.
    expect(slices[2].path).toContain('A 1 1 0 0 1');
  });
  it('draws one whole group as two halves, and a donut as a ring', () => {
    const [whole] = pieSlices([{ g: 'all', sum: { total: 9 } }], 'g', 'sum');
    expect(whole.share).toBe(1);
    expect(whole.path.match(/M /g)).toHaveLength(2);
    const [ring] = pieSlices(
      [
        { g: 'a', count: 1 },
        { g: 'b', count: 1 },
      ],
      'g',
      'count',
      0.5,
    );
    expect(ring.path).toBe(
      'M 0.0000 -1.0000 A 1 1 0 0 1 0.0000 1.0000 L 0.0000 0.5000 A 0.5 0.5 0 0 0 0.0000 -0.5000 Z',
    );
  });
  it('has no slices for no data', () => {
    expect(pieSlices(null, 'g', 'count')).toEqual([]);
    expect(pieSlices([{ g: 'a', count: 0 }], 'g', 'count')).toEqual([]);
  });
});
