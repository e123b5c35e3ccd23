import { describe, expect, it } from 'vitest';
import {
  appendAt,
  filterableFields,
  filterToNodes,
  groupOf,
  nodesToFilter,
  operatorsFor,
  ruleFor,
  ruleOf,
  updateAt,
  valueForOperator,
  // @ts-expect-error plain JS module of the built-in interfaces
} from '../../host/builtins/app-interfaces/src/more/filter-tree.js';
// @ts-expect-error plain JS module of the built-in content module
import { completeFilter } from '../../host/builtins/app-modules/src/content/layout-state.js';

describe("the filter builder's model (Directus's system-filter)", () => {
  it('reads a stored filter as nodes and writes nodes back as Directus does (null, one node, or _and)', () => {
    expect(filterToNodes(null)).toEqual([]);
    expect(filterToNodes({})).toEqual([]);
    const one = { title: { _eq: 'a' } };
    expect(filterToNodes(one)).toEqual([one]);
    const two = { _and: [one, { rating: { _gt: 3 } }] };
    expect(filterToNodes(two)).toEqual(two._and);
    // An _or at the top is one node (a group), not its children.
    expect(filterToNodes({ _or: [one] })).toEqual([{ _or: [one] }]);
    expect(nodesToFilter([])).toBeNull();
    expect(nodesToFilter([one])).toEqual(one);
    expect(nodesToFilter(two._and)).toEqual(two);
    // The nodes are copies: editing them leaves the stored filter alone.
    filterToNodes(two)[0].title._eq = 'changed';
    expect(two._and[0]).toEqual({ title: { _eq: 'a' } });
  });

  it('reads and builds rules on nested fields', () => {
    expect(ruleOf({ author: { name: { _icontains: 'ad' } } })).toEqual({
      field: 'author.name',
      operator: '_icontains',
      value: 'ad',
    });
    expect(ruleFor('author.name', '_in', ['a', 'b'])).toEqual({ author: { name: { _in: ['a', 'b'] } } });
    expect(groupOf({ _or: [] })).toEqual({ logic: '_or', children: [] });
    expect(groupOf({ title: { _eq: 1 } })).toBeNull();
  });

  it("offers Directus's operators per type that the host's queries take", () => {
    expect(operatorsFor('string')).toEqual(expect.arrayContaining(['_contains', '_starts_with', '_between', '_empty']));
    expect(operatorsFor('integer')).not.toContain('_contains');
    expect(operatorsFor('boolean')).toEqual(['_eq', '_neq', '_null', '_nnull']);
    expect(operatorsFor('json')).toEqual(['_null', '_nnull']);
    expect(operatorsFor('string')).not.toContain('_nistarts_with');
  });

  it("keeps a rule's value sensibly when its operator changes", () => {
    expect(valueForOperator('_in', 'a', '_eq')).toEqual(['a']);
    expect(valueForOperator('_between', [1, 2, 3], '_in')).toEqual([1, 2]);
    expect(valueForOperator('_null', 'a', '_eq')).toBe(true);
    expect(valueForOperator('_eq', true, '_null')).toBeNull();
    expect(valueForOperator('_eq', ['x', 'y'], '_in')).toBe('x');
    expect(valueForOperator('_in', true, '_nnull')).toEqual([]);
  });

  it('changes, removes and adds nodes at any depth without touching the list it was given', () => {
    const nodes = [{ title: { _eq: 'a' } }, { _or: [{ rating: { _gt: 1 } }, { _and: [{ id: { _eq: 1 } }] }] }];
    const frozen = structuredClone(nodes);
    const changed = updateAt(nodes, [1, 1, 0], () => ({ id: { _eq: 2 } }));
    expect(changed[1]._or[1]._and[0]).toEqual({ id: { _eq: 2 } });
    const removed = updateAt(nodes, [1, 0], () => undefined);
    expect(removed[1]).toEqual({ _or: [{ _and: [{ id: { _eq: 1 } }] }] });
    const appended = appendAt(nodes, [1, 1], { title: { _null: true } });
    expect(appended[1]._or[1]._and).toHaveLength(2);
    expect(appendAt(nodes, [], { _and: [] })).toHaveLength(3);
    // A path past the end, or into a rule, changes nothing.
    expect(updateAt(nodes, [5], () => ({}))).toBe(nodes);
    expect(updateAt(nodes, [0, 0], () => ({}))).toBe(nodes);
    expect(nodes).toEqual(frozen);
  });

  it("lists a collection's fields and one level into its many-to-ones, not its aliases", () => {
    const fields: Record<string, any[]> = {
      posts: [
        { field: 'title', type: 'string', meta: { name: 'Title' } },
        { field: 'author', type: 'integer', schema: { foreign_key_table: 'authors' } },
        { field: 'comments', type: 'alias' },
      ],
      authors: [
        { field: 'name', type: 'string' },
        { field: 'posts', type: 'alias' },
      ],
    };
    expect(filterableFields('posts', (c: string) => fields[c])).toEqual([
      { field: 'title', name: 'Title', type: 'string' },
      { field: 'author', name: 'author', type: 'integer' },
      { field: 'author.name', name: 'author → name', type: 'string', group: 'author' },
    ]);
  });

  it("offers Directus's date parts of a date field as integer rules (year(published) …)", () => {
    const fields = [{ field: 'published', type: 'timestamp', meta: { name: 'Published' } }];
    const offered = filterableFields('posts', () => fields);
    expect(offered.filter((f: any) => f.group).map((f: any) => f.field)).toEqual(
      ['year', 'month', 'week', 'day', 'weekday', 'hour', 'minute', 'second'].map((fn) => `${fn}(published)`),
    );
    expect(offered[1]).toEqual({
      field: 'year(published)',
      name: 'Published → Year',
      type: 'integer',
      group: 'Published (date parts)',
    });
    // The rule is Directus's filter on the function, read back as the same rule.
    const rule = ruleFor('month(published)', '_eq', 12);
    expect(rule).toEqual({ 'month(published)': { _eq: 12 } });
    expect(ruleOf(rule)).toEqual({ field: 'month(published)', operator: '_eq', value: 12 });
    expect(operatorsFor('integer')).toContain('_gte');
  });
});

describe("the collection page's filter as the items are queried", () => {
  it('leaves out rules that wait for a value, and groups left empty by it', () => {
    expect(completeFilter(null)).toBeNull();
    expect(completeFilter({ title: { _eq: null } })).toBeNull();
    expect(completeFilter({ title: { _null: true } })).toEqual({ title: { _null: true } });
    expect(completeFilter({ done: { _eq: false } })).toEqual({ done: { _eq: false } });
    expect(completeFilter({ rating: { _between: [1, null] } })).toBeNull();
    expect(completeFilter({ tag: { _in: [] } })).toBeNull();
    const mixed = {
      _and: [{ title: { _contains: 'a' } }, { author: { name: { _eq: '' } } }, { _or: [{ id: { _eq: null } }] }],
    };
    expect(completeFilter(mixed)).toEqual({ _and: [{ title: { _contains: 'a' } }] });
  });
});
