// @ts-check
// What the built-in charts and metrics share: Directus's conditional styles, number formats, the
// time-series points of grouped date parts, and SVG paths for a series.

/**
 * Whether `value` meets one of Directus's conditional-style rules (`{operator, value}`): `=`, `!=`,
 * `>`, `>=`, `<`, `<=` (numbers compared as numbers), and the bar chart's text operators
 * (`contains`, `starts_with`, `ends_with`, their `n` negations and `i` case-insensitive forms).
 */
export function meetsRule(value, rule) {
  const target = rule?.value;
  const numeric =
    value !== null &&
    value !== '' &&
    target !== null &&
    target !== '' &&
    !Number.isNaN(Number(value)) &&
    !Number.isNaN(Number(target));
  const a = numeric ? Number(value) : String(value ?? '');
  const b = numeric ? Number(target) : String(target ?? '');
  const text = (/** @type {(s: string, t: string) => boolean} */ test, name) => {
    const op = String(rule.operator ?? '');
    const negated = op.startsWith('n') && op !== name;
    const insensitive = op.replace(/^n/, '').startsWith('i');
    const s = insensitive ? String(value ?? '').toLowerCase() : String(value ?? '');
    const t = insensitive ? String(target ?? '').toLowerCase() : String(target ?? '');
    return negated ? !test(s, t) : test(s, t);
  };
  switch (rule?.operator ?? '=') {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case 'contains':
    case 'ncontains':
    case 'icontains':
    case 'nicontains':
      return text((s, t) => s.includes(t), 'contains');
    case 'starts_with':
    case 'nstarts_with':
    case 'istarts_with':
    case 'nistarts_with':
      return text((s, t) => s.startsWith(t), 'starts_with');
    case 'ends_with':
    case 'nends_with':
    case 'iends_with':
    case 'niends_with':
      return text((s, t) => s.endsWith(t), 'ends_with');
    default:
      return false;
  }
}

/**
 * The color of the last rule `value` meets (a later rule wins, as in Directus), else `fallback`.
 * With `axis`, only the bar chart's rules for that axis (`X` or `Y`, Y when unset) count.
 * @param {unknown} value @param {any[] | null | undefined} rules @param {string | undefined} fallback @param {'X' | 'Y'} [axis]
 */
export function ruleColor(value, rules, fallback, axis) {
  let color = fallback;
  for (const rule of Array.isArray(rules) ? rules : []) {
    if (axis && (rule?.axis ?? 'Y') !== axis) continue;
    if (meetsRule(value, rule) && rule.color) color = rule.color;
  }
  return color;
}

/**
 * A number as Directus's metric panels print it: `numberStyle` (decimal, currency, percent, unit
 * with `unit`), `notation` (standard, scientific, engineering, compact; `abbreviate` is compact),
 * fraction digits (`decimals` sets both), `prefix` and `suffix`.
 */
export function formatMetric(value, options = {}) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return `${options.prefix ?? ''}${String(value)}${options.suffix ?? ''}`;
  const digits = (v, fallback) =>
    v === null || v === undefined || v === '' ? fallback : Math.max(0, Math.min(20, Number(v)));
  const min = digits(options.minimumFractionDigits ?? options.decimals, 0);
  const max = Math.max(min, digits(options.maximumFractionDigits ?? options.decimals, Math.max(min, 2)));
  /** @type {Intl.NumberFormatOptions} */
  const format = { minimumFractionDigits: min, maximumFractionDigits: max };
  const notation = options.abbreviate ? 'compact' : options.notation;
  if (['scientific', 'engineering', 'compact'].includes(notation)) format.notation = notation;
  let text;
  try {
    if (options.numberStyle === 'currency' && options.unit)
      text = n.toLocaleString('en-US', { ...format, style: 'currency', currency: options.unit });
    else if (options.numberStyle === 'unit' && options.unit)
      text = n.toLocaleString('en-US', { ...format, style: 'unit', unit: options.unit });
    else if (options.numberStyle === 'percent') text = n.toLocaleString('en-US', { ...format, style: 'percent' });
    else text = n.toLocaleString('en-US', format);
  } catch {
    // An unknown currency or unit: the number alone.
    text = n.toLocaleString('en-US', format);
  }
  return `${options.prefix ?? ''}${text}${options.suffix ?? ''}`;
}

/**
 * The time of a row grouped by date parts (`<field>_year`, `_month`, `_week`, `_day`, `_hour`,
 * `_minute`, `_second`), in milliseconds, UTC; a week is counted from the year's first day.
 */
export function groupTime(group, field) {
  const part = (name, fallback) => {
    const v = group?.[`${field}_${name}`];
    return v === null || v === undefined ? fallback : Number(v);
  };
  const year = part('year', Number.NaN);
  const week = group?.[`${field}_week`];
  const day = week !== undefined && week !== null ? 1 + Number(week) * 7 : part('day', 1);
  return Date.UTC(year, part('month', 1) - 1, day, part('hour', 0), part('minute', 0), part('second', 0));
}

/** Directus's time-series groups for a precision: `day` → year, month and day of `field`. */
export function precisionGroups(precision, field) {
  const parts = {
    year: ['year'],
    month: ['year', 'month'],
    week: ['year', 'month', 'week'],
    day: ['year', 'month', 'day'],
    hour: ['year', 'month', 'day', 'hour'],
    minute: ['year', 'month', 'day', 'hour', 'minute'],
    second: ['year', 'month', 'day', 'hour', 'minute', 'second'],
  };
  return (parts[precision ?? 'hour'] ?? parts.hour).map((p) => `${p}(${field})`);
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** The start of a time-series range ending at `now` (`1 week`, `3 months`…); undefined for `auto` or an unknown range. */
export function rangeStart(now, range) {
  const m = /^(\d+)\s*(minute|hour|day|week|month|year)s?$/.exec(String(range ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const d = new Date(now);
  if (m[2] === 'month') d.setUTCMonth(d.getUTCMonth() - n);
  else if (m[2] === 'year') d.setUTCFullYear(d.getUTCFullYear() - n);
  else d.setTime(d.getTime() - n * UNIT_MS[m[2]]);
  return d.getTime();
}

/**
 * Points `[{x, y}]` placed in a `width` × `height` box (y grows downwards) for the domains given
 * (each defaults to the points' own extent).
 */
export function place(points, width, height, domain = {}) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x0 = domain.x0 ?? Math.min(...xs);
  const x1 = domain.x1 ?? Math.max(...xs);
  const y0 = domain.y0 ?? Math.min(0, ...ys);
  const y1 = domain.y1 ?? Math.max(...ys);
  const sx = (x) => (x1 === x0 ? width / 2 : ((x - x0) / (x1 - x0)) * width);
  const sy = (y) => (y1 === y0 ? height / 2 : height - ((y - y0) / (y1 - y0)) * height);
  return points.map((p) => ({ ...p, px: round(sx(p.x)), py: round(sy(p.y)) }));
}

const round = (n) => Math.round(n * 100) / 100;

/** An SVG path through placed points: `straight`, `stepline` or `smooth` (curves that never overshoot between two points). */
export function seriesPath(placed, curve = 'smooth') {
  if (!placed.length) return '';
  const [first, ...rest] = placed;
  let d = `M ${first.px} ${first.py}`;
  let prev = first;
  for (const p of rest) {
    if (curve === 'stepline') d += ` H ${p.px} V ${p.py}`;
    else if (curve === 'straight') d += ` L ${p.px} ${p.py}`;
    else {
      const mid = round((prev.px + p.px) / 2);
      d += ` C ${mid} ${prev.py} ${mid} ${p.py} ${p.px} ${p.py}`;
    }
    prev = p;
  }
  return d;
}

/** The same path closed down to the box's bottom edge, for an area fill. */
export function areaPath(placed, height, curve = 'smooth') {
  if (!placed.length) return '';
  const line = seriesPath(placed, curve);
  return `${line} L ${placed[placed.length - 1].px} ${height} L ${placed[0].px} ${height} Z`;
}
