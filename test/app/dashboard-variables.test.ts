import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the built-in modules
import { applyVariables, defaultVariables } from '../../host/builtins/app-modules/src/insights/variables.js';

describe('dashboard variables in panel options', () => {
  it('puts a lone {{ key }} in as the value itself, and text inside longer strings', () => {
    const out = applyVariables(
      {
        collection: 'orders',
        limit: '{{ n }}',
        title: 'Orders ({{ status }})',
        filter: { status: { _in: '{{ statuses }}' } },
      },
      { n: 5, status: 'paid', statuses: ['paid', 'open'] },
    );
    expect(out).toEqual({
      collection: 'orders',
      limit: 5,
      title: 'Orders (paid)',
      filter: { status: { _in: ['paid', 'open'] } },
    });
  });
  it('leaves out filter rules on a variable nobody set, and a filter left empty is none', () => {
    const filter = { _and: [{ status: { _eq: '{{ status }}' } }, { total: { _gt: 10 } }] };
    expect(applyVariables({ filter }, {}).filter).toEqual({ _and: [{ total: { _gt: 10 } }] });
    expect(applyVariables({ filter: { status: { _eq: '{{ status }}' } } }, { status: '' }).filter).toBeNull();
    expect(applyVariables({ filter: { _and: [{ status: { _eq: '{{ status }}' } }] } }, {}).filter).toBeNull();
    expect(applyVariables({ field: '{{ f }}', prefix: 'x {{ f }}' }, {})).toEqual({ field: null, prefix: 'x ' });
    // Options without variables pass through unchanged (empty objects and lists too).
    expect(applyVariables({ a: 1, b: true, c: {}, d: [], e: null }, { a: 2 })).toEqual({
      a: 1,
      b: true,
      c: {},
      d: [],
      e: null,
    });
  });
  it('keeps the tokens that are no variable in the options a panel type names in skipUndefinedKeys', () => {
    const options = { displayTemplate: '{{ status }} {{ total }}', title: '{{ total }}!' };
    expect(applyVariables(options, { status: 'paid' }, ['displayTemplate'])).toEqual({
      displayTemplate: 'paid {{ total }}',
      title: '!',
    });
    expect(applyVariables({ displayTemplate: '{{ total }}' }, {}, ['displayTemplate'])).toEqual({
      displayTemplate: '{{ total }}',
    });
  });
  it("opens a dashboard with its variable panels' defaults", () => {
    const panels = [
      { type: 'variable', options: { field: 'status', defaultValue: 'paid' } },
      { type: 'variable', options: { field: 'n' } },
      { type: 'metric', options: { field: 'total', defaultValue: 3 } },
    ];
    expect(defaultVariables(panels, (t: string) => t === 'variable')).toEqual({ status: 'paid' });
  });
});
