import { errors } from '../errors.js';

/**
 * What a sandboxed endpoint may put on the wire. A sandboxed endpoint answers on the host's own
 * origin, so every header it sets speaks for the whole site: the rule is an allow-list (content and
 * caching headers, application `x-*` headers), never a deny-list, so a header invented tomorrow is
 * refused until someone decides it is harmless. A response that breaks a rule fails as a whole
 * with HOST_SANDBOX_RESPONSE_INVALID before anything is written.
 */

/** Headers that describe the extension's own body or how to cache it. */
const ALLOWED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-language',
  'content-disposition',
  'cache-control',
  'expires',
  'etag',
  'last-modified',
  'vary',
  'pragma',
  'age',
  'retry-after',
  'allow',
]);

/**
 * `x-*` names that mean something to a proxy or to the browser beyond this one body: reverse-proxy
 * internal redirects and file sends, forwarded-for spoofing, the host's own protections and
 * namespace, framework sub-request switches.
 */
const RESERVED_X =
  /^x-(accel-|sendfile|lighttpd-|litespeed-|forwarded-|real-ip$|content-type-options$|dns-prefetch-control$|permitted-cross-domain-policies$|xss-protection$|download-options$|middleware-|annex-)/;

/** An RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
/** Visible ASCII, space and tab: no CR/LF/NUL, nothing a proxy could decode differently. */
const VALUE = /^[\t\x20-\x7e]*$/;

export const SANDBOX_RESPONSE_LIMITS = Object.freeze({ maxHeaders: 32, maxNameLength: 64, maxValueLength: 4096 });

/** Statuses a redirect may use; 300 and 305/306 are not redirects a browser follows safely. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PROBE_ORIGIN = 'http://annex.invalid';

function invalid(extension: string, reason: string, details: Record<string, unknown>): Error {
  return errors.HOST_SANDBOX_RESPONSE_INVALID({ extension, reason }, { details: { extension, ...details } });
}

/** A path on this origin (`/x`, not `//evil` or `/\evil`, which browsers read as another host). */
function isSameOriginPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return false;
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN;
  } catch {
    return false;
  }
}

export interface SandboxResponseHead {
  status: number;
  /** Lower-case names, validated values, in the order the extension gave them. */
  headers: [string, string][];
}

/**
 * Checks a sandboxed endpoint's `{status, headers}` against the policy and returns what may be
 * sent. Status: an integer 200–599 (no 1xx: it would end the exchange early on a kept-alive
 * connection); 3xx redirects only to a path on this origin. Throws HOST_SANDBOX_RESPONSE_INVALID.
 */
export function getSandboxResponseHead(extension: string, status: unknown, headers: unknown): SandboxResponseHead {
  const code = status === undefined || status === null ? 200 : status;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 200 || code > 599)
    throw invalid(extension, 'status must be an integer from 200 to 599', {
      status: typeof code === 'number' ? code : typeof code,
    });
  const out: [string, string][] = [];
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers))
      throw invalid(extension, 'headers must be an object of strings', {});
    const entries = Object.entries(headers as Record<string, unknown>);
    if (entries.length > SANDBOX_RESPONSE_LIMITS.maxHeaders)
      throw invalid(extension, `at most ${SANDBOX_RESPONSE_LIMITS.maxHeaders} headers`, { count: entries.length });
    const seen = new Set<string>();
    for (const [rawName, value] of entries) {
      const name = rawName.toLowerCase();
      if (name.length > SANDBOX_RESPONSE_LIMITS.maxNameLength || !TOKEN.test(name))
        throw invalid(extension, 'a header name is not a valid token', { header: rawName.slice(0, 64) });
      if (seen.has(name)) throw invalid(extension, 'a header is set twice', { header: name });
      seen.add(name);
      const allowed =
        ALLOWED_HEADERS.has(name) || (name.startsWith('x-') && !RESERVED_X.test(name)) || name === 'location';
      if (!allowed) throw invalid(extension, `header "${name}" is not allowed`, { header: name });
      // A list (as `res.set(name, [...])` takes) is one comma-joined field, like Node writes it for most headers.
      const text = Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(', ') : value;
      if (typeof text !== 'string') throw invalid(extension, `header "${name}" must be a string`, { header: name });
      if (text.length > SANDBOX_RESPONSE_LIMITS.maxValueLength || !VALUE.test(text))
        throw invalid(extension, `header "${name}" has an invalid value`, { header: name });
      if (name === 'location' && (!REDIRECTS.has(code) || !isSameOriginPath(text)))
        throw invalid(extension, 'location is only allowed with a redirect status and a path on this site', {
          header: name,
          status: code,
        });
      out.push([name, text]);
    }
  }
  if (REDIRECTS.has(code) && !seen(out, 'location'))
    throw invalid(extension, 'a redirect needs a location on this site', { status: code });
  return { status: code, headers: out };
}

function seen(headers: [string, string][], name: string): boolean {
  return headers.some(([n]) => n === name);
}
