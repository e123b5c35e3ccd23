import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';

/**
 * A sandboxed endpoint answers on the host's origin: only content, caching and application `x-*`
 * headers go out, statuses are 200–599, redirects stay on this site, and a refused response carries
 * the host's own protective headers only (issue 17, item 1).
 */
describe('sandboxed endpoint responses follow an allow-list', () => {
  let t: TestHost;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-resp-'));
    const ext = path.join(dir, 'answerer');
    fs.mkdirSync(path.join(ext, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(ext, 'package.json'),
      JSON.stringify({
        name: 'answerer',
        version: '1.0.0',
        type: 'module',
        'directus:extension': {
          type: 'endpoint',
          path: 'dist/index.js',
          source: 'src/index.js',
          host: '^10.10.0',
          sandbox: { enabled: true, requestedScopes: {} },
        },
      }),
    );
    // Answers with whatever status and headers the test posts.
    fs.writeFileSync(
      path.join(ext, 'dist', 'index.js'),
      `export default (router) => {
  router.post('/', (req) => ({ status: req.body.status, headers: req.body.headers, body: 'hello' }));
};
`,
    );
    t = await startHost({ extensions: [ext] });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const answer = (status: unknown, headers: unknown) => t.api('POST', '/answerer', { status, headers });

  async function expectRefused(status: unknown, headers: Record<string, unknown>, absent: string[]) {
    const res = await answer(status, headers);
    expect(res.status, JSON.stringify({ status, headers })).toBe(502);
    expect(res.body.errors[0].extensions.code).toBe('HOST_SANDBOX_RESPONSE_INVALID');
    // Node adds its own Connection header: what must be absent is the extension's value.
    for (const name of absent)
      expect(res.headers.get(name), name).not.toBe(
        headers[Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase())!],
      );
    // The refusal still carries the host's protections.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
  }

  it('content, caching and application headers go out', async () => {
    const res = await answer(201, {
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-store',
      ETag: '"v1"',
      'X-Request-Id': 'abc',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(res.headers.get('x-request-id')).toBe('abc');
  });

  it('origin-wide, connection and proxy headers are refused with a coded error', async () => {
    for (const name of [
      'Clear-Site-Data',
      'Refresh',
      'NEL',
      'Report-To',
      'Service-Worker-Allowed',
      'Strict-Transport-Security',
      'Set-Cookie',
      'Connection',
      'Upgrade',
      'Access-Control-Allow-Origin',
      'Link',
      'X-Accel-Redirect',
      'X-Sendfile',
      'Permissions-Policy',
      'Cross-Origin-Opener-Policy',
    ]) {
      await expectRefused(200, { [name]: '"*"' }, [name]);
    }
  });

  it('a header nobody listed (a new browser feature) is refused, not forwarded', async () => {
    await expectRefused(200, { 'Sec-Future-Feature': '1' }, ['sec-future-feature']);
  });

  it('an invalid value fails the whole response: headers set before it do not go out', async () => {
    await expectRefused(200, { 'X-First': 'set-before', 'X-Second': 'bad\r\nvalue' }, ['x-first', 'x-second']);
  });

  it('1xx and out-of-range statuses are refused', async () => {
    for (const status of [100, 101, 103, 199, 600, 1000, 200.5, -1])
      await expectRefused(status, { 'X-Upgrade-Try': 'websocket' }, ['x-upgrade-try']);
  });

  it('redirects stay on this site', async () => {
    for (const location of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)'])
      await expectRefused(302, { Location: location }, ['location']);
    await expectRefused(200, { Location: '/admin' }, ['location']);
    const ok = await fetch(`${t.url}/answerer`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
      body: JSON.stringify({ status: 303, headers: { Location: '/admin/content' } }),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/content');
  });
});
