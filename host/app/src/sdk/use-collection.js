import { computed, isRef, ref } from 'vue';
import { useStores } from './context.js';

/** Collection info, fields, primary key, defaults (Directus's `useCollection`). */
export function useCollection(collectionKey) {
  const { useCollectionsStore, useFieldsStore } = useStores();
  const collections = useCollectionsStore();
  const fieldsStore = useFieldsStore();
  const key = isRef(collectionKey) ? collectionKey : ref(collectionKey);
  const info = computed(() => collections.getCollection(key.value));
  const fields = computed(() => fieldsStore.getFieldsForCollection(key.value));
  const primaryKeyField = computed(() => fields.value.find((f) => f.schema?.is_primary_key) ?? null);
  const defaults = computed(() =>
    Object.fromEntries(fields.value.map((f) => [f.field, f.schema?.default_value ?? null])),
  );
  const identifierField = computed(() => primaryKeyField.value?.field ?? null);
  const userCreatedField = computed(
    () => fields.value.find((f) => (f.meta?.special ?? []).includes('user-created')) ?? null,
  );
  const sortField = computed(() => info.value?.meta?.sort_field ?? null);
  const isSingleton = computed(() => info.value?.meta?.singleton === true);
  const accountabilityScope = computed(() => info.value?.meta?.accountability ?? null);
  return {
    info,
    fields,
    defaults,
    primaryKeyField,
    userCreatedField,
    identifierField,
    sortField,
    isSingleton,
    accountabilityScope,
  };
}
