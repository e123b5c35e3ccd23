import { computed, defineComponent, h, reactive, toRefs, unref } from 'vue';
import { useExtension, getBoundaries } from './context.js';

/**
 * `{ layoutWrapper }`: a component that runs the layout's `setup(props, {emit})` and renders its
 * component with the resulting state (Directus's `useLayout`). Props: collection, layoutOptions,
 * layoutQuery, filter, search, selection, readonly…; the default slot receives `{ layoutState }`.
 */
export function useLayout(layoutId) {
  const layout = useExtension('layout', layoutId);
  const layoutWrapper = computed(() => {
    const config = layout.value;
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
        name: `Layout-${config.id}`,
        inheritAttrs: false,
        props: [
          'collection',
          'selection',
          'layoutOptions',
          'layoutQuery',
          'layoutProps',
          'filter',
          'filterUser',
          'filterSystem',
          'search',
          'selectMode',
          'showSelect',
          'readonly',
          'resetPreset',
          'clearFilters',
        ],
        emits: ['update:selection', 'update:layoutOptions', 'update:layoutQuery'],
        setup(props, { emit, slots }) {
          const state = reactive(config.setup ? (config.setup(props, { emit }) ?? {}) : {});
          return () => {
            const layoutState = { ...toRefs(props), ...toRefs(state) };
            const vnode = h(config.component, { ...props, ...state, layoutState });
            return slots.default ? slots.default({ layoutState, component: vnode }) : vnode;
          };
        },
      }),
    );
  });
  return { layoutWrapper };
}
