// @ts-check
import { h, resolveComponent } from 'vue';

/** Directus's color display: a swatch and the value. */
export const ColorDisplay = {
  name: 'display-color',
  inheritAttrs: false,
  props: ['value', 'showAsDot'],
  setup(/** @type {{value: unknown, showAsDot?: boolean}} */ props) {
    return () => {
      if (typeof props.value !== 'string' || !props.value)
        return h('span', { class: 'display-text', 'data-display': 'color' }, '—');
      return h('span', { class: 'color-display', 'data-display': 'color' }, [
        h('span', {
          class: 'color-dot',
          style: {
            display: 'inline-block',
            width: '12px',
            height: '12px',
            borderRadius: '50%',
            background: props.value,
            marginRight: '6px',
            verticalAlign: 'middle',
          },
        }),
        props.showAsDot ? null : props.value,
      ]);
    };
  },
};

/** Directus's icon display: the Material Symbol the value names. */
export const IconDisplay = {
  name: 'display-icon',
  inheritAttrs: false,
  props: ['value', 'filled'],
  setup(/** @type {{value: unknown, filled?: boolean}} */ props) {
    return () =>
      typeof props.value === 'string' && props.value
        ? h('span', { class: 'icon-display', 'data-display': 'icon' }, [
            h(/** @type {any} */ (resolveComponent('v-icon')), { name: props.value, filled: props.filled }),
          ])
        : h('span', { class: 'display-text', 'data-display': 'icon' }, '—');
  },
};
