// @ts-check
import { defineComponent, h } from 'vue';

/**
 * `component` with some props fixed: one SFC serves two Directus interfaces that differ in one
 * setting (`system-collection` / `system-collections`, `system-interface` / `system-display`).
 * The wrapper declares the rest of the props, so an option form binds only those.
 * @param {any} component @param {Record<string, unknown>} fixed
 */
export function withFixedProps(component, fixed) {
  const declared = { ...(component.props ?? {}) };
  for (const key of Object.keys(fixed)) delete declared[key];
  return defineComponent({
    name: `${component.name ?? component.__name ?? 'Interface'}Fixed`,
    inheritAttrs: false,
    props: declared,
    setup(props, { attrs }) {
      return () => h(component, { ...attrs, ...props, ...fixed });
    },
  });
}
