import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the built-in modules
import { groupKey, panelRows, restQuery } from '../../host/builtins/app-modules/src/insights/panel-data.js';
import {
  areaPath,
  formatMetric,
  groupTime,
  meetsRule,
  place,
  precisionGroups,
  rangeStart,
  ruleColor,
  seriesPath,
  // @ts-expect-error plain JS module of the built-in panels
} from '../../host/builtins/app-panels/src/chart.js';
// @ts-expect-error plain JS module of the built-in panels
import { groupLabel, pieSlices } from '../../host/builtins/app-panels/src/aggregate.js';

describe("a panel query as Directus's insights run it", () => {
  it('sends `group` as REST groupBy and leaves other queries as they are', () => {
    expect(restQuery({ group: ['status'], aggregate: { count: ['*'] }, limit: -1 })).toEqual({
      groupBy: ['status'],
      aggregate: { count: ['*'] },
      limit: -1,
    });
    expect(restQuery({ group: 'status' })).toEqual({ groupBy: ['status'] });
    const plain = { fields: ['id'], limit: 5 };
    expect(restQuery(plain)).toBe(plain);
  });

  it('hands grouped aggregates over as GraphQL answers them: the groups under `group`', () => {
    const query = { group: ['status', 'year(placed)'], aggregate: { sum: ['total'] } };
    const rows = [{ status: 'paid', placed_year: 2024, sum: { total: 15 } }];
    expect(panelRows(query, rows)).toEqual([{ group: { status: 'paid', placed_year: 2024 }, sum: { total: 15 } }]);
    expect(groupKey('month(date_created)')).toBe('date_created_month');
    // Without a group (or an aggregate) the rows are REST's.
    const flat = [{ count: { '*': 3 } }];
    expect(panelRows({ aggregate: { count: ['*'] } }, flat)).toBe(flat);
    expect(panelRows({ fields: ['id'] }, [{ id: 1 }])).toEqual([{ id: 1 }]);
  });

  it('reads a group from Directus-shaped and flat rows alike', () => {
    expect(groupLabel({ group: { status: 'paid' } }, 'status')).toBe('paid');
    expect(groupLabel({ status: 'open' }, 'status')).toBe('open');
    expect(groupLabel({ group: { status: null } }, 'status')).toBe('—');
    const slices = pieSlices(
      [
        { group: { s: 'a' }, count: { s: 1 } },
        { group: { s: 'b' }, count: { s: 3 } },
      ],
      's',
    );
    expect(slices.map((x: any) => [x.label, x.share])).toEqual([
      ['a', 0.25],
      ['b', 0.75],
    ]);
  });
});

describe("Directus's conditional styles", () => {
  it('compares numbers as numbers and text as text', () => {
    expect(meetsRule(10, { operator: '>=', value: '10' })).toBe(true);
    expect(meetsRule(9, { operator: '>=', value: '10' })).toBe(false);
    expect(meetsRule('9', { operator: '<', value: '10' })).toBe(true);
    expect(meetsRule('paid', { operator: '=', value: 'paid' })).toBe(true);
    expect(meetsRule('paid', { operator: '!=', value: 'paid' })).toBe(false);
    expect(meetsRule('Paid order', { operator: 'icontains', value: 'ORDER' })).toBe(true);
    expect(meetsRule('Paid order', { operator: 'contains', value: 'ORDER' })).toBe(false);
    expect(meetsRule('Paid order', { operator: 'nstarts_with', value: 'Paid' })).toBe(false);
    expect(meetsRule('Paid order', { operator: 'niends_with', value: 'ORDER' })).toBe(false);
    expect(meetsRule(1, { operator: 'between', value: 0 })).toBe(false);
  });

  it('takes the color of the last rule met, per axis on the bar chart', () => {
    const rules = [
      { operator: '>', value: 0, color: 'green' },
      { operator: '>', value: 100, color: 'red' },
      { axis: 'X', operator: '=', value: 'open', color: 'blue' },
    ];
    expect(ruleColor(50, rules, 'grey')).toBe('green');
    expect(ruleColor(150, rules, 'grey')).toBe('red');
    expect(ruleColor(-1, rules.slice(0, 2), 'grey')).toBe('grey');
    expect(ruleColor('open', rules, 'grey', 'X')).toBe('blue');
    expect(ruleColor(150, rules, 'grey', 'Y')).toBe('red');
    expect(ruleColor(5, null, undefined)).toBeUndefined();
  });
});

describe('metric formats', () => {
  it("prints Directus's styles, notations, digits, prefix and suffix", () => {
    expect(formatMetric(1234.5, { decimals: 0 })).toBe('1,235');
    expect(formatMetric(1234.5, { decimals: 2, prefix: '≈ ', suffix: ' kg' })).toBe('≈ 1,234.50 kg');
    expect(formatMetric(1234567, { abbreviate: true })).toBe('1.23M');
    expect(formatMetric(0.25, { numberStyle: 'percent' })).toBe('25%');
    expect(formatMetric(12, { numberStyle: 'currency', unit: 'EUR', minimumFractionDigits: 2 })).toBe('€12.00');
    expect(formatMetric(3, { numberStyle: 'unit', unit: 'kilogram' })).toBe('3 kg');
    expect(formatMetric(3, { numberStyle: 'currency', unit: 'NOPE' })).toBe('3');
    expect(formatMetric(1500, { notation: 'scientific', maximumFractionDigits: 1 })).toBe('1.5E3');
    expect(formatMetric(null)).toBe('—');
    expect(formatMetric('abc', { prefix: '#' })).toBe('#abc');
  });
});

describe('time series', () => {
  it("groups by Directus's date parts for a precision", () => {
    expect(precisionGroups('day', 'placed')).toEqual(['year(placed)', 'month(placed)', 'day(placed)']);
    expect(precisionGroups(undefined, 'd')).toEqual(['year(d)', 'month(d)', 'day(d)', 'hour(d)']);
    expect(precisionGroups('week', 'd')).toEqual(['year(d)', 'month(d)', 'week(d)']);
  });

  it('turns grouped date parts into a time, in UTC', () => {
    const at = (group: object) => new Date(groupTime(group, 'd')).toISOString();
    expect(at({ d_year: 2024, d_month: 3, d_day: 2, d_hour: 17 })).toBe('2024-03-02T17:00:00.000Z');
    expect(at({ d_year: 2024, d_month: 1 })).toBe('2024-01-01T00:00:00.000Z');
    expect(at({ d_year: 2024, d_month: 1, d_week: 2 })).toBe('2024-01-15T00:00:00.000Z');
    expect(Number.isNaN(groupTime({}, 'd'))).toBe(true);
  });

  it('starts a range before now, and has none for auto', () => {
    const now = new Date('2024-03-31T12:00:00Z');
    expect(new Date(rangeStart(now, '1 week')).toISOString()).toBe('2024-03-24T12:00:00.000Z');
    expect(new Date(rangeStart(now, '3 months')).toISOString()).toBe('2023-12-31T12:00:00.000Z');
    expect(new Date(rangeStart(now, '15 minutes')).toISOString()).toBe('2024-03-31T11:45:00.000Z');
    expect(rangeStart(now, 'auto')).toBeUndefined();
  });

  it('places points in the box and draws straight, stepped and smooth lines through them', () => {
    const placed = place(
      [
        { x: 0, y: 0 },
        { x: 5, y: 10 },
        { x: 10, y: 5 },
      ],
      100,
      50,
    );
    expect(placed.map((p: any) => [p.px, p.py])).toEqual([
      [0, 50],
      [50, 0],
      [100, 25],
    ]);
    expect(seriesPath(placed, 'straight')).toBe('M 0 50 L 50 0 L 100 25');
    expect(seriesPath(placed, 'stepline')).toBe('M 0 50 H 50 V 0 H 100 V 25');
    expect(seriesPath(placed, 'smooth')).toBe('M 0 50 C 25 50 25 0 50 0 C 75 0 75 25 100 25');
    expect(areaPath(placed, 50, 'straight')).toBe('M 0 50 L 50 0 L 100 25 L 100 50 L 0 50 Z');
    // A fixed domain (the range up to now) leaves room where there is no data.
    expect(place([{ x: 5, y: 1 }], 100, 50, { x0: 0, x1: 10, y0: 0, y1: 2 })[0]).toMatchObject({ px: 50, py: 25 });
    expect(seriesPath([], 'smooth')).toBe('');
  });
});
