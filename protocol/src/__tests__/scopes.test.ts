import { describe, expect, it } from 'vitest';
import { diffScopes, isEmptyScopes, mergeScopes, ScopesSchema } from '../scopes.js';

describe('scopes', () => {
  it('rejects unknown scope names', () => {
    expect(ScopesSchema.safeParse({ database: {} }).success).toBe(false);
    expect(ScopesSchema.safeParse({ items: { articles: ['read'] } }).success).toBe(true);
  });

  it('merges without duplicates', () => {
    expect(
      mergeScopes({ items: { a: ['read'] }, env: ['X'] }, { items: { a: ['read', 'create'] }, env: ['X', 'Y'] }),
    ).toEqual({
      items: { a: ['read', 'create'] },
      env: ['X', 'Y'],
    });
  });

  it('diffs only what is not yet granted', () => {
    const requested = { log: {}, request: { urls: ['https://a/*', 'https://b/*'], methods: ['GET' as const] } };
    expect(diffScopes(requested, { log: {}, request: { urls: ['https://a/*'], methods: ['GET'] } })).toEqual({
      request: { urls: ['https://b/*'], methods: [] },
    });
    expect(isEmptyScopes(diffScopes(requested, requested))).toBe(true);
  });
});
