import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
// @ts-expect-error plain JS module of the insights app extension
import {
  cellsFromPixels,
  geometry,
  GRID_COLUMNS,
  movePanel,
  overlaps,
  placeNew,
  resizePanel,
} from '../../host/builtins/app-modules/src/insights/grid.js';

const panel = (x: number, y: number, w: number, h: number) => ({ position_x: x, position_y: y, width: w, height: h });

describe('panel grid editor', () => {
  it('turns pointer movement into whole cells', () => {
    expect([cellsFromPixels(61, 20), cellsFromPixels(-29, 20), cellsFromPixels(9, 20), cellsFromPixels(5, 0)]).toEqual([
      3, -1, 0, 0,
    ]);
  });

  it('moves a panel and keeps it inside the grid', () => {
    expect(geometry(movePanel(panel(5, 5, 10, 6), 3, -2))).toEqual(panel(8, 3, 10, 6));
    expect(geometry(movePanel(panel(5, 5, 10, 6), -20, -20))).toEqual(panel(1, 1, 10, 6));
    expect(movePanel(panel(5, 5, 10, 6), 100, 0).position_x).toBe(GRID_COLUMNS - 10 + 1);
  });

  it("resizes from the corner, never below the panel type's minimum or past the last column", () => {
    expect(geometry(resizePanel(panel(1, 1, 10, 6), 4, 2))).toEqual(panel(1, 1, 14, 8));
    expect(geometry(resizePanel(panel(1, 1, 10, 6), -20, -20, { minWidth: 8, minHeight: 4 }))).toEqual(
      panel(1, 1, 8, 4),
    );
    expect(resizePanel(panel(40, 1, 6, 6), 50, 0).width).toBe(GRID_COLUMNS - 40 + 1);
  });

  it('places a new panel in the first free spot', () => {
    const placed = [panel(1, 1, 24, 8), panel(25, 1, 12, 8)];
    const next = placeNew(placed, { width: 12, height: 8 });
    expect(next).toEqual(panel(37, 1, 12, 8));
    expect(placed.some((p) => overlaps(p, next))).toBe(false);
    expect(placeNew([...placed, next], { width: 12, height: 8 })).toEqual(panel(1, 9, 12, 8));
  });
});

describe('panel grid: positions saved and restored', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
  }, 60_000);
  afterAll(() => t?.close());

  it('writes a moved and resized panel to directus_panels and reads the same geometry back', async () => {
    const dashboard = (await t.api('POST', '/dashboards', { name: 'Grid' })).body.data;
    const created = (
      await t.api('POST', '/panels', {
        dashboard: dashboard.id,
        type: 'label',
        name: 'L',
        options: { text: 'x' },
        ...placeNew([], { width: 12, height: 6 }),
      })
    ).body.data;
    const moved = resizePanel(movePanel(created, 4, 3), 6, 2);
    const res = await t.api('PATCH', `/panels/${created.id}`, geometry(moved));
    expect(res.status).toBe(200);
    const restored = (await t.api('GET', `/panels/${created.id}`)).body.data;
    expect(geometry(restored)).toEqual(panel(5, 4, 18, 8));
  });
});
