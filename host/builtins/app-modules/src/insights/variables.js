// @ts-check
/*
 * Dashboard variables in panel options, as Directus applies them: a string that is only
 * `{{ key }}` becomes the variable's value as it is (a number, a list…), `{{ key }}` inside a
 * longer string its text. A filter rule whose value is a variable nobody has set is left out (as
 * the collection page leaves out a rule still waiting for its value), so a dashboard opens with
 * every panel showing data.
 */
const ONLY = /^\s*\{\{\s*([\w.-]+)\s*\}\}\s*$/;
const ANY = /\{\{\s*([\w.-]+)\s*\}\}/g;
const UNSET = Symbol('unset');

const isSet = (/** @type {unknown} */ v) =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * @param {unknown} value @param {Record<string, unknown>} variables
 * @param {boolean} keep leave `{{ key }}` as it is where `key` is no variable (Directus's skipUndefinedKeys)
 * @returns {unknown}
 */
function apply(value, variables, keep = false) {
  if (typeof value === 'string') {
    const only = value.match(ONLY);
    if (only) return isSet(variables[only[1]]) ? variables[only[1]] : keep ? value : UNSET;
    return value.replace(ANY, (m, key) => (isSet(variables[key]) ? String(variables[key]) : keep ? m : ''));
  }
  if (Array.isArray(value))
    return value.map((v) => apply(v, variables, keep)).filter((v) => v !== UNSET && !isEmptyRule(v));
  if (value && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const next = apply(v, variables, keep);
      if (next === UNSET || isEmptyRule(next)) continue;
      out[k] = next;
    }
    return Object.keys(out).length || Object.keys(value).length === 0 ? out : UNSET;
  }
  return value;
}

/** A filter node left with nothing in it (`{_and: []}`) says nothing. @param {unknown} v */
function isEmptyRule(v) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === 1 &&
    (keys[0] === '_and' || keys[0] === '_or') &&
    Array.isArray(v[keys[0]]) &&
    v[keys[0]].length === 0
  );
}

/**
 * `options` with the dashboard's `variables` put in. An option that is only an unset variable is
 * null; a filter emptied of its rules is null. The options a panel type names in
 * `skipUndefinedKeys` (a display template's `{{ field }}`s) keep the tokens that are no variable.
 * @param {Record<string, unknown> | null | undefined} options @param {Record<string, unknown>} variables
 * @param {string[]} [skipUndefinedKeys]
 * @returns {Record<string, unknown>}
 */
export function applyVariables(options, variables, skipUndefinedKeys = []) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    const next = apply(value, variables ?? {}, skipUndefinedKeys.includes(key));
    out[key] = next === UNSET || isEmptyRule(next) ? null : next;
  }
  return out;
}

/**
 * The variables a dashboard opens with: each variable panel's `defaultValue` under its `field`.
 * @param {{ type: string; options?: any }[]} panels @param {(type: string) => boolean} isVariablePanel
 */
export function defaultVariables(panels, isVariablePanel) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const p of panels)
    if (isVariablePanel(p.type) && p.options?.field && p.options.defaultValue !== undefined)
      out[p.options.field] = p.options.defaultValue;
  return out;
}
