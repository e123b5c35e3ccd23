// @ts-check
/**
 * Directus's field groups, as its v-form reads them: a field whose `meta.special` includes `group`
 * (an alias field without data) holds the fields whose `meta.group` names it. A form shows one
 * level (`group` null: the fields in no group) and hands each group field's interface the fields
 * below it, which render them with a nested form. Pure functions, tested without a browser.
 */

/** @typedef {{ field: string, type?: string, schema?: any, meta?: any }} Field */

/** @param {Field} f */
export const isGroup = (f) => Array.isArray(f.meta?.special) && f.meta.special.includes('group');

/** @param {Field} f */
const groupOf = (f) => f.meta?.group ?? null;

/**
 * The fields a form at `group` shows: those whose `meta.group` is `group` (null: in no group).
 * @param {Field[]} fields
 * @param {string | null} group
 */
export function fieldsAtLevel(fields, group) {
  return fields.filter((f) => groupOf(f) === group);
}

/**
 * Every field below `group`, nested groups' fields included: what Directus passes a group
 * interface as `fields`. A group already visited (one in itself, a cycle of groups) is left out,
 * so the nested forms end.
 * @param {Field[]} fields
 * @param {string} group
 */
export function fieldsInGroup(fields, group) {
  const out = [];
  const seen = new Set([group]);
  const queue = [group];
  while (queue.length) {
    const current = queue.shift();
    for (const f of fields) {
      if (groupOf(f) !== current || (isGroup(f) && seen.has(f.field))) continue;
      out.push(f);
      if (isGroup(f)) {
        seen.add(f.field);
        queue.push(f.field);
      }
    }
  }
  return out;
}

/**
 * The form's new edits after a group interface's `apply` (the whole nested form's edits):
 * Directus keeps only the keys of fields the form knows and may edit (a batch form keeps every
 * key), and keys starting with `$` (relational bookkeeping). A form at a group replaces the edits
 * of that group's fields, so an edit the nested form dropped is dropped here too.
 * @param {{ edits: Record<string, unknown> | null | undefined, updates: Record<string, unknown>, fields: Field[], group: string | null, editable: (f: Field) => boolean, batchMode?: boolean }} input
 */
export function applyGroupUpdates({ edits, updates, fields, group, editable, batchMode = false }) {
  const byName = new Map(fields.map((f) => [f.field, f]));
  const may = (key) => {
    if (batchMode || key.startsWith('$')) return true;
    const f = byName.get(key);
    return !!f && (f.schema?.is_primary_key === true || editable(f));
  };
  const pick = (/** @type {Record<string, unknown>} */ obj) =>
    Object.fromEntries(Object.entries(obj).filter(([key]) => may(key)));
  if (group === null) return pick({ ...(edits ?? {}), ...updates });
  const own = new Set(
    fieldsInGroup(fields, group)
      .filter((f) => f.schema?.is_primary_key !== true && editable(f))
      .map((f) => f.field),
  );
  const kept = Object.fromEntries(Object.entries(edits ?? {}).filter(([key]) => !own.has(key)));
  return { ...kept, ...pick(updates) };
}
