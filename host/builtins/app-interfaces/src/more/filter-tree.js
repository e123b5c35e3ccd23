// @ts-check
/**
 * Directus's filter as the filter builder edits it: a list of nodes (the top level is `_and` of
 * them), each a field rule (`{ author: { name: { _eq: 'Ada' } } }`) or a group (`{ _or: [...] }`).
 * Pure functions: the builder's components only draw what these return.
 */

/** @typedef {Record<string, any>} FilterNode */

const isPlainObject = (/** @type {unknown} */ v) => !!v && typeof v === 'object' && !Array.isArray(v);
/** A copy of filter data (JSON; also of a reactive proxy, which structuredClone refuses). @param {unknown} v */
const copy = (v) => JSON.parse(JSON.stringify(v));

/** The nodes of a stored filter: none, the `_and` list, or the one node it is. @param {unknown} value */
export function filterToNodes(value) {
  if (!isPlainObject(value) || Object.keys(/** @type {object} */ (value)).length === 0) return [];
  const v = /** @type {FilterNode} */ (value);
  return Object.keys(v)[0] === '_and' && Array.isArray(v._and) ? copy(v._and) : [copy(v)];
}

/** The filter to store for a list of nodes, as Directus's builder emits it. @param {FilterNode[]} nodes */
export function nodesToFilter(nodes) {
  if (nodes.length === 0) return null;
  if (nodes.length === 1) return nodes[0];
  return { _and: nodes };
}

/** A group node's logic and children; null for a field rule. @param {FilterNode} node */
export function groupOf(node) {
  const key = Object.keys(node ?? {})[0];
  return (key === '_and' || key === '_or') && Array.isArray(node[key]) ? { logic: key, children: node[key] } : null;
}

/**
 * A field rule's dotted field path, operator and value (`author.name`, `_eq`, 'Ada').
 * @param {FilterNode} node
 */
export function ruleOf(node) {
  const path = [];
  let at = node;
  for (;;) {
    const key = Object.keys(at ?? {})[0];
    if (key === undefined) return { field: path.join('.'), operator: '_eq', value: null };
    if (key.startsWith('_')) return { field: path.join('.'), operator: key, value: at[key] };
    if (!isPlainObject(at[key])) return { field: [...path, key].join('.'), operator: '_eq', value: at[key] };
    path.push(key);
    at = at[key];
  }
}

/** The rule node for a dotted field path. @param {string} field @param {string} operator @param {unknown} value */
export function ruleFor(field, operator, value) {
  return field
    .split('.')
    .reverse()
    .reduce((inner, part) => ({ [part]: inner }), /** @type {FilterNode} */ ({ [operator]: value }));
}

const TEXT = [
  '_contains',
  '_ncontains',
  '_icontains',
  '_starts_with',
  '_nstarts_with',
  '_istarts_with',
  '_ends_with',
  '_nends_with',
  '_iends_with',
  '_eq',
  '_neq',
  '_empty',
  '_nempty',
  '_null',
  '_nnull',
  '_in',
  '_nin',
  '_lt',
  '_lte',
  '_gt',
  '_gte',
  '_between',
  '_nbetween',
];
const ORDERED = [
  '_eq',
  '_neq',
  '_lt',
  '_lte',
  '_gt',
  '_gte',
  '_between',
  '_nbetween',
  '_null',
  '_nnull',
  '_in',
  '_nin',
];

/**
 * The operators the builder offers for a field type: Directus's list for the type
 * (`getFilterOperatorsForType`), less the ones this host's queries do not take.
 * @param {string} type
 */
export function operatorsFor(type) {
  switch (type) {
    case 'string':
    case 'text':
    case 'csv':
      return TEXT;
    case 'hash':
      return ['_empty', '_nempty', '_null', '_nnull'];
    case 'uuid':
      return ['_eq', '_neq', '_null', '_nnull', '_in', '_nin'];
    case 'json':
      return ['_null', '_nnull'];
    case 'boolean':
      return ['_eq', '_neq', '_null', '_nnull'];
    case 'integer':
    case 'bigInteger':
    case 'float':
    case 'decimal':
    case 'date':
    case 'dateTime':
    case 'time':
    case 'timestamp':
      return ORDERED;
    default:
      return ['_eq', '_neq', '_contains', '_ncontains', '_null', '_nnull', '_in', '_nin', '_empty', '_nempty'];
  }
}

/** The label of each operator (Directus's English names). */
export const OPERATOR_LABELS = {
  _eq: 'Equals',
  _neq: "Doesn't equal",
  _lt: 'Less than',
  _lte: 'Less than or equal to',
  _gt: 'Greater than',
  _gte: 'Greater than or equal to',
  _in: 'Is one of',
  _nin: 'Is not one of',
  _null: 'Is null',
  _nnull: "Isn't null",
  _contains: 'Contains',
  _ncontains: "Doesn't contain",
  _icontains: 'Contains (case-insensitive)',
  _starts_with: 'Starts with',
  _nstarts_with: "Doesn't start with",
  _istarts_with: 'Starts with (case-insensitive)',
  _ends_with: 'Ends with',
  _nends_with: "Doesn't end with",
  _iends_with: 'Ends with (case-insensitive)',
  _between: 'Is between',
  _nbetween: "Isn't between",
  _empty: 'Is empty',
  _nempty: "Isn't empty",
};

/** Operators that take no value (their value is `true`). */
export const VALUELESS = new Set(['_null', '_nnull', '_empty', '_nempty']);

/**
 * The value a rule keeps when its operator changes, as Directus's builder does: a list for in/not
 * in, two values for between, `true` for the value-less ones, else the first value kept.
 * @param {string} operator @param {unknown} value @param {string} [previous]
 */
export function valueForOperator(operator, value, previous) {
  const list = Array.isArray(value) ? value : value === null || value === undefined || value === true ? [] : [value];
  if (operator === '_in' || operator === '_nin') return previous && VALUELESS.has(previous) ? [] : list;
  if (operator === '_between' || operator === '_nbetween')
    return previous && VALUELESS.has(previous) ? [null, null] : [list[0] ?? null, list[1] ?? null];
  if (VALUELESS.has(operator)) return true;
  if (previous && VALUELESS.has(previous)) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/**
 * The node list with the node at `path` (indexes down through groups) replaced by `fn(node)`,
 * or removed when `fn` returns undefined. The list given is not changed.
 * @param {FilterNode[]} nodes @param {number[]} path @param {(node: FilterNode) => FilterNode | undefined} fn
 * @returns {FilterNode[]}
 */
export function updateAt(nodes, path, fn) {
  const [index, ...rest] = path;
  if (index === undefined || index < 0 || index >= nodes.length) return nodes;
  const out = [...nodes];
  if (rest.length === 0) {
    const next = fn(nodes[index]);
    if (next === undefined) out.splice(index, 1);
    else out[index] = next;
    return out;
  }
  const group = groupOf(nodes[index]);
  if (!group) return nodes;
  out[index] = { [group.logic]: updateAt(group.children, rest, fn) };
  return out;
}

/** The nodes with `node` added at the end of the group at `path` (the top level for []). @param {FilterNode[]} nodes @param {number[]} path @param {FilterNode} node */
export function appendAt(nodes, path, node) {
  if (path.length === 0) return [...nodes, node];
  return updateAt(nodes, path, (group) => {
    const g = groupOf(group);
    return g ? { [g.logic]: [...g.children, node] } : group;
  });
}

const DATE_TYPES = ['date', 'dateTime', 'timestamp'];
const DATE_PARTS = [
  ['year', 'Year'],
  ['month', 'Month'],
  ['week', 'Week'],
  ['day', 'Day'],
  ['weekday', 'Weekday'],
  ['hour', 'Hour'],
  ['minute', 'Minute'],
  ['second', 'Second'],
];

/**
 * The fields a rule can be added for: the collection's own (not aliases), and one level into each
 * many-to-one (`author.name`), and Directus's date parts of each date field (`year(date)`). `fieldsOf(collection)` gives a collection's fields as the fields store does.
 * @param {string} collection @param {(collection: string) => any[]} fieldsOf
 * @returns {{ field: string; name: string; type: string; group?: string }[]}
 */
export function filterableFields(collection, fieldsOf) {
  const label = (/** @type {any} */ f) => f.meta?.name ?? f.name ?? f.field;
  const own = (fieldsOf(collection) ?? []).filter((f) => f.type !== 'alias');
  const out = own.map((f) => ({ field: f.field, name: label(f), type: f.type }));
  // Directus's date functions on a date field (`year(date_created)`): integers, in their own group.
  for (const f of own.filter((x) => DATE_TYPES.includes(x.type)))
    for (const [fn, name] of DATE_PARTS)
      out.push({
        field: `${fn}(${f.field})`,
        name: `${label(f)} → ${name}`,
        type: 'integer',
        group: `${label(f)} (date parts)`,
      });
  for (const f of own) {
    const related = f.schema?.foreign_key_table;
    if (!related) continue;
    for (const g of (fieldsOf(related) ?? []).filter((x) => x.type !== 'alias'))
      out.push({ field: `${f.field}.${g.field}`, name: `${label(f)} → ${label(g)}`, type: g.type, group: label(f) });
  }
  return out;
}
