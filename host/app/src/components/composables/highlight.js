// Splits `text` into highlighted / plain parts for every (accent- and case-insensitive) match of
// the query or queries, overlapping matches merged.
const fold = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export function highlightParts(text, query) {
  const queries = (Array.isArray(query) ? query : [query])
    .filter((q) => typeof q === 'string' && q.length > 0)
    .map(fold);
  // Folding can change length for some characters; match on the folded text only when it does not.
  const hay = fold(text);
  if (queries.length === 0 || hay.length !== text.length) return [{ text, highlighted: false }];
  const ranges = [];
  for (const q of queries)
    for (let i = hay.indexOf(q); i !== -1; i = hay.indexOf(q, i + 1)) ranges.push([i, i + q.length]);
  if (ranges.length === 0) return [{ text, highlighted: false }];
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged = [ranges[0].slice()];
  for (const [s, e] of ranges.slice(1)) {
    const last = merged[merged.length - 1];
    if (s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const parts = [];
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) parts.push({ text: text.slice(at, s), highlighted: false });
    parts.push({ text: text.slice(s, e), highlighted: true });
    at = e;
  }
  if (at < text.length) parts.push({ text: text.slice(at), highlighted: false });
  return parts;
}
