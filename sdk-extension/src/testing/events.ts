/** Directus's event-pattern semantics (the protocol's matcher, the one the host uses). */
export { matchEventPattern as eventMatches } from '@annex/protocol';

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
