// @ts-check
import { computed, inject, ref } from 'vue';

/**
 * The collection a system interface works on, as Directus's do: its `collectionName` option, else
 * the value of the form field its `collectionField` option names, else `fallback()` (the form's
 * own collection, where the interface takes one).
 * @param {{ collectionName?: string | null; collectionField?: string | null }} props
 * @param {() => string | null} [fallback]
 */
export function useOptionCollection(props, fallback = () => null) {
  const values = inject('values', ref({}));
  return computed(
    () =>
      props.collectionName ?? (props.collectionField ? (values.value?.[props.collectionField] ?? null) : fallback()),
  );
}
