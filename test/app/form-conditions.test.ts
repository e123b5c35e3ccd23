import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the admin app
import { applyConditions } from '../../host/app/src/components/composables/conditions.js';

const context = { user: 'u-1', role: 'r-1', now: new Date('2026-12-06T00:00:00Z') };
const field = (conditions: unknown[], meta: object = {}) => ({
  field: 'body',
  type: 'text',
  meta: { interface: 'input', options: { placeholder: 'Write', trim: true, choices: [1, 2] }, conditions, ...meta },
});

describe("the form's field conditions (Directus's meta.conditions)", () => {
  it('a condition whose rule the values pass hides, locks or requires the field', () => {
    const f = field([{ name: 'published', rule: { status: { _eq: 'published' } }, readonly: true, hidden: false }]);
    expect(applyConditions(f, { status: 'published' }, context).meta).toMatchObject({ readonly: true, hidden: false });
    // Not met: the field as it was, the same object.
    expect(applyConditions(f, { status: 'draft' }, context)).toBe(f);
    // Every field a rule names must be in the values.
    expect(applyConditions(f, {}, context)).toBe(f);
  });

  it('the last condition that holds applies', () => {
    const f = field([
      { rule: { n: { _gt: 1 } }, hidden: true },
      { rule: { n: { _gt: 5 } }, required: true },
    ]);
    expect(applyConditions(f, { n: 3 }, context).meta).toMatchObject({ hidden: true });
    const both = applyConditions(f, { n: 9 }, context).meta;
    expect(both.required).toBe(true);
    expect(both.hidden).toBeUndefined();
  });

  it('merges options, a list replacing a list, and keeps the other options', () => {
    const f = field([{ rule: { kind: { _in: ['a', 'b'] } }, options: { placeholder: 'Other', choices: [3] } }]);
    expect(applyConditions(f, { kind: 'b' }, context).meta.options).toEqual({
      placeholder: 'Other',
      trim: true,
      choices: [3],
    });
  });

  it('reads $CURRENT_USER, nested _and/_or and related values as the host does', () => {
    const f = field([
      {
        rule: {
          _and: [
            { owner: { _eq: '$CURRENT_USER' } },
            { _or: [{ n: { _lt: 0 } }, { author: { name: { _eq: 'Ada' } } }] },
          ],
        },
        readonly: true,
      },
    ]);
    expect(applyConditions(f, { owner: 'u-1', n: 5, author: { name: 'Ada' } }, context).meta.readonly).toBe(true);
    expect(applyConditions(f, { owner: 'u-2', n: -1, author: { name: 'Ada' } }, context)).toBe(f);
  });

  it('ignores a rule with more than one top-level key, and one it cannot check', () => {
    expect(
      applyConditions(field([{ rule: { a: { _eq: 1 }, b: { _eq: 2 } }, hidden: true }]), { a: 1, b: 2 }, context).meta
        .hidden,
    ).toBeUndefined();
    expect(
      applyConditions(field([{ rule: { a: { _unknown: 1 } }, hidden: true }]), { a: 1 }, context).meta.hidden,
    ).toBeUndefined();
  });
});
