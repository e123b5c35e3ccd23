import { randomBytes } from 'node:crypto';

/**
 * Host halves of the web globals. They take and return only strings and plain records, so
 * nothing but copies reaches the isolate.
 */
const URL_SETTABLE = new Set([
  'href',
  'protocol',
  'username',
  'password',
  'host',
  'hostname',
  'port',
  'pathname',
  'search',
  'hash',
]);

export interface UrlRecord {
  href: string;
  origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}

function toRecord(u: URL): UrlRecord {
  return {
    href: u.href,
    origin: u.origin,
    protocol: u.protocol,
    username: u.username,
    password: u.password,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    pathname: u.pathname,
    search: u.search,
    hash: u.hash,
  };
}

/** op 0: parse(input, base); op 1: set(href, property, value). Null when invalid. */
export function urlPort(op: unknown, a: unknown, b: unknown, c: unknown): UrlRecord | null {
  try {
    if (op === 0 && typeof a === 'string' && a.length <= 65536) {
      return toRecord(typeof b === 'string' ? new URL(a, b) : new URL(a));
    }
    if (
      op === 1 &&
      typeof a === 'string' &&
      typeof b === 'string' &&
      URL_SETTABLE.has(b) &&
      typeof c === 'string' &&
      c.length <= 65536
    ) {
      const u = new URL(a);
      (u as unknown as Record<string, string>)[b] = c;
      return toRecord(u);
    }
  } catch {
    /* invalid input */
  }
  return null;
}

/** Fresh CSPRNG bytes (at most 64 KiB per call). */
export function randomPort(n: unknown): Uint8Array {
  const size = typeof n === 'number' && n > 0 ? Math.min(Math.floor(n), 65536) : 0;
  return Uint8Array.from(randomBytes(size));
}
