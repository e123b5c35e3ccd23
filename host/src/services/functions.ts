import type { Knex } from 'knex';
import { errors } from '../errors.js';
import { isConcealed } from './casting.js';
import type { CollectionOverview, FieldOverview } from '../schema/types.js';

/**
 * Directus's field functions: the date parts (`year(date_created)` in `fields`, `groupBy` and as a
 * filter key, `filter[month(published)][_eq]=12`, answered under `date_created_year`) and
 * `count(comments)`, the number of a one-to-many's related items the caller may see (in `fields`
 * and filters, answered under `comments_count`). Each gives an integer:
 * `week` is the week of the year (SQLite `%W`, weeks starting on Monday; PostgreSQL's ISO week),
 * `weekday` 0 = Sunday … 6 = Saturday. A `timestamp` field is read in UTC.
 */
export const DATE_FUNCTIONS = ['year', 'month', 'week', 'day', 'weekday', 'hour', 'minute', 'second'] as const;
export type DateFunction = (typeof DATE_FUNCTIONS)[number];

const DATE_TYPES = new Set(['date', 'dateTime', 'timestamp']);
const CALL = /^([a-z]+)\(([^()]+)\)$/;

/** `key`'s function name and field when it has a call's shape (`year(date_created)`), unchecked. */
export function functionCall(key: string): { name: string; field: string } | undefined {
  const m = CALL.exec(key);
  return m ? { name: m[1]!, field: m[2]! } : undefined;
}

/** The key a `groupBy` or `fields` entry is answered under: `year(date_created)` → `date_created_year`, a plain name as it is. */
export function answeredAs(name: string): string {
  const call = functionCall(name);
  return call ? `${call.field}_${call.name}` : name;
}

export interface FieldFunction {
  /** A date part, or `count` of a one-to-many's related items. */
  fn: DateFunction | 'count';
  field: FieldOverview;
  /** The key the value is answered under: `<field>_<fn>`, as Directus names it. */
  alias: string;
}

/**
 * `key` as a function call on one of `col`'s fields, or undefined when it is a plain name.
 * Anything else that looks like a call is refused with a coded error naming what is wrong.
 */
export function parseFieldFunction(key: string, col: CollectionOverview): FieldFunction | undefined {
  if (!key.includes('(')) return undefined;
  const call = functionCall(key);
  if (!call)
    throw errors.INVALID_QUERY({ reason: `"${key}" is not a field or a function call like year(date_created).` });
  const { name, field: fieldName } = call;
  if (name !== 'count' && !(DATE_FUNCTIONS as readonly string[]).includes(name))
    throw errors.INVALID_QUERY({
      reason: `Unknown function "${name}" in "${key}": use one of ${DATE_FUNCTIONS.join(', ')}, count.`,
    });
  const field = col.fields[fieldName];
  if (!field) throw errors.INVALID_QUERY({ reason: `Field "${fieldName}" doesn't exist in "${col.collection}".` });
  if (name === 'count') {
    if (!field.o2m)
      throw errors.INVALID_QUERY({
        reason: `"count()" takes a one-to-many (or many-to-many) field; "${fieldName}" is not one.`,
      });
    return { fn: 'count', field, alias: answeredAs(key) };
  }
  if (!DATE_TYPES.has(field.type) || isConcealed(field))
    throw errors.INVALID_QUERY({
      reason: `"${name}()" takes a date, dateTime or timestamp field; "${fieldName}" is ${field.type}.`,
    });
  return { fn: name as DateFunction, field, alias: answeredAs(key) };
}

const SQLITE_FORMAT: Record<DateFunction, string> = {
  year: '%Y',
  month: '%m',
  week: '%W',
  day: '%d',
  weekday: '%w',
  hour: '%H',
  minute: '%M',
  second: '%S',
};

const PG_PART: Record<DateFunction, string> = {
  year: 'YEAR',
  month: 'MONTH',
  week: 'WEEK',
  day: 'DAY',
  weekday: 'DOW',
  hour: 'HOUR',
  minute: 'MINUTE',
  second: 'SECOND',
};

/** The SQL of date function `f` on `table`'s column, an integer (null where the field is null). */
export function functionSql(client: Knex.Client, f: FieldFunction, table: string): Knex.Raw {
  if (f.fn === 'count') throw errors.INVALID_QUERY({ reason: `"count(${f.field.field})" is not a date function.` });
  const column = `${table}.${f.field.field}`;
  if (client.config.client === 'pg') {
    const at = f.field.type === 'timestamp' ? ` AT TIME ZONE 'UTC'` : '';
    return client.raw(`CAST(FLOOR(EXTRACT(${PG_PART[f.fn]} FROM ??${at})) AS INTEGER)`, [column]);
  }
  // SQLite keeps dates as ISO text; a value written as a JS Date is stored in milliseconds.
  const format = SQLITE_FORMAT[f.fn];
  return client.raw(
    `CAST(CASE WHEN typeof(??) IN ('integer', 'real') THEN strftime('${format}', ?? / 1000, 'unixepoch') ELSE strftime('${format}', ??) END AS INTEGER)`,
    [column, column, column],
  );
}
