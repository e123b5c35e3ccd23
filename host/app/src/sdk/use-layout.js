import { computed, defineComponent, h, reactive, toRefs, unref } from 'vue';
import { useExtension, getBoundaries } from './context.js';

/** The wrapper's props a layout may change, by emitting `update:<prop>` (Directus's WRITABLE_PROPS). */
const WRITABLE_PROPS = ['selection', 'layoutOptions', 'layoutQuery'];

/** Directus's layout wrapper props, with its defaults. */
const WRAPPER_PROPS = {
  collection: { type: String, default: null },
  selection: { type: Array, default: () => [] },
  layoutOptions: { type: Object, default: () => ({}) },
  layoutQuery: { type: Object, default: () => ({}) },
  layoutProps: { type: Object, default: () => ({}) },
  filter: { type: Object, default: null },
  filterUser: { type: Object, default: null },
  filterSystem: { type: Object, default: null },
  search: { type: String, default: null },
  showSelect: { type: String, default: 'multiple' },
  selectMode: { type: Boolean, default: false },
  readonly: { type: Boolean, default: false },
  resetPreset: { type: Function, default: null },
  clearFilters: { type: Function, default: null },
};

/**
 * `{ layoutWrapper }`, Directus's `useLayout(layoutId)`: a component that runs the layout's
 * `setup(props, { emit })` and gives its default slot `{ layoutState }`, one reactive object of the
 * layout's state and the wrapper's props with an `onUpdate:<key>` handler for each, to bind with
 * `v-bind="layoutState"` onto the layout's component, options, sidebar and actions: an
 * `update:selection` / `layoutOptions` / `layoutQuery` is emitted by the wrapper, any other key
 * of the state is written in place. An unknown layout falls back to `tabular`, as in Directus.
 * Annex additions: the slot also gets `component` (the layout's component, bound), and without a
 * default slot the wrapper renders that component itself.
 */
export function useLayout(layoutId) {
  const wanted = useExtension('layout', layoutId);
  const tabular = useExtension('layout', 'tabular');
  const layoutWrapper = computed(() => {
    const config = wanted.value ?? tabular.value;
    if (!config)
      return defineComponent({
        name: 'LayoutMissing',
        setup: () => () => h('div', { class: 'layout-missing' }, `Layout "${unref(layoutId)}" is not available.`),
      });
    // The layout's own `setup` runs in this wrapper: it gets the layout's error boundary too.
    const wrap = (component) =>
      getBoundaries()?.wrap(component, { extension: config.__extension ?? config.id, id: config.id, kind: 'layout' }) ??
      component;
    return wrap(
      defineComponent({
        name: `${config.id}-layout-wrapper`,
        inheritAttrs: false,
        props: WRAPPER_PROPS,
        emits: WRITABLE_PROPS.map((prop) => `update:${prop}`),
        setup(props, { emit, slots }) {
          const state = reactive({ ...(config.setup ? (config.setup(props, { emit }) ?? {}) : {}), ...toRefs(props) });
          for (const key of Object.keys(state)) {
            state[`onUpdate:${key}`] = (value) => {
              if (WRITABLE_PROPS.includes(key)) emit(`update:${key}`, value);
              else if (!Object.hasOwn(WRAPPER_PROPS, key)) state[key] = value;
            };
          }
          return () => {
            const component = h(config.component, state);
            return slots.default ? slots.default({ layoutState: state, component }) : component;
          };
        },
      }),
    );
  });
  return { layoutWrapper };
}
