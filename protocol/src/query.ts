import { z } from 'zod';

/** A Directus filter: field rules (`{title: {_eq: 'x'}}`) combined with `_and` / `_or`. */
export type Filter = LogicalFilter | FieldFilter;
export interface LogicalFilter {
  _and?: Filter[];
  _or?: Filter[];
}
export type FilterOperator =
  | '_eq'
  | '_neq'
  | '_lt'
  | '_lte'
  | '_gt'
  | '_gte'
  | '_in'
  | '_nin'
  | '_null'
  | '_nnull'
  | '_contains'
  | '_ncontains'
  | '_icontains'
  | '_starts_with'
  | '_nstarts_with'
  | '_ends_with'
  | '_nends_with'
  | '_between'
  | '_nbetween'
  | '_empty'
  | '_nempty';
export type FieldFilterRule = { [op in FilterOperator]?: unknown };
export type FieldFilter = { [field: string]: FieldFilterRule | FieldFilter | Filter[] | undefined };

export const AGGREGATE_FUNCTIONS = [
  'count',
  'countAll',
  'countDistinct',
  'sum',
  'sumDistinct',
  'avg',
  'avgDistinct',
  'min',
  'max',
] as const;
export type AggregateFn = (typeof AGGREGATE_FUNCTIONS)[number];
export const QUERY_META = ['total_count', 'filter_count'] as const;

// Operators are checked where the filter is applied (the host's filter compiler), so the wire
// schema only requires an object; the TypeScript type gives authors the operator names.
const FilterSchema = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Filter>;

/**
 * The item query (Directus's shape, as the host's ItemsService honours it) — the one source of
 * both the TypeScript `Query` type and its run-time schema. REST, GraphQL, flows, the SDK's types
 * and the `directus:api` bridge all use it.
 */
export const QuerySchema = z
  .object({
    fields: z.array(z.string()),
    filter: FilterSchema,
    sort: z.array(z.string()),
    limit: z.number().int().min(-1),
    offset: z.number().int().min(0),
    page: z.number().int().min(1),
    search: z.string(),
    meta: z.array(z.enum(QUERY_META)),
    aggregate: z.partialRecord(z.enum(AGGREGATE_FUNCTIONS), z.array(z.string())),
    groupBy: z.array(z.string()),
  })
  .partial()
  .strict();

export type Query = z.infer<typeof QuerySchema>;

/** The part of `Query` a sandboxed extension may pass to `items.*` (no aggregation, no meta). */
export const BridgeQuerySchema = QuerySchema.pick({
  fields: true,
  filter: true,
  sort: true,
  limit: true,
  offset: true,
  page: true,
  search: true,
}).strict();
export type BridgeQuery = z.infer<typeof BridgeQuerySchema>;
