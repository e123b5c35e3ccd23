// v-checkbox-tree's value combining: what the model holds after a node is toggled.
//   all    the node and every descendant;        leaf   only leaf values;
//   branch the node replaces its descendants;    exclusive/indeterminate  the node alone.
export function descendantValues(node, keys) {
  const out = [];
  for (const child of node[keys.children] ?? []) out.push(child[keys.value], ...descendantValues(child, keys));
  return out;
}

const leaves = (node, keys) =>
  (node[keys.children] ?? []).length === 0 ? [node[keys.value]] : node[keys.children].flatMap((c) => leaves(c, keys));

export function toggleTreeValue(current, node, keys, mode) {
  const value = node[keys.value];
  const below = descendantValues(node, keys);
  const group = mode === 'all' ? [value, ...below] : mode === 'leaf' ? leaves(node, keys) : [value];
  const on =
    mode === 'leaf'
      ? group.every((v) => current.includes(v))
      : current.includes(value) || (below.length > 0 && below.every((v) => current.includes(v)));
  if (on) return current.filter((v) => !group.includes(v) && !(mode === 'all' && below.includes(v)));
  const base = mode === 'branch' ? current.filter((v) => !below.includes(v)) : current;
  return [...base, ...group.filter((v) => !base.includes(v))];
}

export function matchesSearch(node, keys, search) {
  if (!search) return true;
  const q = search.toLowerCase();
  return (
    String(node[keys.text] ?? '')
      .toLowerCase()
      .includes(q) || (node[keys.children] ?? []).some((c) => matchesSearch(c, keys, search))
  );
}
