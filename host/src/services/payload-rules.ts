import { errors } from '../errors.js';
import { resolveDynamic, splitFieldFilter } from './filter.js';
import type { Filter } from './query.js';

/**
 * Filter rules checked against a payload in memory, as Directus's `validatePayload` does: a
 * permission's `validation` against what a write submits, and the `condition` flow operation
 * against its data. Without `requireAll` a rule on a field the payload leaves out passes (an
 * update sends only what changes) unless the rule is `_submitted`; with it, every field a rule
 * names must be there.
 */
export interface RuleFailure {
  /** Dotted path of the field in the payload. */
  field: string;
  /** The operator without its underscore (`gt`, `in`…), or `required`. */
  type: string;
  valid?: unknown;
  invalid?: unknown;
  substring?: string;
  /** Shown instead of the generated message (a field's `validation_message`). */
  message?: string;
}

export interface RuleContext {
  user: string | null;
  role: string | null;
  now: Date;
}

const MAX_DEPTH = 32;

const isNumeric = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

/** -1, 0, 1 as numbers, dates or text, in that order of preference; null when the two cannot be ordered. */
function order(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (isNumeric(a) && isNumeric(b)) return Math.sign(Number(a) - Number(b));
  if (typeof a === 'string' && typeof b === 'string' && DATE_LIKE.test(a) && DATE_LIKE.test(b)) {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    if (Number.isFinite(x) && Number.isFinite(y)) return Math.sign(x - y);
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined || typeof a === 'object' || typeof b === 'object')
    return false;
  return String(a) === String(b);
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function contains(value: unknown, operand: unknown, caseless = false): boolean {
  if (typeof value === 'string')
    return caseless ? value.toLowerCase().includes(String(operand).toLowerCase()) : value.includes(String(operand));
  return Array.isArray(value) && value.some((v) => equal(v, operand));
}

function pattern(operand: unknown): RegExp {
  const text = String(operand);
  const literal = /^\/(.*)\/([imsu]*)$/s.exec(text);
  try {
    return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(text);
  } catch {
    throw errors.INVALID_QUERY({
      reason: `"_regex" pattern ${JSON.stringify(text)} is not a valid regular expression.`,
    });
  }
}

function list(operand: unknown, op: string): unknown[] {
  const v = typeof operand === 'string' ? operand.split(',') : operand;
  if (!Array.isArray(v)) throw errors.INVALID_QUERY({ reason: `"${op}" needs a list.` });
  return v;
}

/** Whether `value` passes `op`; throws INVALID_QUERY for an operator rules cannot use. */
function passes(op: string, value: unknown, operand: unknown): boolean {
  const ord = () => order(value, operand);
  switch (op) {
    case '_eq':
      return equal(value, operand);
    case '_neq':
      return !equal(value, operand);
    case '_lt':
      return ord() === -1;
    case '_lte':
      return ord() === -1 || ord() === 0;
    case '_gt':
      return ord() === 1;
    case '_gte':
      return ord() === 1 || ord() === 0;
    case '_in':
      return list(operand, op).some((o) => equal(value, o));
    case '_nin':
      return !list(operand, op).some((o) => equal(value, o));
    case '_null':
      return (operand === false || operand === 'false') !== (value === null || value === undefined);
    case '_nnull':
      return (operand === false || operand === 'false') === (value === null || value === undefined);
    case '_empty':
      return (operand === false || operand === 'false') !== isEmpty(value);
    case '_nempty':
      return (operand === false || operand === 'false') === isEmpty(value);
    case '_contains':
      return contains(value, operand);
    case '_ncontains':
      return !contains(value, operand);
    case '_icontains':
      return contains(value, operand, true);
    case '_nicontains':
      return !contains(value, operand, true);
    case '_starts_with':
      return typeof value === 'string' && value.startsWith(String(operand));
    case '_nstarts_with':
      return !(typeof value === 'string' && value.startsWith(String(operand)));
    case '_ends_with':
      return typeof value === 'string' && value.endsWith(String(operand));
    case '_nends_with':
      return !(typeof value === 'string' && value.endsWith(String(operand)));
    case '_istarts_with':
      return typeof value === 'string' && value.toLowerCase().startsWith(String(operand).toLowerCase());
    case '_nistarts_with':
      return !(typeof value === 'string' && value.toLowerCase().startsWith(String(operand).toLowerCase()));
    case '_iends_with':
      return typeof value === 'string' && value.toLowerCase().endsWith(String(operand).toLowerCase());
    case '_niends_with':
      return !(typeof value === 'string' && value.toLowerCase().endsWith(String(operand).toLowerCase()));
    case '_between':
    case '_nbetween': {
      const [lo, hi] = list(operand, op);
      const inside = [order(value, lo), order(value, hi)];
      const between = inside[0] !== null && inside[1] !== null && inside[0] >= 0 && inside[1] <= 0;
      return op === '_between' ? between : !between;
    }
    case '_regex':
      return typeof value === 'string' && pattern(operand).test(value);
    case '_submitted':
      return operand === false || operand === 'false' || value !== undefined;
    default:
      throw errors.INVALID_QUERY({ reason: `The rule uses "${op}", which payload rules do not support.` });
  }
}

function failure(field: string, op: string, operand: unknown): RuleFailure {
  const type = op === '_submitted' ? 'required' : op.slice(1);
  if (['_neq', '_nin'].includes(op)) return { field, type, invalid: operand };
  if (/^_n?i?(contains|starts_with|ends_with)$/.test(op)) return { field, type, substring: String(operand) };
  if (['_null', '_nnull', '_empty', '_nempty', '_submitted', '_regex'].includes(op)) return { field, type };
  return { field, type, valid: operand };
}

/** The rules of `filter` that `payload` fails (empty when it passes). */
export function checkPayload(
  filter: Filter | null | undefined,
  payload: unknown,
  options: { requireAll: boolean; context: RuleContext },
): RuleFailure[] {
  function walk(rule: unknown, data: unknown, path: string[], depth: number): RuleFailure[] {
    if (depth > MAX_DEPTH) throw errors.INVALID_QUERY({ reason: `Rules may nest at most ${MAX_DEPTH} levels.` });
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule))
      throw errors.INVALID_QUERY({ reason: `The rule at "${path.join('.') || '(root)'}" must be an object.` });
    const out: RuleFailure[] = [];
    for (const [key, sub] of Object.entries(rule)) {
      if (key === '_and' || key === '_or') {
        if (!Array.isArray(sub)) throw errors.INVALID_QUERY({ reason: `"${key}" needs a list of rules.` });
        const each = sub.map((s) => walk(s, data, path, depth + 1));
        if (key === '_and') out.push(...each.flat());
        else if (each.length > 0 && !each.some((f) => f.length === 0)) out.push(...each.flat());
        continue;
      }
      if (key.startsWith('_')) throw errors.INVALID_QUERY({ reason: `"${key}" must be applied to a field.` });
      const value =
        data !== null && typeof data === 'object' && Object.hasOwn(data, key)
          ? (data as Record<string, unknown>)[key]
          : undefined;
      const field = [...path, key];
      if (sub === null || typeof sub !== 'object' || Array.isArray(sub))
        throw errors.INVALID_QUERY({ reason: `The rule for "${field.join('.')}" must be an object.` });
      const { ops, nested } = splitFieldFilter(sub as Record<string, unknown>);
      for (const [op, raw] of ops) {
        const operand = resolveDynamic(raw, options.context);
        if (value === undefined && op !== '_submitted' && !options.requireAll) continue;
        if (value === undefined && op !== '_submitted') {
          out.push({ field: field.join('.'), type: 'required' });
          continue;
        }
        if (!passes(op, value, operand)) out.push(failure(field.join('.'), op, operand));
      }
      // A related item written in the same payload is checked field by field; a key alone is not an item.
      if (nested && (value !== undefined || options.requireAll))
        out.push(...walk(nested, value !== null && typeof value === 'object' ? value : {}, field, depth + 1));
    }
    return out;
  }
  return filter ? walk(filter, payload, [], 0) : [];
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
