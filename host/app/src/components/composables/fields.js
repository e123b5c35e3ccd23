import { computed, inject, unref } from 'vue';

/** The fields of a collection from the app's fields store (sorted, system-hidden ones last). */
export function useCollectionFields(collection) {
  const stores = inject('stores', null);
  return computed(() => {
    const c = unref(collection);
    const store = stores?.useFieldsStore?.();
    if (!store || !c) return [];
    const list = store.getFieldsForCollection?.(c) ?? (store.fields ?? []).filter((f) => f.collection === c);
    return [...list].sort((a, b) => (a.meta?.sort ?? 0) - (b.meta?.sort ?? 0));
  });
}
