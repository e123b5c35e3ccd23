import { describe, expect, it } from 'vitest';
import { checkPayload, failureMessage } from '../payload-rules.js';
import { toErrorResponse } from '../../http/error-handler.js';
import { failedValidation } from '../payload-rules.js';

const context = { user: 'u-1', role: 'r-1', now: new Date('2026-11-27T12:00:00Z') };
const check = (filter: object, payload: unknown, requireAll = false) =>
  checkPayload(filter, payload, { requireAll, context });

describe('payload rules', () => {
  it('checks each operator the way the query filter reads it', () => {
    const cases: [object, unknown, boolean][] = [
      [{ a: { _eq: 5 } }, { a: 5 }, true],
      [{ a: { _eq: 5 } }, { a: '5' }, true],
      [{ a: { _eq: 5 } }, { a: 6 }, false],
      [{ a: { _neq: 'x' } }, { a: 'y' }, true],
      [{ a: { _gt: 10 } }, { a: '11' }, true],
      [{ a: { _gt: 10 } }, { a: 10 }, false],
      [{ a: { _gte: 10 } }, { a: 10 }, true],
      [{ a: { _lt: '2026-01-01' } }, { a: '2025-12-31T23:00:00Z' }, true],
      [{ a: { _lte: 1 } }, { a: 'text' }, false],
      [{ a: { _in: ['x', 'y'] } }, { a: 'y' }, true],
      [{ a: { _in: 'x,y' } }, { a: 'z' }, false],
      [{ a: { _nin: ['x'] } }, { a: 'z' }, true],
      [{ a: { _null: true } }, { a: null }, true],
      [{ a: { _nnull: true } }, { a: null }, false],
      [{ a: { _empty: true } }, { a: [] }, true],
      [{ a: { _nempty: true } }, { a: '' }, false],
      [{ a: { _contains: 'ell' } }, { a: 'hello' }, true],
      [{ a: { _icontains: 'ELL' } }, { a: 'hello' }, true],
      [{ a: { _ncontains: 'x' } }, { a: ['x'] }, false],
      [{ a: { _starts_with: 'he' } }, { a: 'hello' }, true],
      [{ a: { _nends_with: 'lo' } }, { a: 'hello' }, false],
      [{ a: { _istarts_with: 'HE' } }, { a: 'hello' }, true],
      [{ a: { _niends_with: 'LO' } }, { a: 'hello' }, false],
      [{ a: { _between: [1, 3] } }, { a: 2 }, true],
      [{ a: { _nbetween: [1, 3] } }, { a: 2 }, false],
      [{ a: { _regex: '^[a-z]+$' } }, { a: 'abc' }, true],
      [{ a: { _regex: '/^ABC$/i' } }, { a: 'abc' }, true],
      [{ a: { _regex: '^[a-z]+$' } }, { a: 'ABC' }, false],
      [{ owner: { _eq: '$CURRENT_USER' } }, { owner: 'u-1' }, true],
      [{ role: { _eq: '$CURRENT_ROLE' } }, { role: 'r-2' }, false],
      [{ at: { _lte: '$NOW' } }, { at: '2026-11-27T11:00:00Z' }, true],
    ];
    for (const [filter, payload, ok] of cases)
      expect(check(filter, payload).length === 0, JSON.stringify([filter, payload])).toBe(ok);
  });

  it('skips rules on fields the payload leaves out, unless _submitted or requireAll', () => {
    expect(check({ price: { _gt: 0 } }, { name: 'x' })).toEqual([]);
    expect(check({ price: { _submitted: true } }, { name: 'x' })).toEqual([{ field: 'price', type: 'required' }]);
    expect(check({ price: { _gt: 0 } }, { name: 'x' }, true)).toEqual([{ field: 'price', type: 'required' }]);
    expect(check({ price: { _null: true } }, {}, false)).toEqual([]);
  });

  it('combines _and (every failure) and _or (only when no branch passes), and walks nested items', () => {
    const rule = { _and: [{ a: { _gt: 0 } }, { _or: [{ b: { _eq: 'x' } }, { c: { _eq: 'y' } }] }] };
    expect(check(rule, { a: 1, b: 'x', c: 'n' })).toEqual([]);
    expect(check(rule, { a: 0, b: 'n', c: 'n' })).toEqual([
      { field: 'a', type: 'gt', valid: 0 },
      { field: 'b', type: 'eq', valid: 'x' },
      { field: 'c', type: 'eq', valid: 'y' },
    ]);
    expect(check({ author: { name: { _nempty: true } } }, { author: { name: '' } })).toEqual([
      { field: 'author.name', type: 'nempty' },
    ]);
    // A key alone is not an item: its fields are not checked (the database holds them).
    expect(check({ author: { name: { _nempty: true } } }, { author: 7 })).toEqual([]);
    expect(check({ $trigger: { body: { n: { _eq: 1 } } } }, { $trigger: {} }, true)).toEqual([
      { field: '$trigger.body.n', type: 'required' },
    ]);
  });

  it('refuses rules it cannot read with INVALID_QUERY (a broken rule never lets a write through)', () => {
    for (const bad of [{ a: { _wat: 1 } }, { _and: {} }, { a: 5 }, { _eq: 1 }, { a: { _regex: '(' } }]) {
      expect(() => check(bad, { a: 'x' }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_QUERY' }),
      );
    }
    let deep: object = { a: { _eq: 1 } };
    for (let i = 0; i < 40; i++) deep = { _and: [deep] };
    expect(() => check(deep, {})).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });

  it("answers with Directus's messages, one error per failed rule", () => {
    expect(failureMessage({ field: 'price', type: 'gt', valid: 0 })).toBe(
      'Validation failed for field "price". Value has to be greater than "0".',
    );
    expect(failureMessage({ field: 's', type: 'in', valid: ['a', 'b'] })).toBe(
      'Validation failed for field "s". Value has to be one of "a", "b".',
    );
    const { status, body } = toErrorResponse(
      failedValidation([
        { field: 'a', type: 'required' },
        { field: 'b', type: 'nnull' },
      ]),
    );
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      {
        message: 'Validation failed for field "a". Value is required.',
        extensions: { code: 'FAILED_VALIDATION', field: 'a', type: 'required' },
      },
      {
        message: 'Validation failed for field "b". Value can\'t be null.',
        extensions: { code: 'FAILED_VALIDATION', field: 'b', type: 'nnull' },
      },
    ]);
  });
});
