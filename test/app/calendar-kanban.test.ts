import { describe, expect, it } from 'vitest';
import {
  dateFields,
  dayOf,
  groupFields,
  kanbanColumns,
  manualOrder,
  monthCells,
  monthFilter,
  monthRange,
  movedDates,
  resized,
  weekCells,
  timeGrid,
  gridDays,
  weekRange,
  // @ts-expect-error plain JS module of the built-in layouts
} from '../../host/builtins/app-layouts/src/calendar-kanban.js';

describe('the calendar', () => {
  const march = new Date(2026, 2, 1);
  it('places a date on its day, a datetime on its local day; junk on none', () => {
    expect(dayOf('2026-03-05')).toBe('2026-03-05');
    const local = new Date(2026, 2, 5, 23, 30);
    expect(dayOf(local.toISOString())).toBe('2026-03-05');
    expect([dayOf(null), dayOf(''), dayOf('not a date')]).toEqual([null, null, null]);
  });
  it('lays out a month Monday first, items from their start day to their end day', () => {
    const items = [
      { id: 1, starts: '2026-03-02', ends: '2026-03-04' },
      { id: 2, starts: '2026-03-10', ends: null },
      { id: 3, starts: '2026-02-27', ends: '2026-03-01' },
      { id: 4, starts: '2026-03-20', ends: '2026-03-18' },
    ];
    const cells = monthCells(march, items, 'starts', 'ends');
    // 1 March 2026 is a Sunday: six blank cells before it.
    expect(cells.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    const on = (date: string) =>
      cells.find((c: { date: string } | null) => c?.date === date)?.items.map((i: { id: number }) => i.id);
    expect(on('2026-03-01')).toEqual([3]);
    expect(on('2026-03-03')).toEqual([1]);
    expect(on('2026-03-04')).toEqual([1]);
    expect(on('2026-03-05')).toEqual([]);
    expect(on('2026-03-10')).toEqual([2]);
    // An end before the start is the start day only.
    expect(on('2026-03-20')).toEqual([4]);
    expect(on('2026-03-19')).toEqual([]);
    expect(cells.filter(Boolean)).toHaveLength(31);
    // Without a start field nothing is placed.
    expect(
      monthCells(march, items, null, null).every((c: { items: unknown[] } | null) => !c || c.items.length === 0),
    ).toBe(true);
  });
  it("loads only the month's items: starting in it, or ending in it, or spanning it", () => {
    expect(monthRange(new Date(2024, 1, 10))).toEqual({ first: '2024-02-01', last: '2024-02-29' });
    expect(monthFilter(march, 'starts', null)).toEqual({ starts: { _between: ['2026-03-01', '2026-03-31T23:59:59'] } });
    expect(monthFilter(march, 'starts', 'ends')._or).toHaveLength(3);
  });
  it('offers the date fields', () => {
    expect(
      dateFields([
        { field: 'a', type: 'date' },
        { field: 'b', type: 'string' },
        { field: 'c', type: 'timestamp' },
      ]).map((f: { field: string }) => f.field),
    ).toEqual(['a', 'c']);
  });
});

describe('the kanban board', () => {
  const status = {
    field: 'status',
    type: 'string',
    meta: {
      options: {
        choices: [
          { text: 'To do', value: 'todo' },
          { text: 'Doing', value: 'doing' },
          { text: 'Done', value: 'done' },
        ],
      },
    },
  };
  const items = [
    { id: 1, status: 'doing' },
    { id: 2, status: 'todo' },
    { id: 3, status: 'archived' },
    { id: 4, status: null },
  ];
  it("has a column per choice in the choices' order (empty ones too), then other values, then the ungrouped", () => {
    const cols = kanbanColumns(items, status, false);
    expect(cols.map((c: { title: string }) => c.title)).toEqual(['Ungrouped', 'To do', 'Doing', 'Done', 'archived']);
    expect(cols.find((c: { value: unknown }) => c.value === 'done').items).toEqual([]);
    expect(cols.find((c: { value: unknown }) => c.value === 'doing').items.map((i: { id: number }) => i.id)).toEqual([
      1,
    ]);
  });
  it('shows the ungrouped column only when asked or needed; no group field is one column', () => {
    const grouped = items.filter((i) => i.status);
    expect(kanbanColumns(grouped, status, false).map((c: { title: string }) => c.title)).not.toContain('Ungrouped');
    expect(kanbanColumns(grouped, status, true)[0].title).toBe('Ungrouped');
    expect(kanbanColumns(items, null, false)).toEqual([{ value: undefined, title: 'All', items }]);
  });
  it('groups by fields with choices or plain strings, never the key', () => {
    const fields = [
      status,
      { field: 'id', type: 'string', schema: { is_primary_key: true } },
      { field: 'n', type: 'integer' },
      { field: 'owner', type: 'string' },
    ];
    expect(groupFields(fields).map((f: { field: string }) => f.field)).toEqual(['status', 'owner']);
    const author = { field: 'author', type: 'integer', schema: { foreign_key_table: 'authors' } };
    expect(groupFields([...fields, author]).map((f: { field: string }) => f.field)).toEqual([
      'status',
      'owner',
      'author',
    ]);
  });

  it("groups by a many-to-one's related items, in their order, the empty ones too; a read related item by its key", () => {
    const author = { field: 'author', type: 'integer', schema: { foreign_key_table: 'authors' } };
    const groups = [
      { value: 1, text: 'Ada' },
      { value: 2, text: 'Bo' },
      { value: 3, text: 'Cy' },
    ];
    const items = [
      { id: 10, author: 2 },
      { id: 11, author: { id: 1, name: 'Ada' } },
      { id: 12, author: null },
      { id: 13, author: 2 },
    ];
    const cols = kanbanColumns(items, author, false, groups, 'id');
    expect(cols.map((c: any) => [c.title, c.value, c.items.map((i: any) => i.id)])).toEqual([
      ['Ungrouped', null, [12]],
      ['Ada', 1, [11]],
      ['Bo', 2, [10, 13]],
      ['Cy', 3, []],
    ]);
  });

  it('orders cards by the sort field, the items without a value last', () => {
    const items = [
      { id: 1, sort: 3 },
      { id: 2, sort: null },
      { id: 3, sort: 1 },
      { id: 4, sort: '2' },
      { id: 5, sort: null },
    ];
    expect(manualOrder(items, 'sort', 'id').map((i: any) => i.id)).toEqual([3, 4, 1, 2, 5]);
    expect(manualOrder(items, null, 'id')).toBe(items);
  });
});

describe('the calendar week', () => {
  it('runs Monday to Sunday, across a month end, with each item on its days', () => {
    expect(weekRange(new Date(2026, 2, 1))).toMatchObject({ first: '2026-02-23', last: '2026-03-01' });
    expect(weekRange(new Date(2026, 2, 2))).toMatchObject({ first: '2026-03-02', last: '2026-03-08' });
    const items = [
      { id: 1, starts: '2026-02-27', ends: '2026-03-02' },
      { id: 2, starts: '2026-03-01', ends: null },
    ];
    const cells = weekCells(new Date(2026, 1, 25), items, 'starts', 'ends');
    expect(cells.map((c: any) => `${c.date}:${c.items.map((i: any) => i.id).join('')}`)).toEqual([
      '2026-02-23:',
      '2026-02-24:',
      '2026-02-25:',
      '2026-02-26:',
      '2026-02-27:1',
      '2026-02-28:1',
      '2026-03-01:12',
    ]);
  });
});

describe('the calendar time grid (week and day)', () => {
  /** A local datetime as the API stores one (UTC, ISO). */
  const at = (d: number, h: number, m = 0) => new Date(2026, 2, d, h, m).toISOString();

  it('places items with a time by their hours, and whole-day or multi-day items in the all-day row', () => {
    const items = [
      { id: 1, starts: at(3, 9, 30), ends: at(3, 11) },
      { id: 2, starts: '2026-03-03', ends: null },
      { id: 3, starts: at(3, 22), ends: at(4, 2) },
      { id: 4, starts: at(4, 14), ends: null },
      { id: 5, starts: at(4, 23, 50), ends: null },
    ];
    const [tue, wed] = timeGrid(gridDays(new Date(2026, 2, 4), 'week'), items, 'starts', 'ends').slice(1, 3);
    expect(tue.date).toBe('2026-03-03');
    expect(tue.allDay.map((i: any) => i.id)).toEqual([2, 3]);
    expect(tue.timed.map((t: any) => [t.item.id, t.top, t.height])).toEqual([[1, 570, 90]]);
    expect(wed.allDay.map((i: any) => i.id)).toEqual([3]);
    // No end: an hour; at the day's end: cut at midnight.
    expect(wed.timed.map((t: any) => [t.item.id, t.top, t.height])).toEqual([
      [4, 840, 60],
      [5, 1430, 10],
    ]);
    expect(gridDays(new Date(2026, 2, 4), 'day').map((d) => d.getDate())).toEqual([4]);
  });

  it('puts overlapping items side by side, and a short one at least half an hour tall', () => {
    const items = [
      { id: 1, starts: at(5, 9), ends: at(5, 11) },
      { id: 2, starts: at(5, 10), ends: at(5, 10, 5) },
      { id: 3, starts: at(5, 10, 30), ends: at(5, 12) },
      { id: 4, starts: at(5, 13), ends: at(5, 14) },
    ];
    const [day] = timeGrid(gridDays(new Date(2026, 2, 5), 'day'), items, 'starts', 'ends');
    const placed = Object.fromEntries(day.timed.map((t: any) => [t.item.id, [t.column, t.columns, t.height]]));
    expect(placed).toEqual({ 1: [0, 2, 120], 2: [1, 2, 30], 3: [1, 2, 90], 4: [0, 1, 60] });
  });
});

describe('moving an item in the calendar (drag and drop)', () => {
  const types = { starts: 'dateTime', ends: 'dateTime', day: 'date', until: 'date', at: 'timestamp' };

  it('moves a timed item to another hour of another day and its end by as much (dateTime: local, no zone)', () => {
    const item = { starts: '2026-03-03T09:30:00', ends: '2026-03-03T11:00:00' };
    expect(movedDates(item, 'starts', 'ends', types, { date: '2026-03-05', minute: 14 * 60 + 15 })).toEqual({
      starts: '2026-03-05T14:15:00',
      ends: '2026-03-05T15:45:00',
    });
    // To another day without an hour (the month, the all-day row): its own time of day.
    expect(movedDates(item, 'starts', 'ends', types, { date: '2026-03-10' })).toEqual({
      starts: '2026-03-10T09:30:00',
      ends: '2026-03-10T11:00:00',
    });
  });

  it('moves dates by whole days and writes a timestamp as an instant', () => {
    expect(
      movedDates({ day: '2026-03-03', until: '2026-03-05' }, 'day', 'until', types, {
        date: '2026-03-30',
        minute: 600,
      }),
    ).toEqual({
      day: '2026-03-30',
      until: '2026-04-01',
    });
    const local = new Date(2026, 2, 3, 8, 0);
    const moved = movedDates({ at: local.toISOString() }, 'at', null, types, { date: '2026-03-04', minute: 9 * 60 });
    expect(moved).toEqual({ at: new Date(2026, 2, 4, 9, 0).toISOString() });
  });

  it('moves nothing without a start, or to where it already is', () => {
    expect(movedDates({ starts: null }, 'starts', 'ends', types, { date: '2026-03-05' })).toBeNull();
    expect(
      movedDates({ starts: '2026-03-03T09:30:00' }, 'starts', null, types, { date: '2026-03-03', minute: 570 }),
    ).toBeNull();
    expect(movedDates({ starts: '2026-03-03T09:30:00' }, null, null, types, { date: '2026-03-04' })).toBeNull();
  });
});

describe("resizing an item by an edge (FullCalendar's resize)", () => {
  const types = { starts: 'dateTime', ends: 'dateTime', first: 'date', last: 'date' };
  const item = { starts: '2026-03-03T09:30:00', ends: '2026-03-03T10:30:00' };
  const end = (target: { date: string; minute?: number }) =>
    resized(item, 'starts', 'ends', types, { ...target, edge: 'end' });
  const start = (target: { date: string; minute?: number }) =>
    resized(item, 'starts', 'ends', types, { ...target, edge: 'start' });

  it('sets the end at the quarter hour it is dropped on, at least a quarter hour after the start', () => {
    expect(end({ date: '2026-03-03', minute: 12 * 60 })).toEqual({ ends: '2026-03-03T12:00:00' });
    expect(end({ date: '2026-03-03', minute: 8 * 60 })).toEqual({ ends: '2026-03-03T09:45:00' });
    // Over midnight onto the next day's column.
    expect(end({ date: '2026-03-04', minute: 60 })).toEqual({ ends: '2026-03-04T01:00:00' });
  });

  it('sets the start at the quarter hour it is dropped on, at least a quarter hour before the end', () => {
    expect(start({ date: '2026-03-03', minute: 8 * 60 })).toEqual({ starts: '2026-03-03T08:00:00' });
    expect(start({ date: '2026-03-03', minute: 11 * 60 })).toEqual({ starts: '2026-03-03T10:15:00' });
    expect(start({ date: '2026-03-01', minute: 22 * 60 })).toEqual({ starts: '2026-03-01T22:00:00' });
  });

  it('dropped on a day (the month, the all-day row), moves the edge to that day at its own time', () => {
    expect(end({ date: '2026-03-05' })).toEqual({ ends: '2026-03-05T10:30:00' });
    expect(start({ date: '2026-02-27' })).toEqual({ starts: '2026-02-27T09:30:00' });
    // A start dropped after the end's day stops a quarter hour before the end.
    expect(start({ date: '2026-03-09' })).toEqual({ starts: '2026-03-03T10:15:00' });
  });

  it('stretches a whole-day item by days, its end date its last day', () => {
    const days = { first: '2026-03-03', last: '2026-03-04' };
    expect(resized(days, 'first', 'last', types, { date: '2026-03-07', edge: 'end' })).toEqual({ last: '2026-03-07' });
    expect(resized(days, 'first', 'last', types, { date: '2026-03-01', edge: 'start' })).toEqual({
      first: '2026-03-01',
    });
    // Neither edge passes the other: a one-day item at the least.
    expect(resized(days, 'first', 'last', types, { date: '2026-03-01', edge: 'end' })).toEqual({ last: '2026-03-03' });
    expect(resized(days, 'first', 'last', types, { date: '2026-03-08', edge: 'start' })).toEqual({
      first: '2026-03-04',
    });
    // A timed start before a date end: at 23:45 of the end's day at the latest.
    const mixed = { starts: '2026-03-03T09:30:00', last: '2026-03-04' };
    expect(resized(mixed, 'starts', 'last', types, { date: '2026-03-06', edge: 'start' })).toEqual({
      starts: '2026-03-04T23:45:00',
    });
  });

  it('gives an item without an end one where its end is dropped', () => {
    expect(
      resized({ starts: item.starts, ends: null }, 'starts', 'ends', types, { date: '2026-03-04', edge: 'end' }),
    ).toEqual({
      ends: '2026-03-04T09:30:00',
    });
  });

  it('changes nothing without an end field, or to where the edge already is', () => {
    expect(resized(item, 'starts', null, types, { date: '2026-03-03', minute: 720, edge: 'end' })).toBeNull();
    expect(end({ date: '2026-03-03', minute: 630 })).toBeNull();
    expect(start({ date: '2026-03-03', minute: 570 })).toBeNull();
    expect(start({ date: '2026-03-03' })).toBeNull();
  });
});
