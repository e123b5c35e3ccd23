import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFunction } from '@annex/runtime';
import { createArena, type Arena } from './harness.js';

/**
 * URL-scope tricks against `request`/`fetch`. The granted API is `https?://api.example.com/v1/*`
 * (served by a test server on 127.0.0.2, which only the operator allow list makes reachable).
 * A trap server on 127.0.0.1 counts every connection: it must stay at zero.
 */
describe('sandbox attacks: network scope', () => {
  let arena: Arena;
  let api: http.Server;
  let trap: http.Server;
  let trapHits = 0;
  let port = 0;
  let trapPort = 0;

  const lookup: LookupFunction = async (host) => {
    const table: Record<string, string> = {
      'api.example.com': '127.0.0.2',
      'evil.io': '127.0.0.2',
      'localhost.evil.io': '127.0.0.1',
      'metadata.evil.io': '169.254.169.254',
      'api.example.com.evil.io': '127.0.0.2',
    };
    if (!table[host]) throw new Error('ENOTFOUND');
    return [{ address: table[host], family: 4 }];
  };

  beforeAll(async () => {
    trap = http.createServer((_req, res) => {
      trapHits++;
      res.end('trap');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
    trapPort = (trap.address() as AddressInfo).port;
    api = http.createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/v1/redirect') return res.writeHead(302, { location: u.searchParams.get('to')! }).end();
      if (u.pathname === '/v1/missing')
        return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'nope' }));
      if (u.pathname.startsWith('/v1/'))
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: u.pathname }));
      res.writeHead(403).end('outside v1 must never be reached');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.2', r));
    port = (api.address() as AddressInfo).port;
    arena = await createArena({ request: { lookup, allowAddresses: ['127.0.0.2'], timeoutMs: 2000 } });
  });
  afterAll(async () => {
    await arena.close();
    await new Promise((r) => api.close(r));
    await new Promise((r) => trap.close(r));
  });
  afterEach(async () => {
    await arena.assertStillServing();
    expect(trapHits).toBe(0);
  });

  const scope = () => ({
    grantedScopes: { request: { urls: [`http://api.example.com:${port}/v1/*`], methods: ['GET' as const] } },
  });
  const attempt = async (url: string, extraUrls: string[] = []) => {
    const s = scope();
    s.grantedScopes.request.urls.push(...extraUrls);
    const r = await arena.run(
      `const out = []; for (const f of [() => api.request(${JSON.stringify(url)}), () => fetch(${JSON.stringify(url)})]) { try { const res = await f(); out.push('reached:' + (res.status)); } catch (e) { out.push(e.code + ':' + ((e.details && e.details.reason) || '')); } } return out;`,
      s,
    );
    return r.body as string[];
  };

  it('the granted URL itself works (control)', async () => {
    expect(await attempt(`http://api.example.com:${port}/v1/users`)).toEqual(['reached:200', 'reached:200']);
  });

  it.each([
    ['a longer host (api.example.com.evil.io)', () => `http://api.example.com.evil.io:${port}/v1/x`, 'out-of-scope'],
    ['userinfo (api.example.com@evil.io)', () => `http://api.example.com:${port}@evil.io:${port}/v1/x`, 'userinfo'],
    ['user:password userinfo', () => `http://u:p@api.example.com:${port}/v1/x`, 'userinfo'],
    ['.. out of the path prefix', () => `http://api.example.com:${port}/v1/../admin`, 'out-of-scope'],
    ['%2e%2e out of the path prefix', () => `http://api.example.com:${port}/v1/%2e%2e/admin`, 'out-of-scope'],
    ['%2E%2E with mixed case', () => `http://api.example.com:${port}/v1/%2E%2e/admin`, 'out-of-scope'],
    ['an encoded slash', () => `http://api.example.com:${port}/v1/..%2fadmin`, 'encoded-path'],
    ['backslashes', () => `http://api.example.com:${port}/v1\\..\\admin`, 'out-of-scope'],
    ['an upper-case path prefix', () => `http://api.example.com:${port}/V1/x`, 'out-of-scope'],
    ['an IDN look-alike host (Cyrillic а)', () => `http://аpi.example.com:${port}/v1/x`, 'out-of-scope'],
    ['another port', () => `http://api.example.com:${port + 1}/v1/x`, 'out-of-scope'],
    ['another scheme', () => `https://api.example.com:${port}/v1/x`, 'out-of-scope'],
    ['a file: URL', () => `file:///etc/passwd`, 'scheme'],
    ['a data: URL', () => `data:text/plain,hello`, 'scheme'],
  ])('%s is denied (FORBIDDEN)', async (_name, url, reason) => {
    expect(await attempt(url())).toEqual([`FORBIDDEN:${reason}`, `FORBIDDEN:${reason}`]);
  });

  it("rejects an answer outside 2xx from request (Directus's axios), with the response; fetch resolves with it", async () => {
    const url = `http://api.example.com:${port}/v1/missing`;
    const r = await arena.run(
      `let viaRequest; try { await api.request(${JSON.stringify(url)}); viaRequest = 'resolved'; } catch (e) { viaRequest = [e.message, e.response.status, e.response.data.error]; } const viaFetch = (await fetch(${JSON.stringify(url)})).status; return { viaRequest, viaFetch };`,
      scope(),
    );
    expect(r.body).toEqual({ viaRequest: ['Request failed with status code 404', 404, 'nope'], viaFetch: 404 });
  });

  it('upper-case scheme and host are the same granted host (normalised, not a bypass)', async () => {
    expect(await attempt(`HTTP://API.EXAMPLE.COM:${port}/v1/x`)).toEqual(['reached:200', 'reached:200']);
  });

  it.each([
    ['127.1', () => `http://127.1:${trapPort}/`],
    ['0x7f.0.0.1', () => `http://0x7f.0.0.1:${trapPort}/`],
    ['2130706433', () => `http://2130706433:${trapPort}/`],
    ['017700000001 (octal)', () => `http://017700000001:${trapPort}/`],
    ['[::1]', () => `http://[::1]:${trapPort}/`],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${trapPort}/`],
    ['169.254.169.254 (cloud metadata)', () => `http://169.254.169.254/latest/meta-data/`],
    ['0.0.0.0', () => `http://0.0.0.0:${trapPort}/`],
    ['a DNS name resolving to 127.0.0.1', () => `http://localhost.evil.io:${trapPort}/`],
    ['a DNS name resolving to the metadata address', () => `http://metadata.evil.io/`],
  ])('a loopback/private target written as %s is denied even when the URL is in scope', async (_name, url) => {
    const u = url();
    expect(await attempt(u, [u.replace(/\/[^/]*$/, '/*')])).toEqual([
      'FORBIDDEN:private-address',
      'FORBIDDEN:private-address',
    ]);
  });

  it('a redirect to loopback is re-checked and denied', async () => {
    const to = `http://127.0.0.1:${trapPort}/`;
    expect(
      await attempt(`http://api.example.com:${port}/v1/redirect?to=${encodeURIComponent(to)}`, [
        `http://127.0.0.1:${trapPort}/*`,
      ]),
    ).toEqual(['FORBIDDEN:private-address', 'FORBIDDEN:private-address']);
  });

  it('a redirect out of scope is re-checked and denied', async () => {
    expect(
      await attempt(
        `http://api.example.com:${port}/v1/redirect?to=${encodeURIComponent(`http://evil.io:${port}/v1/x`)}`,
      ),
    ).toEqual(['FORBIDDEN:out-of-scope', 'FORBIDDEN:out-of-scope']);
    expect(await attempt(`http://api.example.com:${port}/v1/redirect?to=/admin`)).toEqual([
      'FORBIDDEN:out-of-scope',
      'FORBIDDEN:out-of-scope',
    ]);
  });

  it('a method outside the grant is denied', async () => {
    const r = await arena.run(
      `try { await api.request('http://api.example.com:${port}/v1/x', { method: 'DELETE' }); return 'reached'; } catch (e) { return e.code + ':' + e.details.reason; }`,
      scope(),
    );
    expect(r.body).toBe('FORBIDDEN:method');
  });

  it('a glob-style pattern cannot be abused across hosts (Directus weakness: * crossing the host)', async () => {
    const s = { grantedScopes: { request: { urls: [`http://api.example.com*`], methods: ['GET' as const] } } };
    const r = await arena.run(
      `try { await api.request('http://api.example.com.evil.io:${port}/v1/x'); return 'reached'; } catch (e) { return e.code; }`,
      s,
    );
    expect(r.body).toBe('FORBIDDEN');
  });
});
