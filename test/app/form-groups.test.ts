import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the admin app
import {
  applyGroupUpdates,
  fieldsAtLevel,
  fieldsInGroup,
  isGroup,
} from '../../host/app/src/components/composables/form-groups.js';

const group = (field: string, parent: string | null = null) => ({
  field,
  type: 'alias',
  meta: { special: ['alias', 'no-data', 'group'], group: parent },
});
const plain = (field: string, parent: string | null = null, meta: object = {}) => ({
  field,
  type: 'string',
  meta: { group: parent, ...meta },
});
// id, title at the top; details ⊃ (summary, more ⊃ (deep)); a cycle a ⊃ b ⊃ a.
const FIELDS = [
  { field: 'id', type: 'integer', schema: { is_primary_key: true }, meta: null },
  plain('title'),
  group('details'),
  plain('summary', 'details'),
  group('more', 'details'),
  plain('deep', 'more'),
  plain('locked', 'details', { readonly: true }),
  group('a', 'b'),
  group('b', 'a'),
];
const names = (list: { field: string }[]) => list.map((f) => f.field);

describe("the form's field groups (Directus's v-form)", () => {
  it('a form at the top shows the fields in no group; at a group, that group’s own fields', () => {
    expect(names(fieldsAtLevel(FIELDS, null))).toEqual(['id', 'title', 'details']);
    expect(names(fieldsAtLevel(FIELDS, 'details'))).toEqual(['summary', 'more', 'locked']);
    expect(names(fieldsAtLevel(FIELDS, 'more'))).toEqual(['deep']);
  });

  it('a group interface gets every field below it, nested groups’ fields included, and a cycle ends', () => {
    expect(names(fieldsInGroup(FIELDS, 'details'))).toEqual(['summary', 'more', 'locked', 'deep']);
    expect(names(fieldsInGroup(FIELDS, 'a'))).toEqual(['b']);
    expect(isGroup(FIELDS[2])).toBe(true);
    expect(isGroup(FIELDS[1])).toBe(false);
  });

  it('apply keeps the edits of fields the form may edit, and `$` keys', () => {
    const editable = (f: any) => f.meta?.readonly !== true;
    const out = applyGroupUpdates({
      edits: { title: 'kept' },
      updates: { summary: 'new', locked: 'no', unknown: 1, $type: 'created', id: 5 },
      fields: FIELDS,
      group: null,
      editable,
    });
    expect(out).toEqual({ title: 'kept', summary: 'new', $type: 'created', id: 5 });
    // A batch form keeps every key.
    expect(
      applyGroupUpdates({
        edits: {},
        updates: { locked: 'yes', unknown: 1 },
        fields: FIELDS,
        group: null,
        editable,
        batchMode: true,
      }),
    ).toEqual({ locked: 'yes', unknown: 1 });
  });

  it('a form at a group replaces that group’s edits: an edit the nested form dropped is dropped', () => {
    const out = applyGroupUpdates({
      edits: { title: 'kept', summary: 'old', deep: 'old' },
      updates: { summary: 'new' },
      fields: FIELDS,
      group: 'details',
      editable: () => true,
    });
    expect(out).toEqual({ title: 'kept', summary: 'new' });
  });
});
