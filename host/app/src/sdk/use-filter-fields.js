import { computed } from 'vue';

/** Fields sorted into named groups by predicate: `{ fieldGroups }` (Directus's useFilterFields). */
export function useFilterFields(fields, filters) {
  const fieldGroups = computed(() => {
    const groups = Object.fromEntries(Object.keys(filters).map((name) => [name, []]));
    for (const field of fields.value ?? []) {
      for (const [name, keep] of Object.entries(filters)) if (keep(field)) groups[name].push(field);
    }
    return groups;
  });
  return { fieldGroups };
}
