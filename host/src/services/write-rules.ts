import { combineRows, grantsField, type Grant } from '../auth/permissions.js';
import { errors } from '../errors.js';
import type { CollectionOverview } from '../schema/types.js';
import { storedView } from './casting.js';
import { resolveDynamic } from './filter.js';
import { checkPayload, failedValidation, type RuleContext, type RuleFailure } from './payload-rules.js';

/**
 * What a create or update must satisfy beyond the row itself, in the order the items service
 * applies it (as Directus does): the role's field list on what was sent, the permission's presets
 * for what was left out, the permission's validation rules, and each field's own rules.
 */

type Item = Record<string, any>;

/** FORBIDDEN for a field the caller sent but may not write: checked before rules and presets. */
export function assertWritable(col: CollectionOverview, grant: Grant, sent: unknown): void {
  if (!sent || typeof sent !== 'object') return;
  for (const key of Object.keys(sent)) {
    const field = col.fields[key];
    if (field && field.type !== 'alias' && !grantsField(grant.fields, key)) throw errors.FORBIDDEN();
  }
}

/** A grant's field list with `extra` fields added. */
export function withFields(fields: Grant['fields'], extra: string[]): Grant['fields'] {
  return fields === '*' || extra.length === 0 ? fields : [...new Set([...fields, ...extra])];
}

/**
 * The payload with the permission's presets (`directus_permissions.presets`) for the fields it
 * leaves out, as Directus merges them under what was sent (dynamic values resolved), and the
 * fields the presets add: they are written whatever the role's field list says.
 */
export function withPresets(
  context: RuleContext,
  col: CollectionOverview,
  grant: Grant,
  sent: Item,
): { payload: Item; presetFields: string[] } {
  if (!sent || typeof sent !== 'object' || Array.isArray(sent) || !grant.parts?.some((p) => p.presets))
    return { payload: sent, presetFields: [] };
  const payload: Item = { ...sent };
  const presetFields: string[] = [];
  for (const part of grant.parts) {
    for (const [field, value] of Object.entries(part.presets ?? {})) {
      const known = col.fields[field];
      if (!known || known.type === 'alias' || Object.hasOwn(payload, field)) continue;
      payload[field] = resolveDynamic(value, context);
      presetFields.push(field);
    }
  }
  return { payload, presetFields };
}

/**
 * The part of `grant` whose validation rules (`directus_permissions.validation`) the payload
 * passes, as the database will store it: a write must pass one permission row's filter and that
 * same row's rules. FAILED_VALIDATION, listing every rule of the first row it fails, when no row
 * passes. An update's payload holds only what changes, so a rule on a field it leaves out is not
 * checked (unless the rule is `_submitted`), as in Directus.
 */
export function validGrant(context: RuleContext, col: CollectionOverview, grant: Grant, payload: unknown): Grant {
  const parts = grant.parts;
  if (!parts || parts.every((p) => !p.validation)) return grant;
  const view = storedView(col, payload);
  let first: RuleFailure[] | undefined;
  const passing = parts.filter((p) => {
    const failures = checkPayload(p.validation, view, { requireAll: false, context });
    if (failures.length > 0) first ??= failures;
    return failures.length === 0;
  });
  if (passing.length === 0) throw failedValidation(first!);
  return passing.length === parts.length ? grant : combineRows(passing);
}

/**
 * Each field's own rules (`meta.validation`), for every writer, administrators included (they
 * describe the data, not a role): FAILED_VALIDATION, with the field's `validation_message` when it
 * has one. Like permission rules, a rule on a field the payload leaves out passes.
 */
export function assertFieldRules(context: RuleContext, col: CollectionOverview, payload: unknown): void {
  const failures: RuleFailure[] = [];
  let view: unknown;
  for (const field of Object.values(col.fields)) {
    if (!field.validation) continue;
    view ??= storedView(col, payload);
    const found = checkPayload(field.validation, view, { requireAll: false, context });
    failures.push(
      ...(field.validationMessage ? found.map((f) => ({ ...f, message: field.validationMessage! })) : found),
    );
  }
  if (failures.length > 0) throw failedValidation(failures);
}
