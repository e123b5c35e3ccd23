// @ts-check
/**
 * The props Directus's form gives a group interface (a field whose `meta.special` includes
 * `group`): the group field itself, the fields below it, the form's edits and loaded values, and
 * the form's state. Each group interface hands them on to a nested `v-form` at its group and
 * emits `apply` with that form's edits.
 */
export const GROUP_PROPS = {
  field: { type: Object, required: true },
  fields: { type: Array, default: () => [] },
  values: { type: Object, default: () => ({}) },
  initialValues: { type: Object, default: () => ({}) },
  disabled: Boolean,
  batchMode: Boolean,
  batchActiveFields: { type: Array, default: () => [] },
  primaryKey: { type: [Number, String], default: null },
  loading: Boolean,
  validationErrors: { type: Array, default: () => [] },
  badge: { type: String, default: null },
  rawEditorEnabled: Boolean,
  direction: { type: String, default: undefined },
};

/** The group props of `props` (what a group interface hands its nested form), without its own options. @param {Record<string, unknown>} props */
export const groupProps = (props) => Object.fromEntries(Object.keys(GROUP_PROPS).map((k) => [k, props[k]]));

/** A field's title as the form's labels show it. @param {any} field */
export const groupTitle = (field) => field?.meta?.name ?? field?.name ?? field?.field ?? '';

/**
 * The validation errors that concern fields of this group (shown on a closed group's header).
 * @param {Array<{field?: string}>} errors
 * @param {Array<{field: string}>} fields
 */
export function errorsInGroup(errors, fields) {
  const names = new Set(fields.map((f) => f.field));
  return (errors ?? []).filter((e) => typeof e.field === 'string' && names.has(e.field));
}
