import { checkPayload as checkRules, RuleError, type RuleContext, type RuleFailure } from '@annex/protocol/rules';
import { errors } from '../errors.js';
import type { Filter } from './query.js';

export type { RuleContext, RuleFailure };

/**
 * The rules of `filter` that `payload` fails (empty when it passes), as Directus's
 * `validatePayload` (`@annex/protocol/rules`); a rule that cannot be checked is INVALID_QUERY.
 */
export function checkPayload(
  filter: Filter | null | undefined,
  payload: unknown,
  options: { requireAll: boolean; context: RuleContext },
): RuleFailure[] {
  try {
    return checkRules(filter as Record<string, unknown> | null | undefined, payload, options);
  } catch (e) {
    if (e instanceof RuleError) throw errors.INVALID_QUERY({ reason: e.reason });
    throw e;
  }
}

const quote = (v: unknown) => `"${typeof v === 'string' ? v : JSON.stringify(v)}"`;

/** Directus's message for one failed rule. */
export function failureMessage(f: RuleFailure): string {
  const head = `Validation failed for field "${f.field}".`;
  const valid = Array.isArray(f.valid) ? f.valid.map(quote).join(', ') : quote(f.valid);
  const invalid = Array.isArray(f.invalid) ? f.invalid.map(quote).join(', ') : quote(f.invalid);
  const tail: Record<string, string> = {
    eq: `Value has to be ${valid}.`,
    neq: `Value can't be ${invalid}.`,
    in: `Value has to be one of ${valid}.`,
    nin: `Value can't be one of ${invalid}.`,
    gt: `Value has to be greater than ${valid}.`,
    gte: `Value has to be greater than or equal to ${valid}.`,
    lt: `Value has to be less than ${valid}.`,
    lte: `Value has to be less than or equal to ${valid}.`,
    between: `Value has to be between ${valid}.`,
    nbetween: `Value can't be between ${valid}.`,
    contains: `Value has to contain "${f.substring}".`,
    ncontains: `Value can't contain "${f.substring}".`,
    icontains: `Value has to contain "${f.substring}" (any case).`,
    nicontains: `Value can't contain "${f.substring}" (any case).`,
    starts_with: `Value has to start with "${f.substring}".`,
    nstarts_with: `Value can't start with "${f.substring}".`,
    ends_with: `Value has to end with "${f.substring}".`,
    nends_with: `Value can't end with "${f.substring}".`,
    istarts_with: `Value has to start with "${f.substring}" (any case).`,
    nistarts_with: `Value can't start with "${f.substring}" (any case).`,
    iends_with: `Value has to end with "${f.substring}" (any case).`,
    niends_with: `Value can't end with "${f.substring}" (any case).`,
    null: 'Value has to be null.',
    nnull: "Value can't be null.",
    empty: 'Value has to be empty.',
    nempty: "Value can't be empty.",
    regex: "Value doesn't have the correct format.",
    required: 'Value is required.',
  };
  return tail[f.type] ? `${head} ${tail[f.type]}` : head;
}

/** FAILED_VALIDATION for `failures` (at least one); the response lists each as its own error. */
export function failedValidation(failures: RuleFailure[]): Error {
  return errors.FAILED_VALIDATION(
    { message: failures[0]!.message ?? failureMessage(failures[0]!) },
    { details: { failures } },
  );
}

/** The response entries for a FAILED_VALIDATION error: one per failed rule, as Directus lists them. */
export function failureEntries(
  failures: RuleFailure[],
): { message: string; extensions: { code: string; [k: string]: unknown } }[] {
  return failures.map(({ message, ...f }) => ({
    message: message ?? failureMessage(f),
    extensions: { code: 'FAILED_VALIDATION', ...f },
  }));
}
