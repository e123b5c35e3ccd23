// v-select's item normalisation: strings become {text, value}; objects are read through the
// item* keys (dot paths allowed), dividers pass through, children are normalised recursively.
const get = (obj, path) =>
  path
    ? String(path)
        .split('.')
        .reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj)
    : undefined;

export function normalizeItems(items, keys) {
  const parse = (item) => {
    if (typeof item !== 'object' || item === null) return { text: String(item), value: item };
    if (item.divider === true) return { divider: true, value: null };
    const children = get(item, keys.itemChildren);
    return {
      text: get(item, keys.itemText),
      value: get(item, keys.itemValue),
      icon: keys.itemIcon ? get(item, keys.itemIcon) : undefined,
      color: keys.itemColor ? get(item, keys.itemColor) : undefined,
      disabled: Boolean(get(item, keys.itemDisabled)),
      children: Array.isArray(children) ? children.map(parse) : null,
    };
  };
  return (items ?? []).map(parse);
}

export function findItem(options, value) {
  for (const o of options) {
    if (!o.divider && o.value === value) return o;
    const child = o.children && findItem(o.children, value);
    if (child) return child;
  }
  return undefined;
}
