/** A Directus filter: field rules (`{title: {_eq: 'x'}}`) combined with `_and` / `_or`. */
export type Filter = LogicalFilter | FieldFilter;
export interface LogicalFilter {
  _and?: Filter[];
  _or?: Filter[];
}
export type FilterOperator =
  | '_eq' | '_neq' | '_lt' | '_lte' | '_gt' | '_gte' | '_in' | '_nin' | '_null' | '_nnull'
  | '_contains' | '_ncontains' | '_icontains' | '_starts_with' | '_nstarts_with' | '_ends_with' | '_nends_with'
  | '_between' | '_nbetween' | '_empty' | '_nempty';
export type FieldFilterRule = { [op in FilterOperator]?: unknown };
export type FieldFilter = { [field: string]: FieldFilterRule | FieldFilter | Filter[] | undefined };

/** The Directus query shape accepted by ItemsService and the bridge. */
export interface Query {
  fields?: string[];
  filter?: Filter;
  sort?: string[];
  limit?: number;
  offset?: number;
  page?: number;
  search?: string;
  deep?: Record<string, Query>;
  aggregate?: Partial<Record<'count' | 'countDistinct' | 'sum' | 'avg' | 'min' | 'max', string[]>>;
  group?: string[];
  alias?: Record<string, string>;
}
