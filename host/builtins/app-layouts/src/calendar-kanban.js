// @ts-check
/*
 * The pure part of the calendar and kanban layouts, under Directus's option names: the calendar's
 * `startDateField`, `endDateField` and `template`, the board's `groupField`, `titleField`,
 * `textField` and `showUngrouped`.
 */

const DATE_TYPES = ['date', 'dateTime', 'timestamp'];
/** Fields a calendar can place items by. @param {any[]} fields */
export const dateFields = (fields) => fields.filter((f) => DATE_TYPES.includes(f.type));

/** The calendar day (`YYYY-MM-DD`, local time) a stored date falls on, or null. @param {unknown} value */
export function dayOf(value) {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  // A date field's value is the day itself; a datetime is placed on its local day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : ymd(d);
}

/** `YYYY-MM-DD` of a local date. @param {Date} d */
export const ymd = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The month's first and last day, for the filter that loads only the month's items.
 * @param {Date} month any day of the month
 */
export function monthRange(month) {
  const first = new Date(month.getFullYear(), month.getMonth(), 1);
  const last = new Date(month.getFullYear(), month.getMonth() + 1, 0);
  return { first: ymd(first), last: ymd(last) };
}

/**
 * The week (Monday to Sunday) a day falls in: its first and last day and the Monday as a Date.
 * @param {Date} day
 */
export function weekRange(day) {
  const monday = new Date(day.getFullYear(), day.getMonth(), day.getDate() - ((day.getDay() + 6) % 7));
  const sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6);
  return { first: ymd(monday), last: ymd(sunday), monday };
}

/**
 * The filter for items that touch the month: starting in it, or (with an end field) ending in it
 * or spanning it.
 * @param {Date} month @param {string} start @param {string | null | undefined} end
 */
export function monthFilter(month, start, end) {
  return rangeFilter(monthRange(month), start, end);
}

/**
 * The filter for items that touch the days from `first` to `last` (`YYYY-MM-DD`).
 * @param {{ first: string; last: string }} range @param {string} start @param {string | null | undefined} end
 */
export function rangeFilter({ first, last }, start, end) {
  const upTo = `${last}T23:59:59`;
  const starts = { [start]: { _between: [first, upTo] } };
  if (!end) return starts;
  return {
    _or: [
      starts,
      { [end]: { _between: [first, upTo] } },
      { _and: [{ [start]: { _lt: first } }, { [end]: { _gt: upTo } }] },
    ],
  };
}

/**
 * The month's cells, Monday first (blank cells before the first day), each day with the items on
 * it: from the start field's day to the end field's (inclusive; a missing or earlier end is the
 * start day).
 * @param {Date} month @param {any[]} items @param {string | null} start @param {string | null | undefined} end
 * @returns {({ day: number; date: string; items: any[] } | null)[]}
 */
export function monthCells(month, items, start, end) {
  const first = new Date(month.getFullYear(), month.getMonth(), 1);
  const count = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  /** @type {({ day: number; date: string; items: any[] } | null)[]} */
  const blanks = Array.from({ length: (first.getDay() + 6) % 7 }, () => null);
  const days = Array.from({ length: count }, (_, i) => new Date(first.getFullYear(), first.getMonth(), i + 1));
  return [...blanks, ...dayCells(days, items, start, end)];
}

/** One day as a range (`YYYY-MM-DD` both ends). @param {Date} day */
export function dayRange(day) {
  const d = ymd(day);
  return { first: d, last: d };
}

/**
 * The week's seven cells (Monday first), each day with the items on it, as `monthCells` places them.
 * @param {Date} day any day of the week @param {any[]} items @param {string | null} start @param {string | null | undefined} end
 */
export function weekCells(day, items, start, end) {
  return dayCells(gridDays(day, 'week'), items, start, end);
}

/**
 * Each of `days` with the items on it (from the start field's day to the end field's).
 * @param {Date[]} days @param {any[]} items @param {string | null} start @param {string | null | undefined} end
 */
function dayCells(days, items, start, end) {
  const spans = start
    ? items
        .map((item) => {
          const from = dayOf(item[start]);
          const to = (end && dayOf(item[end])) || from;
          return from ? { item, from, to: to && to >= from ? to : from } : null;
        })
        .filter((s) => s !== null)
    : [];
  return days.map((d) => {
    const date = ymd(d);
    return { day: d.getDate(), date, items: spans.filter((s) => s.from <= date && date <= s.to).map((s) => s.item) };
  });
}

/** Minutes in a day. */
const DAY_MINUTES = 24 * 60;
/** How long an item without an end (or with one before its start) lasts in the time grid (FullCalendar's default). */
const DEFAULT_MINUTES = 60;

/** A stored value with a time of day (a datetime, not a bare date) as a local Date, else null. @param {unknown} value */
function timeOf(value) {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The week's or the day's time grid, as Directus's `timeGridWeek` / `timeGridDay` draw it: per day,
 * the items that last whole days (a date field, or spanning more than one day) in its all-day row,
 * and the others placed by their hours: `top` and `height` in minutes of the day (at least 30, so
 * a short item stays clickable), side by side in `column` of `columns` where they overlap.
 * @param {Date[]} days @param {any[]} items @param {string | null} start @param {string | null | undefined} end
 * @returns {{ day: number; date: string; allDay: any[]; timed: { item: any; top: number; height: number; column: number; columns: number }[] }[]}
 */
export function timeGrid(days, items, start, end) {
  const cells = dayCells(days, items, start, end);
  return cells.map((cell) => {
    /** @type {any[]} */
    const allDay = [];
    /** @type {{ item: any; top: number; height: number; column: number; columns: number }[]} */
    const timed = [];
    for (const item of cell.items) {
      const from = start ? timeOf(item[start]) : null;
      const until = end ? timeOf(item[end]) : null;
      const sameDay = from && (!until || until <= from || ymd(until) === ymd(from));
      if (!from || !sameDay || ymd(from) !== cell.date) {
        allDay.push(item);
        continue;
      }
      const top = from.getHours() * 60 + from.getMinutes();
      const minutes = until && until > from ? (until.getTime() - from.getTime()) / 60000 : DEFAULT_MINUTES;
      timed.push({ item, top, height: Math.min(DAY_MINUTES - top, Math.max(30, minutes)), column: 0, columns: 1 });
    }
    placeSideBySide(timed);
    return { day: cell.day, date: cell.date, allDay, timed };
  });
}

/**
 * Overlapping items share the width: each group of items that overlap one another (directly or
 * through others) is split into as many columns as it needs, each item in the first free one.
 * @param {{ top: number; height: number; column: number; columns: number }[]} timed
 */
function placeSideBySide(timed) {
  timed.sort((a, b) => a.top - b.top || b.height - a.height);
  /** @type {typeof timed} */
  let group = [];
  /** @type {number[]} the end of each column's last item */
  let ends = [];
  let groupEnd = -1;
  const close = () => {
    for (const t of group) t.columns = ends.length;
    group = [];
    ends = [];
  };
  for (const t of timed) {
    if (t.top >= groupEnd) close();
    let column = ends.findIndex((e) => e <= t.top);
    if (column === -1) column = ends.push(0) - 1;
    ends[column] = t.top + t.height;
    t.column = column;
    group.push(t);
    groupEnd = Math.max(groupEnd, t.top + t.height);
  }
  close();
}

/** `YYYY-MM-DDTHH:mm:ss` of a local date: a `dateTime` field's value (no time zone, as Directus stores it). @param {Date} d */
const localDateTime = (d) =>
  `${ymd(d)}T${[d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')}`;

/**
 * A moved date in its field's form: a `date` field's `YYYY-MM-DD`, a `dateTime`'s local
 * `YYYY-MM-DDTHH:mm:ss`, a `timestamp`'s ISO instant.
 * @param {Date} d @param {string | undefined} type
 */
const asStored = (d, type) => (type === 'date' ? ymd(d) : type === 'timestamp' ? d.toISOString() : localDateTime(d));

/** A stored value as a local Date (a bare date at its local midnight), or null. @param {unknown} value */
function asDate(value) {
  const day = dayOf(value);
  if (!day) return null;
  return timeOf(value) ?? new Date(`${day}T00:00:00`);
}

/**
 * What moving an item to `target` writes, as FullCalendar's drag does in Directus's calendar: the
 * start on the target day, at `target.minute` of it when dropped at an hour of a time grid (else at
 * its own time of day), and the end moved by as much, so the item keeps its length. Values are
 * written in their fields' forms (`types`: field → type). Null when the item does not move (no
 * start, or the same place).
 * @param {any} item @param {string | null} start @param {string | null | undefined} end
 * @param {Record<string, string>} types @param {{ date: string; minute?: number }} target
 * @returns {Record<string, string> | null}
 */
export function movedDates(item, start, end, types, target) {
  const from = start ? asDate(item[start]) : null;
  if (!from || !start) return null;
  const moved = new Date(`${target.date}T00:00:00`);
  if (target.minute !== undefined && types[start] !== 'date') moved.setMinutes(target.minute);
  else moved.setHours(from.getHours(), from.getMinutes(), from.getSeconds(), from.getMilliseconds());
  const by = moved.getTime() - from.getTime();
  if (by === 0) return null;
  /** @type {Record<string, string>} */
  const patch = { [start]: asStored(moved, types[start]) };
  const until = end ? asDate(item[end]) : null;
  if (end && until) {
    // A date field moves by whole days (a daylight-saving change must not shift it by an hour).
    const shifted = new Date(until.getTime() + by);
    if (types[end] === 'date') shifted.setTime(new Date(`${ymd(until)}T12:00:00`).getTime() + by);
    patch[end] = asStored(shifted, types[end]);
  }
  return patch;
}

/** A quarter hour in milliseconds: the shortest a timed item is resized to. */
const QUARTER = 15 * 60000;

/**
 * What resizing an item by one of its edges writes, as FullCalendar's resize does in Directus
 * (`eventDurationEditable`, `eventResizableFromStart`): `edge` is `end` or `start`, and `target`
 * where it was dropped, a day (the edge keeps its time of day) or a time grid's day and quarter
 * hour (`minute`). A timed edge stays at least a quarter hour from the other, a `date` edge on or
 * beyond the other's day (an item's last day is its end date, as the calendar draws it). Null
 * without an end field or a start, or when the edge does not change.
 * @param {any} item @param {string | null} start @param {string | null | undefined} end
 * @param {Record<string, string>} types @param {{ date: string; minute?: number; edge: 'start' | 'end' }} target
 * @returns {Record<string, string> | null}
 */
export function resized(item, start, end, types, target) {
  const from = start ? asDate(item[start]) : null;
  if (!from || !start || !end) return null;
  const until = asDate(item[end]);
  const field = target.edge === 'start' ? start : end;
  const own = target.edge === 'start' ? from : (until ?? from);
  const at = new Date(`${target.date}T00:00:00`);
  if (types[field] !== 'date') {
    if (target.minute !== undefined) at.setMinutes(target.minute);
    else at.setHours(own.getHours(), own.getMinutes(), own.getSeconds(), own.getMilliseconds());
  }
  if (target.edge === 'end') {
    const earliest = types[end] === 'date' ? new Date(`${ymd(from)}T00:00:00`) : new Date(from.getTime() + QUARTER);
    if (at < earliest) at.setTime(earliest.getTime());
  } else if (until) {
    // The start stays before the end: on or before its day (a date end's day is the item's last).
    const latest =
      types[start] === 'date'
        ? new Date(`${ymd(until)}T00:00:00`)
        : types[end] === 'date'
          ? new Date(`${ymd(until)}T23:45:00`)
          : new Date(until.getTime() - QUARTER);
    if (at > latest) at.setTime(latest.getTime());
  }
  const current = asDate(item[field]);
  return current && asStored(current, types[field]) === asStored(at, types[field])
    ? null
    : { [field]: asStored(at, types[field]) };
}

/** The seven days of `day`'s week (Monday first), or `day` alone. @param {Date} day @param {'week' | 'day'} view */
export function gridDays(day, view) {
  if (view === 'day') return [new Date(day.getFullYear(), day.getMonth(), day.getDate())];
  const { monday } = weekRange(day);
  return Array.from({ length: 7 }, (_, i) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i));
}

/** Fields a board can group by: those with choices, plain strings, and many-to-ones. @param {any[]} fields */
export const groupFields = (fields) =>
  fields.filter(
    (f) =>
      Array.isArray(f.meta?.options?.choices) ||
      (f.type === 'string' && !f.schema?.is_primary_key) ||
      Boolean(f.schema?.foreign_key_table),
  );

/**
 * `items` in the order of the collection's sort field (Directus's manual order; items without a
 * value last, then by key), or as they are without one.
 * @param {any[]} items @param {string | null | undefined} sortField @param {string} pk
 */
export function manualOrder(items, sortField, pk) {
  if (!sortField) return items;
  const rank = (/** @type {any} */ v) =>
    v === null || v === undefined || v === '' ? Infinity : Number.isNaN(Number(v)) ? v : Number(v);
  return [...items].sort((a, b) => {
    const x = rank(a[sortField]);
    const y = rank(b[sortField]);
    if (x === y) return String(a[pk]).localeCompare(String(b[pk]), undefined, { numeric: true });
    return x < y ? -1 : 1;
  });
}

/**
 * The board's columns: one per choice of the group field (in the choices' order, empty ones too),
 * then any other value the items hold, then (with `showUngrouped`, or when items have none) the
 * items without a value.
 * A many-to-one's columns are its related items (`groups`, `{value, text}` each), in their order.
 * @param {any[]} items @param {{ field: string; meta?: any } | null} groupField @param {boolean} showUngrouped
 * @param {{ value: unknown; text: string }[] | null} [groups] @param {string} [groupKey] the related items' key field
 * @returns {{ value: unknown; title: string; items: any[] }[]}
 */
export function kanbanColumns(items, groupField, showUngrouped = false, groups = null, groupKey = 'id') {
  if (!groupField) return [{ value: undefined, title: 'All', items }];
  const key = groupField.field;
  const choices = groups ?? (Array.isArray(groupField.meta?.options?.choices) ? groupField.meta.options.choices : []);
  /** @type {Map<string, { value: unknown; title: string; items: any[] }>} */
  const columns = new Map();
  for (const c of choices)
    columns.set(JSON.stringify(c.value), { value: c.value, title: String(c.text ?? c.value), items: [] });
  const none = { value: null, title: 'Ungrouped', items: /** @type {any[]} */ ([]) };
  for (const item of items) {
    // A many-to-one read with its related item (`{id, …}`) is grouped by its key.
    const raw = item[key] ?? null;
    const value = groups && raw && typeof raw === 'object' ? (raw[groupKey] ?? null) : raw;
    if (value === null || value === '') {
      none.items.push(item);
      continue;
    }
    const id = JSON.stringify(value);
    if (!columns.has(id)) columns.set(id, { value, title: String(value), items: [] });
    columns.get(id)?.items.push(item);
  }
  const out = [...columns.values()];
  return showUngrouped || none.items.length ? [none, ...out] : out;
}
