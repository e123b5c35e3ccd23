/**
 * A structural subset of the knex instance extensions receive as `database`. It covers the
 * common query-builder calls without making the SDK depend on knex; cast to `Knex` from the
 * `knex` package when you need its full surface.
 */
export interface QueryBuilder<TRow = Record<string, unknown>> extends PromiseLike<TRow[]> {
  select(...columns: string[]): QueryBuilder<TRow>;
  where(column: string, value: unknown): QueryBuilder<TRow>;
  where(column: string, operator: string, value: unknown): QueryBuilder<TRow>;
  where(conditions: Record<string, unknown>): QueryBuilder<TRow>;
  whereIn(column: string, values: readonly unknown[]): QueryBuilder<TRow>;
  orderBy(column: string, direction?: 'asc' | 'desc'): QueryBuilder<TRow>;
  limit(count: number): QueryBuilder<TRow>;
  offset(count: number): QueryBuilder<TRow>;
  first(...columns: string[]): PromiseLike<TRow | undefined>;
  insert(
    data: Record<string, unknown> | Record<string, unknown>[],
    returning?: string | string[],
  ): PromiseLike<unknown[]>;
  update(data: Record<string, unknown>, returning?: string | string[]): PromiseLike<number>;
  delete(): PromiseLike<number>;
  count(column?: string): PromiseLike<Record<string, number | string>[]>;
}

export interface Database {
  <TRow = Record<string, unknown>>(table: string): QueryBuilder<TRow>;
  raw(sql: string, bindings?: readonly unknown[] | Record<string, unknown>): PromiseLike<unknown>;
  transaction<T>(handler: (trx: Database) => Promise<T>): Promise<T>;
  schema: {
    hasTable(table: string): PromiseLike<boolean>;
    hasColumn(table: string, column: string): PromiseLike<boolean>;
  };
  client: { config: { client?: unknown } };
}
