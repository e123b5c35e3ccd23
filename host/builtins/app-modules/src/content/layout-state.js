// @ts-check

const VALUELESS = ['_null', '_nnull', '_empty', '_nempty'];
const blank = (/** @type {unknown} */ v) => v === null || v === undefined || v === '';

/**
 * The user's filter as the items are queried with it: a rule still waiting for its value (just
 * added, `{title: {_eq: null}}`) is left out until it has one, and a group left empty with it.
 * @param {any} filter
 * @returns {any}
 */
export function completeFilter(filter) {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return null;
  const key = Object.keys(filter)[0];
  if (key === '_and' || key === '_or') {
    const children = (Array.isArray(filter[key]) ? filter[key] : []).map(completeFilter).filter(Boolean);
    return children.length ? { [key]: children } : null;
  }
  if (key === undefined) return null;
  if (key.startsWith('_')) {
    const value = filter[key];
    if (VALUELESS.includes(key)) return filter;
    if (Array.isArray(value) ? value.length === 0 || value.some(blank) : blank(value)) return null;
    return filter;
  }
  const inner = completeFilter(filter[key]);
  return inner ? { [key]: inner } : null;
}
