// The change set list-o2m and list-m2m emit (Directus's { create, update, delete } shape), built
// from the rows shown: created, edited, linked, removed and restored rows.
import { describe, expect, it } from 'vitest';
import {
  create,
  getChanges,
  getDisplayItems,
  getSelectedKeys,
  remove,
  select,
  toValue,
  update,
} from '../../host/builtins/app-interfaces/src/relational-changes.js';

const o2m = { kind: 'o2m' as const, pk: 'id', reverseField: 'note' };
const m2m = { kind: 'm2m' as const, pk: 'id', reverseField: 'notes_id', junctionField: 'tags_id', relatedPk: 'id' };
const fetched = [
  { id: 1, body: 'one', note: 7 },
  { id: 2, body: 'two', note: 7 },
];

describe('list-o2m / list-m2m change sets', () => {
  it('starts empty from the loaded key list and gives the untouched value back when every change is undone', () => {
    expect(getChanges([1, 2])).toEqual({ create: [], update: [], delete: [] });
    expect(getChanges(null)).toEqual({ create: [], update: [], delete: [] });
    const c = create(getChanges([1, 2]), { body: 'new' });
    expect(toValue(c, [1, 2])).toEqual({ create: [{ body: 'new' }], update: [], delete: [] });
    const shown = getDisplayItems(o2m, fetched, c);
    expect(toValue(remove(o2m, c, shown[2], fetched), [1, 2])).toEqual([1, 2]);
    expect(toValue(getChanges(null), undefined)).toBe(null);
  });

  it('o2m: edits a loaded row (update with its key), deletes and restores one, edits a created one in place', () => {
    let c = getChanges([1, 2]);
    c = update(c, getDisplayItems(o2m, fetched, c)[0], { id: 1, body: 'uno' });
    expect(c.update).toEqual([{ id: 1, body: 'uno', note: 7 }]);
    let rows = getDisplayItems(o2m, fetched, c);
    expect(rows[0]).toMatchObject({ id: 1, body: 'uno', $type: 'updated', $index: 0 });
    c = update(c, rows[0], { body: 'eins' });
    expect(c.update).toEqual([{ id: 1, body: 'eins', note: 7 }]);
    c = remove(o2m, c, rows[1], fetched);
    expect(c.delete).toEqual([2]);
    rows = getDisplayItems(o2m, fetched, c);
    expect(rows[1]).toMatchObject({ id: 2, $type: 'deleted', $index: 0 });
    c = remove(o2m, c, rows[1], fetched);
    expect(c.delete).toEqual([]);
    c = create(c, { body: 'three', $type: 'x' });
    rows = getDisplayItems(o2m, fetched, c);
    c = update(c, rows[2], { body: 'drei' });
    expect(c.create).toEqual([{ body: 'drei' }]);
  });

  it('o2m: picking existing items links them (update naming the parent); removing one unlinks it again', () => {
    let c = select(o2m, getChanges([1, 2]), [9], 7);
    expect(c.update).toEqual([{ note: 7, id: 9 }]);
    const rows = getDisplayItems(o2m, fetched, c, [{ id: 9, body: 'nine' }]);
    expect(rows[2]).toMatchObject({ id: 9, body: 'nine', $type: 'updated', $index: 0 });
    expect(getSelectedKeys(o2m, rows)).toEqual([1, 2, 9]);
    c = remove(o2m, c, rows[2], fetched);
    expect(c).toEqual({ create: [], update: [], delete: [] });
  });

  it('m2m: picking creates junction rows pointing at the related item, shown with its fields; a new related item nests under the junction field', () => {
    const junctions = [{ id: 5, notes_id: 7, tags_id: { id: 1, name: 'red' } }];
    let c = select(m2m, getChanges([5]), [3], '+');
    expect(c.create).toEqual([{ notes_id: '+', tags_id: { id: 3 } }]);
    c = create(c, { tags_id: { name: 'green' } });
    const rows = getDisplayItems(m2m, junctions, c, [{ id: 3, name: 'blue' }]);
    expect(rows.map((r) => r.tags_id.name)).toEqual(['red', 'blue', 'green']);
    expect(getSelectedKeys(m2m, rows)).toEqual([1, 3]);
    c = remove(m2m, c, rows[0], junctions);
    expect(c.delete).toEqual([5]);
    c = update(c, getDisplayItems(m2m, junctions, c)[2], { tags_id: { name: 'lime' } });
    expect(c.create[1]).toEqual({ tags_id: { name: 'lime' } });
  });
});
