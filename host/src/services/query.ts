import { AGGREGATE_FUNCTIONS, QUERY_META, type AggregateFn, type Query } from '@annex/protocol';
import { errors } from '../errors.js';

/** The loose filter object the host's filter compiler walks. */
export type Filter = Record<string, any>;
export type { AggregateFn, Query };

function list(value: unknown, name: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => list(v, name));
  if (typeof value !== 'string') throw errors.INVALID_QUERY({ reason: `"${name}" must be a comma-separated list.` });
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function json(value: unknown, name: string): any {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw errors.INVALID_QUERY({ reason: `"${name}" must be valid JSON.` });
  }
}

function int(value: unknown, name: string, min: number): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isSafeInteger(n) || n < min)
    throw errors.INVALID_QUERY({ reason: `"${name}" must be an integer ≥ ${min}.` });
  return n;
}

/** Turns `filter[a][_eq]=1`-style flat keys into nested objects (koa's querystring does not). */
export function unflattenBrackets(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: any = out;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype')
        throw errors.INVALID_QUERY({ reason: `"${key}" is not allowed.` });
      if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {};
      node = node[seg];
    }
    const last = path[path.length - 1]!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype')
      throw errors.INVALID_QUERY({ reason: `"${key}" is not allowed.` });
    node[last] = value;
  }
  return out;
}

/** Parses and validates a loose query (REST query string or JSON) into a Query; bad input → INVALID_QUERY. */
export function sanitizeQuery(input: Record<string, unknown>): Query {
  const raw = unflattenBrackets(input);
  const q: Query = {};
  if (raw.fields !== undefined) q.fields = list(raw.fields, 'fields');
  if (raw.filter !== undefined && raw.filter !== '') {
    const filter = json(raw.filter, 'filter');
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
      throw errors.INVALID_QUERY({ reason: '"filter" must be an object.' });
    q.filter = filter;
  }
  if (raw.sort !== undefined) q.sort = list(raw.sort, 'sort');
  if (raw.limit !== undefined) q.limit = int(raw.limit, 'limit', -1);
  if (raw.offset !== undefined) q.offset = int(raw.offset, 'offset', 0);
  if (raw.page !== undefined) q.page = int(raw.page, 'page', 1);
  if (raw.search !== undefined) {
    if (typeof raw.search !== 'string') throw errors.INVALID_QUERY({ reason: '"search" must be a string.' });
    q.search = raw.search;
  }
  if (raw.meta !== undefined) {
    const meta = list(raw.meta, 'meta');
    if (!meta.includes('*'))
      for (const m of meta)
        if (!(QUERY_META as readonly string[]).includes(m))
          throw errors.INVALID_QUERY({ reason: `Unknown meta "${m}".` });
    q.meta = meta.includes('*') ? [...QUERY_META] : (meta as NonNullable<Query['meta']>);
  }
  if (raw.aggregate !== undefined) {
    const agg = json(raw.aggregate, 'aggregate');
    if (typeof agg !== 'object' || agg === null)
      throw errors.INVALID_QUERY({ reason: '"aggregate" must be an object.' });
    q.aggregate = {};
    for (const [fn, fields] of Object.entries(agg)) {
      if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(fn))
        throw errors.INVALID_QUERY({ reason: `Unknown aggregate function "${fn}".` });
      q.aggregate[fn as AggregateFn] = list(fields, `aggregate.${fn}`);
    }
  }
  if (raw.groupBy !== undefined) q.groupBy = list(raw.groupBy, 'groupBy');
  return q;
}
