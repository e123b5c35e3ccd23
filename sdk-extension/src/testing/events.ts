/** eventemitter2-style matching with `.` delimiters: `*` is one segment, `**` any number. */
export function eventMatches(pattern: string, event: string): boolean {
  if (pattern === event) return true;
  const p = pattern.split('.');
  const e = event.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === e.length;
    if (p[i] === '**') return match(i + 1, j) || (j < e.length && match(i, j + 1));
    if (j === e.length) return false;
    return (p[i] === '*' || p[i] === e[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/** Express-style path matching (`/items/:id`, optional `:id?`, trailing `*`). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const clean = (s: string) => s.split('/').filter(Boolean);
  const p = clean(pattern);
  const s = clean(path.split('?')[0]!);
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg === '*' || seg === '(.*)') {
      params['0'] = s.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const optional = seg.endsWith('?');
    if (i >= s.length) return optional ? params : null;
    if (seg.startsWith(':')) params[seg.slice(1).replace(/\?$/, '')] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return s.length > p.length ? null : params;
}

/** True when `prefix` mounts `path` (`/a` mounts `/a` and `/a/b`, not `/ab`). */
export function mounts(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/$/, '');
  return p === '' || path === p || path.startsWith(p + '/') || path.startsWith(p + '?');
}
