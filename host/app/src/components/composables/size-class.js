import { computed } from 'vue';

/** The four size flags Directus components share (`x-small`, `small`, `large`, `x-large`). */
export const sizeProps = { xSmall: Boolean, small: Boolean, large: Boolean, xLarge: Boolean };

export function useSizeClass(props) {
  return computed(() => {
    if (props.xSmall) return 'x-small';
    if (props.small) return 'small';
    if (props.large) return 'large';
    if (props.xLarge) return 'x-large';
    return null;
  });
}
