import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/**
 * The Express surface (real Express 4, as in Directus) trusted endpoints get beyond json/send: what published Directus extensions
 * reach for (cookies, content negotiation, headers, files, `finish` events, the raw socket).
 */
let t: TestHost;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-express-'));
  const dir = writeEndpoint(root, 'express-surface', '', {
    raw: `import path from 'node:path';
import { fileURLToPath } from 'node:url';
const files = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'files');
let finished = 0;
export default (router) => {
  router.get('/request', (req, res) => {
    res.json({ cookies: req.cookies, token: req.token, secure: req.secure, xhr: req.xhr, remote: req.socket.remoteAddress, same: req.socket === req.connection, isJson: req.is('application/json'), accepts: req.accepts(['text/html', 'application/json']) });
  });
  router.get('/cookies', (_req, res) => {
    res.cookie('session', 'a b;c', { httpOnly: true, sameSite: 'lax', maxAge: 60000 });
    res.cookie('prefs', { theme: 'dark' }, { path: '/express-surface', secure: true });
    res.clearCookie('old');
    res.json({ ok: true });
  });
  router.get('/bad-cookie', (_req, res) => {
    res.cookie('bad name', 'x\\r\\nX-Injected: 1');
    res.json({ ok: true });
  });
  router.get('/headers', (_req, res) => {
    res.setHeader('X-Multi', ['a', 'b']);
    res.append('X-Multi', 'c');
    res.set('X-Gone', 'soon');
    res.removeHeader('X-Gone');
    res.vary('Accept-Language');
    res.location('/somewhere else');
    res.writeHead(203, { 'X-Written': 'yes' });
    res.end(JSON.stringify({ had: res.hasHeader('x-written'), multi: res.getHeader('x-multi'), gone: res.hasHeader('x-gone') }));
  });
  router.get('/format', (_req, res) => {
    res.format({ 'text/plain': () => res.send('plain'), 'application/json': () => res.send({ json: true }) });
  });
  router.get('/file/:name', (req, res, next) => res.sendFile(req.params.name, { root: files }, (err) => err && next(err)));
  router.get('/absolute', (_req, res) => res.sendFile(path.join(files, 'hello.txt')));
  router.get('/relative', (_req, res) => res.sendFile('hello.txt'));
  router.get('/download', (_req, res) => res.download(path.join(files, 'hello.txt'), 'greeting.txt'));
  router.get('/finish', (_req, res) => {
    res.on('finish', () => finished++);
    res.json({ before: finished });
  });
  router.get('/finished', (_req, res) => res.json({ finished }));
  router.get('/born', (req, res) =>
    res.json({ request: Object.getPrototypeOf(req) === req.app.request, response: Object.getPrototypeOf(res) === req.app.response }),
  );
};
`,
  });
  fs.mkdirSync(path.join(dir, 'files'));
  fs.writeFileSync(path.join(dir, 'files', 'hello.txt'), 'hello file');
  fs.writeFileSync(path.join(dir, 'files', '.secret'), 'hidden');
  t = await startHost({ extensions: [dir] });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/express-surface${p}`, { headers: { Authorization: `Bearer ${t.token}`, ...headers } });

describe('Express surface of trusted endpoints', () => {
  it('req: parsed cookies, the bearer token, secure/xhr, the real socket, is() and accepts()', async () => {
    const res = await get('/request', {
      Cookie: 'a=1; b=x%20y; a=2',
      'X-Requested-With': 'XMLHttpRequest',
      Accept: 'application/json',
    });
    const body = await res.json();
    expect(body).toMatchObject({
      cookies: { a: '1', b: 'x y' },
      token: t.token,
      secure: false,
      xhr: true,
      same: true,
      isJson: null,
      accepts: 'application/json',
    });
    expect(body.remote).toMatch(/127\.0\.0\.1$/);
  });

  it("res.cookie / clearCookie write Express's Set-Cookie headers; a cookie that would inject a header is refused", async () => {
    const res = await get('/cookies');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(3);
    // Express 4's own serialisation (the cookie package): Path before Expires.
    expect(cookies[0]).toMatch(/^session=a%20b%3Bc; Max-Age=60; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    expect(cookies[1]).toBe(`prefs=${encodeURIComponent('j:{"theme":"dark"}')}; Path=/express-surface; Secure`);
    expect(cookies[2]).toBe('old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    const bad = await get('/bad-cookie');
    expect(bad.status).toBe(500);
    expect(bad.headers.get('x-injected')).toBeNull();
  });

  it('headers: arrays, append, remove, writeHead, vary, location (encoded)', async () => {
    const res = await get('/headers');
    expect(res.status).toBe(203);
    expect(res.headers.get('x-multi')).toBe('a, b, c');
    expect(res.headers.get('x-gone')).toBeNull();
    expect(res.headers.get('x-written')).toBe('yes');
    expect(res.headers.get('vary')).toBe('Accept-Language');
    expect(res.headers.get('location')).toBe('/somewhere%20else');
    expect(await res.json()).toEqual({ had: true, multi: ['a', 'b', 'c'], gone: false });
  });

  it('res.format picks by Accept and answers 406 NOT_ACCEPTABLE when nothing fits', async () => {
    expect(await (await get('/format', { Accept: 'text/plain' })).text()).toBe('plain');
    expect(await (await get('/format', { Accept: 'application/json' })).json()).toEqual({ json: true });
    const none = await get('/format', { Accept: 'image/png' });
    expect(none.status).toBe(406);
    expect((await none.json()).errors[0].extensions.code).toBe('NOT_ACCEPTABLE');
  });

  it('res.sendFile and res.download stream files; traversal, dotfiles and relative paths without a root are refused', async () => {
    const file = await get('/file/hello.txt');
    expect([
      file.status,
      file.headers.get('content-type'),
      file.headers.get('content-length'),
      await file.text(),
    ]).toEqual([200, 'text/plain; charset=UTF-8', '10', 'hello file']);
    expect(await (await get('/absolute')).text()).toBe('hello file');
    const download = await get('/download');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="greeting.txt"');
    expect(await download.text()).toBe('hello file');
    expect((await get('/file/..%2Fpackage.json')).status).toBe(403);
    expect((await get('/file/.secret')).status).toBe(404);
    expect((await get('/file/missing.txt')).status).toBe(404);
    expect((await get('/relative')).status).toBe(500);
  });

  it('res.on("finish") fires once the response is written', async () => {
    const { before } = await (await get('/finish')).json();
    const { finished } = await (await get('/finished')).json();
    expect(finished).toBe(before + 1);
  });

  it("requests and responses are born as the host app's: one app, and no prototype changed per request", async () => {
    // Changing an object's prototype costs V8 more than Express's routing; the server makes them with it.
    const spy = vi.spyOn(Object, 'setPrototypeOf');
    try {
      const body = await (await get('/born')).json();
      expect(body).toEqual({ request: true, response: true });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
