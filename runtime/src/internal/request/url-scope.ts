/**
 * Strict URL scope matching for `request`/`fetch`. A pattern is `scheme://host[:port][/path]`:
 * - scheme and host match exactly (after WHATWG normalisation: case, IDN → punycode, IP forms);
 * - a leading `*.` in the host matches one or more subdomain labels, never the apex and never
 *   across the host boundary; any other `*` in the host makes the pattern invalid;
 * - a `*` right after the host means "any path on exactly this host";
 * - a host that is exactly `*` (`https://*`, Directus's "any URL") matches any host and port;
 *   private and loopback addresses stay denied by the address check, unless granted;
 * - in the path, a trailing `*` matches the rest, a `*` elsewhere matches within one segment;
 *   without `*` the path must be equal (the query string is free).
 * Candidates are normalised before matching (`..`, `%2e%2e`, backslashes resolved by the URL
 * parser); userinfo, encoded separators and non-http(s) schemes are rejected outright.
 */
export interface UrlPattern {
  source: string;
  protocol: 'http:' | 'https:';
  host: string;
  subdomains: boolean;
  /** `scheme://*`: any host and any port. */
  anyHost: boolean;
  port: string;
  path: RegExp;
}

export type UrlDenyReason = 'invalid-url' | 'scheme' | 'userinfo' | 'encoded-path' | 'out-of-scope' | 'method';
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: UrlDenyReason };

const PATTERN = /^(https?):\/\/([^/?#]*)([^?#]*)$/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Parse one scope pattern; null when it is malformed (a malformed pattern grants nothing). */
export function parseUrlPattern(source: string): UrlPattern | null {
  const m = PATTERN.exec(source.trim());
  if (!m) return null;
  const protocol = `${m[1].toLowerCase()}:` as 'http:' | 'https:';
  let authority = m[2];
  let path = m[3];
  if (authority.includes('@') || authority.length === 0) return null;
  if (authority === '*') {
    if (path === '') path = '/*';
    const re = pathRegExp(path);
    return re ? { source, protocol, host: '', subdomains: false, anyHost: true, port: '', path: re } : null;
  }
  if (authority.endsWith('*') && !authority.endsWith('.*')) {
    if (path !== '') return null;
    authority = authority.slice(0, -1);
    path = '/*';
  }
  let subdomains = false;
  if (authority.startsWith('*.')) {
    subdomains = true;
    authority = authority.slice(2);
  }
  if (authority.includes('*')) return null;
  let parsed: URL;
  try {
    parsed = new URL(`${protocol}//${authority}/`);
  } catch {
    return null;
  }
  if (parsed.username || parsed.password) return null;
  const re = pathRegExp(path === '' ? '/' : path);
  return re
    ? { source, protocol, host: parsed.hostname, subdomains, anyHost: false, port: parsed.port, path: re }
    : null;
}

/** A trailing `*` matches the rest of the path; any other `*` stays within one segment. */
function pathRegExp(path: string): RegExp | null {
  if (!path.startsWith('/')) return null;
  const segments = path.split('*');
  let regex = '';
  segments.forEach((seg, i) => {
    regex += escapeRegExp(seg);
    if (i < segments.length - 1) regex += i === segments.length - 2 && segments[i + 1] === '' ? '.*' : '[^/]*';
  });
  return new RegExp(`^${regex}$`);
}

function hostMatches(pattern: UrlPattern, hostname: string): boolean {
  if (pattern.anyHost) return true;
  if (!pattern.subdomains) return hostname === pattern.host;
  return hostname.length > pattern.host.length + 1 && hostname.endsWith(`.${pattern.host}`);
}

/** Normalise `input` and check it against the granted patterns. */
export function checkUrl(input: string | URL, patterns: readonly (UrlPattern | null)[]): UrlCheck {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return { ok: false, reason: 'invalid-url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'scheme' };
  if (url.username || url.password) return { ok: false, reason: 'userinfo' };
  if (/%(2f|5c|2e|00)/i.test(url.pathname)) return { ok: false, reason: 'encoded-path' };
  url.hash = '';
  for (const p of patterns) {
    if (
      p &&
      p.protocol === url.protocol &&
      (p.anyHost || p.port === url.port) &&
      hostMatches(p, url.hostname) &&
      p.path.test(url.pathname)
    ) {
      return { ok: true, url };
    }
  }
  return { ok: false, reason: 'out-of-scope' };
}
