// @ts-check
import { checkPayload, RuleError } from '@annex/protocol/rules';

/**
 * Directus's field conditions (`meta.conditions`): rules on the item's values that hide a field,
 * lock it, require it or change its interface options while they hold. The last condition whose
 * rule the values pass applies (Directus checks them in reverse and takes the first); a rule must
 * have exactly one top-level key, as in Directus. The rule is checked the way the host checks
 * its rules (`@annex/protocol/rules`), with every field it names required.
 */

/** @typedef {{ field: string, type?: string, schema?: any, meta?: any }} Field */
/** @typedef {{ user: string | null, role: string | null, now: Date }} RuleContext */

/** @param {unknown} rule */
const usable = (rule) => !!rule && typeof rule === 'object' && !Array.isArray(rule) && Object.keys(rule).length === 1;

/**
 * Whether `values` pass `rule`; a rule that cannot be checked (an unknown operator) does not hold.
 * @param {any} rule
 * @param {Record<string, unknown>} values
 * @param {RuleContext} context
 */
function holds(rule, values, context) {
  try {
    return checkPayload(rule, values, { requireAll: true, context }).length === 0;
  } catch (e) {
    if (e instanceof RuleError) return false;
    throw e;
  }
}

/**
 * Deep merge of plain objects, where a list replaces a list (lodash's mergeWith as Directus uses
 * it) and an undefined value leaves what was there.
 * @param {any} base
 * @param {any} over
 * @returns {any}
 */
function merge(base, over) {
  if (over === undefined) return base;
  if (
    !over ||
    typeof over !== 'object' ||
    Array.isArray(over) ||
    !base ||
    typeof base !== 'object' ||
    Array.isArray(base)
  )
    return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/**
 * The field as its conditions make it for these values: the same object when none holds.
 * @param {Field} field
 * @param {Record<string, unknown>} values  the item's values with defaults (the form's view)
 * @param {RuleContext} context
 * @returns {Field}
 */
export function applyConditions(field, values, context) {
  const conditions = field.meta?.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0) return field;
  const match = [...conditions].reverse().find((c) => c && usable(c.rule) && holds(c.rule, values, context));
  if (!match) return field;
  const { readonly, hidden, required, options } = match;
  return { ...field, meta: merge(field.meta ?? {}, { readonly, hidden, required, options }) };
}
