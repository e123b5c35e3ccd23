// @ts-check
import { isReadonly, isRef, unref } from 'vue';

/** The wrapper's props a layout's options/sidebar components may change (Directus's writable props). */
const WRITABLE_PROPS = ['layoutOptions', 'layoutQuery', 'selection'];

/**
 * The props an options, sidebar or actions component of a layout receives (Directus binds
 * `v-bind="layoutState"`): every value unwrapped, plus an `onUpdate:<key>` handler for each, so
 * `emit('update:<key>', v)` writes the layout's state, or the page's options/query/selection.
 * @param {Record<string, unknown>} layoutState  refs from the layout wrapper's default slot
 * @param {(key: string, value: unknown) => void} updateProp  writes a wrapper prop (the page owns those)
 */
export function bindLayoutState(layoutState, updateProp) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, value] of Object.entries(layoutState ?? {})) {
    out[key] = unref(value);
    out[`onUpdate:${key}`] = (next) => {
      if (WRITABLE_PROPS.includes(key)) updateProp(key, next);
      else if (isRef(value) && !isReadonly(value)) value.value = next;
    };
  }
  return out;
}
