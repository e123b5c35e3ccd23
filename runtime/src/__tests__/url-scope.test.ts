import { describe, expect, it } from 'vitest';
import { checkUrl, parseUrlPattern } from '../internal/request/url-scope.js';

const allow = (patterns: string[], url: string) => checkUrl(url, patterns.map(parseUrlPattern));

describe('URL scope patterns', () => {
  it('parses scheme, host, port and path', () => {
    const p = parseUrlPattern('HTTPS://API.Example.com:8443/v1/*')!;
    expect(p).toMatchObject({ protocol: 'https:', host: 'api.example.com', port: '8443', subdomains: false });
  });

  it('rejects malformed patterns (they grant nothing)', () => {
    for (const bad of [
      'ftp://x.org/*',
      'https://',
      'https://api.*.com/',
      'https://user@api.example.com/',
      'api.example.com/*',
      'https://a*b.com/',
    ]) {
      expect(parseUrlPattern(bad), bad).toBeNull();
    }
  });

  it('matches exact hosts, never a longer host', () => {
    const scope = ['https://api.example.com/*'];
    expect(allow(scope, 'https://api.example.com/v1/x').ok).toBe(true);
    expect(allow(scope, 'https://api.example.com.evil.io/').ok).toBe(false);
    expect(allow(scope, 'https://evil.io/api.example.com/').ok).toBe(false);
    expect(allow(scope, 'https://xapi.example.com/').ok).toBe(false);
  });

  it('treats a trailing * after the host as any path on exactly that host (Directus glob shape)', () => {
    const scope = ['https://api.example.com*'];
    expect(allow(scope, 'https://api.example.com/anything?q=1').ok).toBe(true);
    expect(allow(scope, 'https://api.example.com.evil.io/').ok).toBe(false);
  });

  it('wildcard subdomains stay inside the host', () => {
    const scope = ['https://*.example.com/*'];
    expect(allow(scope, 'https://a.example.com/x').ok).toBe(true);
    expect(allow(scope, 'https://a.b.example.com/x').ok).toBe(true);
    expect(allow(scope, 'https://example.com/x').ok).toBe(false);
    expect(allow(scope, 'https://evilexample.com/x').ok).toBe(false);
    expect(allow(scope, 'https://a.example.com.evil.io/x').ok).toBe(false);
  });

  it("accepts Directus's any-URL form (http://*, https://*) for its scheme only, still without userinfo", () => {
    expect(allow(['https://*'], 'https://anything.example.org:8443/a/b?c').ok).toBe(true);
    expect(allow(['https://*'], 'http://anything.example.org/').ok).toBe(false);
    expect(allow(['http://*'], 'http://user@x.org/')).toEqual({ ok: false, reason: 'userinfo' });
    expect(allow(['https://*/v1/*'], 'https://x.org/v1/a').ok).toBe(true);
    expect(allow(['https://*/v1/*'], 'https://x.org/v2/a').ok).toBe(false);
  });

  it('rejects userinfo', () => {
    expect(allow(['https://api.example.com/*'], 'https://api.example.com@evil.io/')).toEqual({
      ok: false,
      reason: 'userinfo',
    });
    expect(allow(['https://api.example.com/*'], 'https://user:pw@api.example.com/')).toEqual({
      ok: false,
      reason: 'userinfo',
    });
  });

  it('normalises dot segments before matching', () => {
    const scope = ['https://x.org/v1/*'];
    expect(allow(scope, 'https://x.org/v1/../admin').ok).toBe(false);
    expect(allow(scope, 'https://x.org/v1/%2e%2e/admin').ok).toBe(false);
    expect(allow(scope, 'https://x.org/v1/%2E%2E/admin').ok).toBe(false);
    expect(allow(scope, 'https://x.org/v1\\..\\admin').ok).toBe(false);
    expect(allow(scope, 'https://x.org/v1/a/../b').ok).toBe(true);
  });

  it('refuses encoded separators that a server might decode later', () => {
    expect(allow(['https://x.org/v1/*'], 'https://x.org/v1/..%2fadmin')).toEqual({ ok: false, reason: 'encoded-path' });
    expect(allow(['https://x.org/v1/*'], 'https://x.org/v1/..%5Cadmin')).toEqual({ ok: false, reason: 'encoded-path' });
  });

  it('lower-cases scheme and host but keeps paths case-sensitive', () => {
    expect(allow(['https://api.example.com/v1/*'], 'HTTPS://API.EXAMPLE.COM/v1/x').ok).toBe(true);
    expect(allow(['https://api.example.com/v1/*'], 'https://api.example.com/V1/x').ok).toBe(false);
  });

  it('compares IDN hosts in punycode (no look-alike match)', () => {
    expect(allow(['https://api.example.com/*'], 'https://аpi.example.com/').ok).toBe(false);
    expect(allow(['https://bücher.example/*'], 'https://xn--bcher-kva.example/x').ok).toBe(true);
  });

  it('checks scheme and port exactly', () => {
    expect(allow(['https://x.org/*'], 'http://x.org/a').ok).toBe(false);
    expect(allow(['https://x.org/*'], 'https://x.org:8443/a').ok).toBe(false);
    expect(allow(['https://x.org:443/*'], 'https://x.org/a').ok).toBe(true);
    expect(allow(['https://x.org/*'], 'file:///etc/passwd')).toEqual({ ok: false, reason: 'scheme' });
  });

  it('matches a path without * exactly, with a free query string', () => {
    const scope = ['https://x.org/v1/users'];
    expect(allow(scope, 'https://x.org/v1/users?page=2').ok).toBe(true);
    expect(allow(scope, 'https://x.org/v1/users/1').ok).toBe(false);
    expect(allow(scope, 'https://x.org/v1/usersX').ok).toBe(false);
  });

  it('a * inside the path stays within one segment', () => {
    const scope = ['https://x.org/users/*/posts'];
    expect(allow(scope, 'https://x.org/users/42/posts').ok).toBe(true);
    expect(allow(scope, 'https://x.org/users/42/x/posts').ok).toBe(false);
  });

  it('normalises IP host forms so they cannot dodge an IP pattern', () => {
    expect(allow(['http://127.0.0.1/*'], 'http://2130706433/').ok).toBe(true);
    expect(allow(['http://127.0.0.1/*'], 'http://0x7f.1/').ok).toBe(true);
  });

  it('rejects garbage', () => {
    expect(allow(['https://x.org/*'], 'not a url')).toEqual({ ok: false, reason: 'invalid-url' });
    expect(allow([], 'https://x.org/')).toEqual({ ok: false, reason: 'out-of-scope' });
  });
});
