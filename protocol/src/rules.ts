/**
 * Directus's filter rules checked against values in memory (its `validatePayload`), without a
 * database: the host checks a permission's `validation` and a field's rule against a write and the
 * `condition` operation against its data; the admin app checks a field's `meta.conditions` against
 * the form's values. One implementation for both, so a rule means the same on either side. It
 * imports nothing (the app bundles it).
 */

/** A rule that cannot be checked (an unknown operator, a malformed rule); the host answers INVALID_QUERY. */
export class RuleError extends Error {
  readonly code = 'INVALID_QUERY';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RuleError';
  }
}

/** A filter: field names to operators (`_eq`…) or nested filters, and `_and`/`_or` lists. */
export type RuleFilter = Record<string, unknown>;

/** A field filter's parts: operators (`_eq`…) and, on a many-to-one field, a filter of the related item. */
export function splitFieldFilter(value: Record<string, unknown>): {
  ops: [string, unknown][];
  nested: RuleFilter | null;
} {
  const ops: [string, unknown][] = [];
  let nested: RuleFilter | null = null;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('_')) ops.push([k, v]);
    else (nested ??= {})[k] = v;
  }
  return { ops, nested };
}

const ADJUSTMENT =
  /^([-+]?\d*\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|months?|mth|mo|years?|yrs?|y)?$/i;
const MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `date` moved by Directus's `$NOW(…)` adjustment (`-1 week`, `+2 hours`, `30 days`, `1y`; a bare
 * number is days), in UTC; undefined when `adjustment` is not one.
 */
export function adjustDate(date: Date, adjustment: string): Date | undefined {
  const m = ADJUSTMENT.exec(adjustment.trim());
  if (!m) return undefined;
  const amount = Number.parseFloat(m[1]!);
  const unit = (m[2] ?? 'days').toLowerCase();
  const out = new Date(date);
  if (/^(y|yrs?|years?)$/.test(unit)) out.setUTCFullYear(out.getUTCFullYear() + Math.trunc(amount));
  else if (/^(mo|mth|months?)$/.test(unit)) out.setUTCMonth(out.getUTCMonth() + Math.trunc(amount));
  else {
    const key = /^(ms|msecs?|milliseconds?)$/.test(unit) ? 'ms' : unit[0]!;
    out.setTime(out.getTime() + amount * MS[key]!);
  }
  return out;
}

/** `$CURRENT_USER`, `$CURRENT_ROLE`, `$NOW` and `$NOW(-1 week)` in a filter value (also in lists). */
export function resolveDynamic(value: unknown, ctx: { user: string | null; role: string | null; now: Date }): unknown {
  if (value === '$CURRENT_USER') return ctx.user;
  if (value === '$CURRENT_ROLE') return ctx.role;
  if (value === '$NOW') return ctx.now.toISOString();
  if (typeof value === 'string' && value.startsWith('$NOW(') && value.endsWith(')'))
    return adjustDate(ctx.now, value.slice(5, -1))?.toISOString() ?? value;
  if (Array.isArray(value)) return value.map((v) => resolveDynamic(v, ctx));
  return value;
}

/**
 * What a payload fails, as Directus's `validatePayload` reports it: a
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
    throw new RuleError(`"_regex" pattern ${JSON.stringify(text)} is not a valid regular expression.`);
  }
}

function list(operand: unknown, op: string): unknown[] {
  const v = typeof operand === 'string' ? operand.split(',') : operand;
  if (!Array.isArray(v)) throw new RuleError(`"${op}" needs a list.`);
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
      throw new RuleError(`The rule uses "${op}", which payload rules do not support.`);
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
  filter: RuleFilter | null | undefined,
  payload: unknown,
  options: { requireAll: boolean; context: RuleContext },
): RuleFailure[] {
  function walk(rule: unknown, data: unknown, path: string[], depth: number): RuleFailure[] {
    if (depth > MAX_DEPTH) throw new RuleError(`Rules may nest at most ${MAX_DEPTH} levels.`);
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule))
      throw new RuleError(`The rule at "${path.join('.') || '(root)'}" must be an object.`);
    const out: RuleFailure[] = [];
    for (const [key, sub] of Object.entries(rule)) {
      if (key === '_and' || key === '_or') {
        if (!Array.isArray(sub)) throw new RuleError(`"${key}" needs a list of rules.`);
        const each = sub.map((s) => walk(s, data, path, depth + 1));
        if (key === '_and') out.push(...each.flat());
        else if (each.length > 0 && !each.some((f) => f.length === 0)) out.push(...each.flat());
        continue;
      }
      if (key.startsWith('_')) throw new RuleError(`"${key}" must be applied to a field.`);
      const value =
        data !== null && typeof data === 'object' && Object.hasOwn(data, key)
          ? (data as Record<string, unknown>)[key]
          : undefined;
      const field = [...path, key];
      if (sub === null || typeof sub !== 'object' || Array.isArray(sub))
        throw new RuleError(`The rule for "${field.join('.')}" must be an object.`);
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
