/** The field paths a display template reads: `{{ title }} by {{ author.name }}` → `['title', 'author.name']` (Directus's getFieldsFromTemplate). */
export function getFieldsFromTemplate(template) {
  if (template === null || template === undefined) return [];
  const found = String(template).match(/{{(.*?)}}/g);
  if (!found) return [];
  return found.map((m) => m.slice(2, -2).trim()).filter(Boolean);
}

/**
 * What a relation is from one field's side (Directus's getRelationType): `m2o` (the field holds
 * the foreign key), `m2a` (a many-to-any foreign key; `a2o` when `useA2O`), `o2m` (the field is the
 * alias on the related side), or null.
 */
export function getRelationType({ relation, collection, field, useA2O = false }) {
  if (!relation) return null;
  if (relation.collection === collection && relation.field === field) {
    const anyCollection = relation.meta?.one_collection_field && relation.meta?.one_allowed_collections;
    if (anyCollection) return useA2O ? 'a2o' : 'm2a';
    return 'm2o';
  }
  if (relation.related_collection === collection && relation.meta?.one_field === field) return 'o2m';
  return null;
}
