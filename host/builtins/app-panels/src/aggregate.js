// @ts-check
/** The number in an aggregate row: `{count: {'*': 3}}`, `{sum: {price: 10}}` or `{count: 3}`. */
export function aggregateValue(row, fn = 'count') {
  const v = row?.[fn];
  if (v && typeof v === 'object') return Number(Object.values(v)[0] ?? 0);
  return Number(v ?? 0);
}

/** A grouped row's value of `field`: under `group` as Directus's panels receive it (a flat row too). */
export function groupValue(row, field) {
  return row?.group && typeof row.group === 'object' ? row.group[field] : row?.[field];
}

/** That value as a label (— for none). */
export function groupLabel(row, field) {
  const v = groupValue(row, field);
  return v === null || v === undefined ? '—' : String(v);
}

export function formatNumber(n) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—';
}

/**
 * A pie's slices from grouped aggregate rows: each group's value, its share and its arc (an SVG
 * path on a circle of radius 1 around 0,0, from the top, clockwise; `inner` > 0 cuts a donut).
 * Groups without a positive value take no slice.
 * @param {any[]} rows @param {string} column @param {string} fn @param {number} [inner]
 */
export function pieSlices(rows, column, fn = 'count', inner = 0) {
  const groups = (rows ?? [])
    .map((row) => ({
      label: groupLabel(row, column),
      value: aggregateValue(row, fn),
    }))
    .filter((g) => Number.isFinite(g.value) && g.value > 0);
  const total = groups.reduce((sum, g) => sum + g.value, 0);
  let at = 0;
  return groups.map((g) => {
    const share = total ? g.value / total : 0;
    const start = at;
    at += share;
    return { ...g, share, path: arc(start, at, inner) };
  });
}

const point = (/** @type {number} */ turn, /** @type {number} */ r) => {
  const a = turn * 2 * Math.PI;
  return `${(Math.sin(a) * r).toFixed(4)} ${(-Math.cos(a) * r).toFixed(4)}`;
};

/** The SVG path of the ring (or pie) sector from `from` to `to` turns. */
function arc(from, to, inner) {
  // A whole circle cannot be one arc: it is drawn as two halves.
  if (to - from >= 0.9999) return `${arc(from, from + 0.5, inner)} ${arc(from + 0.5, to, inner)}`;
  const large = to - from > 0.5 ? 1 : 0;
  const outer = `M ${point(from, 1)} A 1 1 0 ${large} 1 ${point(to, 1)}`;
  if (inner <= 0) return `${outer} L 0 0 Z`;
  return `${outer} L ${point(to, inner)} A ${inner} ${inner} 0 ${large} 0 ${point(from, inner)} Z`;
}
