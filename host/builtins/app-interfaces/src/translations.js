// @ts-check
// Directus's translations interface works on a many-to-many to a languages collection: one
// junction row per language holds that language's fields. Its value is the relational change set
// (relational-changes.js): an edit of a language with a row updates that row, of one without
// creates it (`{ <languages field>: <code>, …fields }`).
import { getChanges } from './relational-changes.js';

/** @typedef {{ pk: string, reverseField: string, junctionField: string, relatedPk: string }} TranslationsRelation */

/** The language key of a junction row (its languages field, loaded as a key or as the language). */
export function languageOf(rel, row) {
  const v = row?.[rel.junctionField];
  return v && typeof v === 'object' ? v[rel.relatedPk] : v;
}

const own = (rel, values) =>
  Object.fromEntries(Object.entries(values ?? {}).filter(([k]) => k !== rel.junctionField && !k.startsWith('$')));

/**
 * The fields of `lang`'s translation as the form shows them: the loaded row with its pending
 * update, or the pending create, or nothing yet. `existing` is the loaded row (to update), if any.
 * @param {TranslationsRelation} rel @param {any[]} rows loaded junction rows @param {any} value @param {unknown} lang
 */
export function translationFor(rel, rows, value, lang) {
  const changes = getChanges(value);
  const existing = rows.find((r) => languageOf(rel, r) === lang) ?? null;
  if (existing) {
    const pending = changes.update.find((u) => u[rel.pk] === existing[rel.pk]);
    return { existing, values: { ...own(rel, existing), ...own(rel, pending) } };
  }
  const created = changes.create.find((c) => languageOf(rel, c) === lang);
  return { existing: null, values: own(rel, created) };
}

/**
 * The change set after `edits` to `lang`'s fields: merged into the loaded row's update entry, or
 * into (a new) create entry for the language.
 * @param {TranslationsRelation} rel @param {any[]} rows @param {any} value @param {unknown} lang @param {Record<string, unknown>} edits
 */
export function editTranslation(rel, rows, value, lang, edits) {
  const changes = getChanges(value);
  const clean = own(rel, edits);
  delete clean[rel.pk];
  delete clean[rel.reverseField];
  const existing = rows.find((r) => languageOf(rel, r) === lang);
  if (existing) {
    const i = changes.update.findIndex((u) => u[rel.pk] === existing[rel.pk]);
    const entry = { ...(i === -1 ? { [rel.pk]: existing[rel.pk] } : changes.update[i]), ...clean };
    if (i === -1) changes.update.push(entry);
    else changes.update[i] = entry;
  } else {
    const i = changes.create.findIndex((c) => languageOf(rel, c) === lang);
    const entry = { ...(i === -1 ? { [rel.junctionField]: lang } : changes.create[i]), ...clean };
    if (i === -1) changes.create.push(entry);
    else changes.create[i] = entry;
  }
  return changes;
}

/**
 * How complete `lang`'s translation is: the share of `fields` (the form's own fields) that hold a
 * value, 0 to 1.
 * @param {Record<string, unknown>} values @param {string[]} fields
 */
export function completeness(values, fields) {
  if (!fields.length) return 0;
  const filled = fields.filter((f) => values?.[f] !== undefined && values[f] !== null && values[f] !== '').length;
  return filled / fields.length;
}
