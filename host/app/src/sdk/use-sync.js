import { computed } from 'vue';

/** A writable computed over a prop that emits `update:<key>` (Directus's `useSync`). */
export function useSync(props, key, emit) {
  return computed({ get: () => props[key], set: (value) => emit(`update:${key}`, value) });
}
