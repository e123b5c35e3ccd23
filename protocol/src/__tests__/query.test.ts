import { describe, expect, it } from 'vitest';
import { BridgeQuerySchema, QuerySchema, type Query } from '../query.js';
import { getCapability } from '../capabilities.js';

describe('the item Query', () => {
  it('accepts the shape the host honours and rejects unknown keys', () => {
    const query: Query = {
      fields: ['id'],
      filter: { title: { _eq: 'x' } },
      sort: ['-id'],
      limit: -1,
      offset: 0,
      page: 1,
      search: 's',
      meta: ['total_count'],
      aggregate: { count: ['*'] },
      groupBy: ['status'],
    };
    expect(QuerySchema.parse(query)).toEqual(query);
    expect(QuerySchema.safeParse({ deep: {} }).success).toBe(false);
    expect(QuerySchema.safeParse({ limit: -2 }).success).toBe(false);
    expect(QuerySchema.safeParse({ meta: ['rows'] }).success).toBe(false);
    expect(QuerySchema.safeParse({ aggregate: { median: ['x'] } }).success).toBe(false);
  });

  it('gives the bridge the read subset of the same schema, nothing more', () => {
    expect(Object.keys(BridgeQuerySchema.shape).sort()).toEqual([
      'fields',
      'filter',
      'limit',
      'offset',
      'page',
      'search',
      'sort',
    ]);
    expect(BridgeQuerySchema.safeParse({ aggregate: { count: ['*'] } }).success).toBe(false);
    const readByQuery = getCapability('items.readByQuery')!;
    expect(readByQuery.args.safeParse(['articles', { limit: 2, filter: { a: 1 } }]).success).toBe(true);
    expect(readByQuery.args.safeParse(['articles', { groupBy: ['a'] }]).success).toBe(false);
  });
});
