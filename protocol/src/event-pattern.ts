/**
 * Event patterns with Directus's semantics (its emitter is eventemitter2 with `wildcard: true`
 * and `.` as delimiter): dot-separated segments, `*` matches exactly one segment, `**` any
 * number of segments including none (`items.**` matches `items`). Everything else matches
 * literally. Used by the host's event bus, the `emit` scope and the SDK's test harness.
 */
export function compileEventPattern(pattern: string): (event: string) => boolean {
  if (!pattern.includes('*')) return (event) => event === pattern;
  const p = pattern.split('.');
  return (event) => {
    const e = event.split('.');
    // Memoised over (pattern index, event index): `**` runs stay linear instead of exponential.
    const memo = new Map<number, boolean>();
    const at = (i: number, j: number): boolean => {
      const key = i * (e.length + 1) + j;
      const hit = memo.get(key);
      if (hit !== undefined) return hit;
      let result: boolean;
      if (i === p.length) result = j === e.length;
      else if (p[i] === '**') result = at(i + 1, j) || (j < e.length && at(i, j + 1));
      else result = j < e.length && (p[i] === '*' || p[i] === e[j]) && at(i + 1, j + 1);
      memo.set(key, result);
      return result;
    };
    return at(0, 0);
  };
}

/** True when `event` matches `pattern` (see `compileEventPattern`). */
export function matchEventPattern(pattern: string, event: string): boolean {
  return compileEventPattern(pattern)(event);
}
