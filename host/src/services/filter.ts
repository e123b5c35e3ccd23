import type { Knex } from 'knex';
import { errors } from '../errors.js';
import { isConcealed } from './casting.js';
import type { CollectionOverview } from '../schema/types.js';
import { resolveDynamic, splitFieldFilter } from '@annex/protocol/rules';
import type { Filter } from './query.js';
import { type FieldFunction, functionSql, parseFieldFunction } from './functions.js';

export { resolveDynamic, splitFieldFilter };

/** A many-to-one field's target as a filter may reach it: the collection and the item-level filter the caller is limited to there. */
export interface FilterRelation {
  col: CollectionOverview;
  filter: Filter | null;
  fields: string[] | '*';
  /** One-to-many: the many side's foreign key back to the filtered collection. */
  via?: string;
}

export interface FilterContext {
  user: string | null;
  role: string | null;
  now: Date;
  /** `collection.field` → its related collection, resolved (and permission-checked) before the query is built. */
  relation?: (collection: string, field: string) => FilterRelation | undefined;
  /** Set for a caller's own filters: filtering on a field they may not read is refused (no oracle on hidden values). */
  readable?: (collection: string, field: string) => boolean;
}

type Builder = Knex.QueryBuilder;

function asList(value: unknown, op: string, field: string): unknown[] {
  const v = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(v)) throw errors.INVALID_QUERY({ reason: `"${op}" on "${field}" needs a list.` });
  return v;
}

const LIST_OPERATORS = new Set(['_in', '_nin', '_between', '_nbetween']);

/** Numeric text as numbers (in lists too): an expression has no column type to convert it by. */
function asNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asNumbers);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One operator on `target`: a column name, or a function's SQL (knex takes a Raw wherever a column goes). */
function applyOperator(
  b: Builder,
  target: string | Knex.Raw,
  field: string,
  op: string,
  raw: unknown,
  ctx: FilterContext,
): void {
  const column = target as string;
  const value = resolveDynamic(raw, ctx);
  const like = (pattern: string, not: boolean, ci: boolean) => {
    const expr = ci ? `lower(??) like lower(?) escape '\\'` : `?? like ? escape '\\'`;
    if (not) b.whereRaw(`not (${expr})`, [column, pattern]);
    else b.whereRaw(expr, [column, pattern]);
  };
  const text = () => {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw errors.INVALID_QUERY({ reason: `"${op}" on "${field}" needs a string.` });
    return escapeLike(String(value));
  };
  // Comparisons take one scalar (an object or a list would reach the database as SQL fragments or fail there).
  if (
    ['_eq', '_neq', '_lt', '_lte', '_gt', '_gte'].includes(op) &&
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Date)
  ) {
    throw errors.INVALID_QUERY({ reason: `"${op}" on "${field}" needs a single value.` });
  }
  switch (op) {
    case '_eq':
      value === null ? b.whereNull(column) : b.where(column, '=', value as any);
      return;
    case '_neq':
      value === null ? b.whereNotNull(column) : b.where((q) => q.whereNot(column, value as any).orWhereNull(column));
      return;
    case '_lt':
      b.where(column, '<', value as any);
      return;
    case '_lte':
      b.where(column, '<=', value as any);
      return;
    case '_gt':
      b.where(column, '>', value as any);
      return;
    case '_gte':
      b.where(column, '>=', value as any);
      return;
    case '_in':
      b.whereIn(column, asList(value, op, field) as any[]);
      return;
    case '_nin':
      b.whereNotIn(column, asList(value, op, field) as any[]);
      return;
    case '_null':
      value === false || value === 'false' ? b.whereNotNull(column) : b.whereNull(column);
      return;
    case '_nnull':
      value === false || value === 'false' ? b.whereNull(column) : b.whereNotNull(column);
      return;
    case '_empty':
      b.where((q) => q.whereNull(column).orWhere(column, '=', ''));
      return;
    case '_nempty':
      b.where((q) => q.whereNotNull(column).andWhere(column, '!=', ''));
      return;
    case '_contains':
      like(`%${text()}%`, false, false);
      return;
    case '_ncontains':
      like(`%${text()}%`, true, false);
      return;
    case '_icontains':
      like(`%${text()}%`, false, true);
      return;
    case '_nicontains':
      like(`%${text()}%`, true, true);
      return;
    case '_starts_with':
      like(`${text()}%`, false, false);
      return;
    case '_nstarts_with':
      like(`${text()}%`, true, false);
      return;
    case '_istarts_with':
      like(`${text()}%`, false, true);
      return;
    case '_ends_with':
      like(`%${text()}`, false, false);
      return;
    case '_nends_with':
      like(`%${text()}`, true, false);
      return;
    case '_iends_with':
      like(`%${text()}`, false, true);
      return;
    case '_between':
    case '_nbetween': {
      const range = asList(value, op, field);
      if (range.length !== 2) throw errors.INVALID_QUERY({ reason: `"${op}" on "${field}" needs two values.` });
      if (op === '_between') b.whereBetween(column, range as [any, any]);
      else b.whereNotBetween(column, range as [any, any]);
      return;
    }
    default:
      throw errors.INVALID_QUERY({ reason: `Unknown filter operator "${op}" on "${field}".` });
  }
}

/**
 * A one-to-many field's filter: related-item filters that some related item must match
 * (`{posts: {title: …}}` and `_some`) or that none may match (`_none`).
 */
export function oneToManyFilters(value: Record<string, unknown>, field: string): { some: Filter[]; none: Filter[] } {
  const { ops, nested } = splitFieldFilter(value);
  const some: Filter[] = nested ? [nested] : [];
  const none: Filter[] = [];
  for (const [op, operand] of ops) {
    if (op !== '_some' && op !== '_none')
      throw errors.INVALID_QUERY({
        reason: `"${field}" is a one-to-many relation: filter it with a related-item filter, "_some" or "_none".`,
      });
    if (typeof operand !== 'object' || operand === null || Array.isArray(operand))
      throw errors.INVALID_QUERY({ reason: `"${op}" on "${field}" needs a filter object.` });
    (op === '_some' ? some : none).push(operand as Filter);
  }
  return { some, none };
}

/**
 * Directus's `$FOLLOW(collection, field)` filter key: the items of the filtered collection that
 * `field` of some item of `collection` points at (a many-to-one followed backwards, with or without
 * a one-to-many alias for it). Its value is a filter those items of `collection` must match, as a
 * one-to-many field's is. Undefined for any other key.
 */
export function followKey(key: string): { collection: string; field: string } | undefined {
  const m = /^\$FOLLOW\(\s*([^,\s)]+)\s*,\s*([^,\s)]+)\s*\)$/.exec(key);
  return m ? { collection: m[1]!, field: m[2]! } : undefined;
}

/**
 * The number of `rel`'s related items of the row whose key is `keyColumn` (Directus's
 * `count(field)`), counting only those the caller may see (the related collection's permission filter).
 */
export function countRelated(
  client: Knex.Client,
  rel: FilterRelation,
  ctx: FilterContext,
  keyColumn: string,
): Knex.QueryBuilder {
  // Aliased: a collection related to itself (parent/children) must not see the outer row's table,
  // nor a count inside the related permission filter this one's (one level deeper, one more).
  const depth = (keyColumn.split('.')[0]!.match(/^annex_counted(\d+)$/)?.[1] ?? '0') as string;
  const alias = `annex_counted${Number(depth) + 1}`;
  const sub = client
    .queryBuilder()
    .select(client.raw('CAST(COUNT(*) AS INTEGER)'))
    .from({ [alias]: rel.col.collection })
    .where(`${alias}.${rel.via}`, client.raw('??', [keyColumn]));
  if (rel.filter) applyFilter(sub, rel.filter, rel.col, { ...ctx, readable: undefined }, alias);
  return sub;
}

/** A subquery of `column` over the related items the caller may see (their permission filter) that match `f`. */
function visibleRelated(rel: FilterRelation, column: string, f: Filter, ctx: FilterContext) {
  const table = rel.col.collection;
  return (sub: Builder) => {
    sub.select(`${table}.${column}`).from(table);
    applyFilter(sub, f, rel.col, ctx, table);
    if (rel.filter) applyFilter(sub, rel.filter, rel.col, { ...ctx, readable: undefined }, table);
  };
}

/**
 * A filter key that is a field function (a date part, `count`), with its operators: Directus's
 * `{"year(date)": {"_eq": 2024}}` and its GraphQL form `{"date_func": {"year": {"_eq": 2024}}}`.
 */
function functionFilter(
  key: string,
  value: unknown,
  collection: CollectionOverview,
): { f: FieldFunction; rule: Record<string, unknown> } | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  let call = key;
  let rule = value;
  if (key.endsWith('_func') && !collection.fields[key] && collection.fields[key.slice(0, -5)]) {
    const entries = isObject(value) ? Object.entries(value) : [];
    if (entries.length !== 1)
      throw errors.INVALID_QUERY({ reason: `"${key}" needs one function, e.g. {"year": {"_eq": 2024}}.` });
    call = `${entries[0]![0]}(${key.slice(0, -5)})`;
    rule = entries[0]![1];
  }
  const f = parseFieldFunction(call, collection);
  if (!f) return undefined;
  if (!isObject(rule))
    throw errors.INVALID_QUERY({ reason: `Filter on "${key}" must be an object of operators, e.g. {"_eq": …}.` });
  return { f, rule };
}

/** Applies a Directus filter object to a query builder, rejecting unknown fields and operators. */
export function applyFilter(
  b: Builder,
  filter: Filter,
  collection: CollectionOverview,
  ctx: FilterContext,
  table = collection.collection,
): void {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    throw errors.INVALID_QUERY({ reason: 'A filter must be an object.' });
  for (const [key, value] of Object.entries(filter)) {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) throw errors.INVALID_QUERY({ reason: `"${key}" needs a list of filters.` });
      b.where((outer) => {
        for (const sub of value) {
          if (key === '_and') outer.andWhere((q) => applyFilter(q, sub, collection, ctx, table));
          else outer.orWhere((q) => applyFilter(q, sub, collection, ctx, table));
        }
      });
      continue;
    }
    const follow = followKey(key);
    const call = follow ? undefined : functionFilter(key, value, collection);
    if (call) {
      // A function reads its field: the same rule as filtering on the field itself.
      if (ctx.readable && !ctx.readable(collection.collection, call.f.field.field)) throw errors.FORBIDDEN();
      let expr: Knex.Raw;
      if (call.f.fn === 'count') {
        const rel = ctx.relation?.(collection.collection, call.f.field.field);
        if (!rel?.via)
          throw errors.INVALID_QUERY({ reason: `"${key}" in "${collection.collection}" cannot be filtered here.` });
        if (ctx.readable && !ctx.readable(rel.col.collection, rel.via)) throw errors.FORBIDDEN();
        expr = b.client.raw('(?)', [countRelated(b.client, rel, ctx, `${table}.${collection.primary}`)]);
      } else expr = functionSql(b.client, call.f, table);
      // A function's value is a number: `filter[year(date)][_eq]=2024` from a query string compares as one.
      for (const [op, operand] of Object.entries(call.rule)) {
        const list = LIST_OPERATORS.has(op) && typeof operand === 'string' ? operand.split(',') : operand;
        applyOperator(b, expr, key, op, asNumbers(list), ctx);
      }
      continue;
    }
    const field = follow ? undefined : collection.fields[key];
    if (!follow && (!field || (field.type === 'alias' && !field.o2m)))
      throw errors.INVALID_QUERY({ reason: `Field "${key}" doesn't exist in "${collection.collection}".` });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw errors.INVALID_QUERY({ reason: `Filter on "${key}" must be an object of operators, e.g. {"_eq": …}.` });
    }
    // The caller's own filters: only fields it may read on every item, never a secret (the filter would be an oracle on it).
    if (
      field &&
      ctx.readable &&
      key !== collection.primary &&
      (!ctx.readable(collection.collection, key) || isConcealed(field))
    )
      throw errors.FORBIDDEN();
    // `$FOLLOW(c, f)` is a one-to-many relation without its alias field: the same subqueries.
    if (follow || field?.o2m) {
      const rel = ctx.relation?.(collection.collection, key);
      if (!rel?.via)
        throw errors.INVALID_QUERY({ reason: `"${key}" in "${collection.collection}" cannot be filtered here.` });
      // Matching related items through their foreign key reads that key.
      if (ctx.readable && !ctx.readable(rel.col.collection, rel.via)) throw errors.FORBIDDEN();
      const { some, none } = oneToManyFilters(value as Record<string, unknown>, key);
      const via = rel.via;
      // The keys of the items that have a visible related item matching `f` (no nulls: NOT IN would match nothing).
      const having = (f: Filter) => (sub: Builder) =>
        visibleRelated(rel, via, f, ctx)(sub.whereNotNull(`${rel.col.collection}.${via}`));
      for (const f of some) b.whereIn(`${table}.${collection.primary}`, having(f));
      for (const f of none) b.whereNotIn(`${table}.${collection.primary}`, having(f));
      continue;
    }
    if (!field) continue;
    const { ops, nested } = splitFieldFilter(value);
    if (nested) {
      const rel = field.relatedCollection ? ctx.relation?.(collection.collection, key) : undefined;
      if (!rel)
        throw errors.INVALID_QUERY({
          reason: `"${key}" in "${collection.collection}" is not a many-to-one relation: its filter needs operators, e.g. {"_eq": …}.`,
        });
      // The related items the caller may see and that match: their keys, as a subquery.
      b.whereIn(`${table}.${key}`, visibleRelated(rel, rel.col.primary, nested, ctx));
    }
    for (const [op, operand] of ops) applyOperator(b, `${table}.${key}`, key, op, operand, ctx);
  }
}
