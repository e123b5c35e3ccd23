// @ts-check
/** The number in an aggregate row: `{count: {'*': 3}}`, `{sum: {price: 10}}` or `{count: 3}`. */
export function aggregateValue(row, fn = 'count') {
  const v = row?.[fn];
  if (v && typeof v === 'object') return Number(Object.values(v)[0] ?? 0);
  return Number(v ?? 0);
}

export function formatNumber(n) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—';
}
