/**
 * Event pattern matching for the `emit` scope: dot-separated segments, `*` matches exactly one
 * segment, `**` matches any number (including none). Everything else matches literally.
 */
export function matchEventPattern(pattern: string, event: string): boolean {
  const p = pattern.split('.');
  const e = event.split('.');
  const memo = new Map<string, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = `${i}:${j}`;
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
}
