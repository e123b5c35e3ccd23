// Red team: extension discovery/loading/hot reload, sandboxed registrations, uploads and assets,
// mail, and the `annex` CLI. Every test FAILS when its attack succeeds; attacks that are blocked
// stay as regression tests.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, startHost } from '../helpers/host.js';
import { startSmtpSink } from '../helpers/smtp.js';
import { writePackage } from '../helpers/write-extension.js';

const CLI = path.join(ROOT, 'host', 'dist', 'cli', 'main.js');

function tmp(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `annex-lf-${prefix}-`)));
}
const manifest = (name: string, ext: Record<string, unknown>) => ({
  name,
  version: '1.0.0',
  type: 'module',
  'directus:extension': { host: '^10.10.0', ...ext },
});
const sandboxed = (name: string, type: string, scopes: object, code: string) =>
  [
    manifest(name, { type, path: 'index.js', sandbox: { enabled: true, requestedScopes: scopes } }),
    { 'index.js': code },
  ] as const;
const TRUSTED_ENDPOINT = `export default (router) => { router.get('/', (_q, res) => res.send('outside code ran')); };\n`;

/** Runs the CLI with the usual umask (022), as an operator's shell would. */
async function annex(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      '/bin/sh',
      ['-c', 'umask 022; exec "$0" --no-node-snapshot "$@"', process.execPath, CLI, ...args],
      { env: { ...process.env, ...env, LOG_LEVEL: 'silent' } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function listLocal(t: Awaited<ReturnType<typeof startHost>>) {
  const list = (await t.api('GET', '/extensions')).body.data as any[];
  return Object.fromEntries(
    list
      .filter((e) => e.meta.source === 'local' && !e.bundle)
      .map((e) => [e.meta.folder, { state: e.annex.state, code: e.annex.last_error?.code ?? null }]),
  );
}

describe('extension discovery and loading', () => {
  it('entry files and annex.migrations that are symlinks out of the package are refused (not run from elsewhere)', async () => {
    const root = tmp('links');
    const outside = tmp('outside');
    fs.writeFileSync(path.join(outside, 'evil.js'), TRUSTED_ENDPOINT);
    fs.mkdirSync(path.join(outside, 'migs'));
    fs.writeFileSync(
      path.join(outside, 'migs', '001.mjs'),
      `export async function up(knex) { await knex.schema.createTable('pwned_by_outside', (t) => t.increments('id')); }\n`,
    );
    const entry = writePackage(
      path.join(root, 'link-entry'),
      manifest('link-entry', { type: 'endpoint', path: 'dist/index.js' }),
    );
    fs.mkdirSync(path.join(entry, 'dist'));
    fs.symlinkSync(path.join(outside, 'evil.js'), path.join(entry, 'dist', 'index.js'));
    const migs = writePackage(
      path.join(root, 'link-migs'),
      manifest('link-migs', { type: 'hook', path: 'index.js', annex: { migrations: 'migrations' } }),
      { 'index.js': 'export default () => {};\n' },
    );
    fs.symlinkSync(path.join(outside, 'migs'), path.join(migs, 'migrations'));
    const t = await startHost({ env: { EXTENSIONS_PATH: root } });
    try {
      const states = await listLocal(t);
      expect({
        entryState: states['link-entry']!.state,
        servedOutsideCode: (await t.api('GET', '/link-entry')).body === 'outside code ran',
        migrationsState: states['link-migs']!.state,
        outsideMigrationRan: await t.host.knex.schema.hasTable('pwned_by_outside'),
      }).toEqual({
        entryState: 'failed',
        servedOutsideCode: false,
        migrationsState: 'failed',
        outsideMigrationRan: false,
      });
    } finally {
      await t.close();
    }
  });

  it('blocked: ../ and absolute entry paths, annex.migrations outside the package or on sandboxed code, a built-in id, __proto__ keys, deep nesting, a link to /', async () => {
    const root = tmp('manifests');
    const outside = tmp('outside');
    fs.writeFileSync(path.join(outside, 'evil.js'), TRUSTED_ENDPOINT);
    fs.mkdirSync(path.join(outside, 'migs'));
    writePackage(
      path.join(root, 'dotdot'),
      manifest('dotdot', { type: 'endpoint', path: `../../${path.basename(outside)}/evil.js` }),
    );
    writePackage(
      path.join(root, 'absolute'),
      manifest('absolute', { type: 'endpoint', path: path.join(outside, 'evil.js') }),
    );
    writePackage(
      path.join(root, 'bundle-abs'),
      manifest('bundle-abs', {
        type: 'bundle',
        path: { api: path.join(outside, 'evil.js') },
        entries: [{ type: 'endpoint', name: 'x' }],
      }),
    );
    writePackage(
      path.join(root, 'migs-dotdot'),
      manifest('migs-dotdot', { type: 'hook', path: 'index.js', annex: { migrations: '../../' } }),
      { 'index.js': 'export default () => {};\n' },
    );
    writePackage(
      path.join(root, 'migs-sandboxed'),
      manifest('migs-sandboxed', {
        type: 'hook',
        path: 'index.js',
        sandbox: { enabled: true },
        annex: { migrations: 'm' },
      }),
      { 'index.js': 'export default () => {};\n', 'm/001.mjs': 'export const up = () => {};\n' },
    );
    writePackage(
      path.join(root, 'fake-auth'),
      { ...manifest('@annex/builtin-auth', { type: 'endpoint', path: 'index.js' }) },
      {
        'index.js': `export default { id: 'auth', handler: (r) => { r.post('/login', (_q, s) => s.send('fake')); } };\n`,
      },
    );
    fs.mkdirSync(path.join(root, 'proto'));
    fs.writeFileSync(
      path.join(root, 'proto', 'package.json'),
      '{"name":"proto","version":"1.0.0","__proto__":{"polluted":1},"directus:extension":{"type":"hook","path":"index.js","host":"^10.10.0","__proto__":{"sandbox":{"enabled":true}},"annex":{"__proto__":{"locked":true}}}}',
    );
    fs.writeFileSync(path.join(root, 'proto', 'index.js'), 'export default () => {};\n');
    fs.mkdirSync(path.join(root, 'deep'));
    fs.writeFileSync(
      path.join(root, 'deep', 'package.json'),
      `{"name":"deep","version":"1.0.0","directus:extension":{"type":"hook","path":"index.js","host":"^10.10.0","sandbox":{"enabled":true,"requestedScopes":{"items":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}}`,
    );
    fs.symlinkSync('/', path.join(root, 'rootlink'));
    const t = await startHost({ env: { EXTENSIONS_PATH: root } });
    try {
      const s = await listLocal(t);
      expect(s).toMatchObject({
        dotdot: { state: 'failed', code: 'HOST_ENTRY_NOT_FOUND' },
        absolute: { state: 'failed', code: 'HOST_ENTRY_NOT_FOUND' },
        'bundle-abs': { state: 'failed', code: 'HOST_ENTRY_NOT_FOUND' },
        'migs-dotdot': { state: 'failed', code: 'HOST_MANIFEST_INVALID' },
        'migs-sandboxed': { state: 'failed', code: 'HOST_MANIFEST_INVALID' },
        'fake-auth': { state: 'failed', code: 'HOST_DUPLICATE_ID' },
        deep: { state: 'failed', code: 'HOST_MANIFEST_INVALID' },
        rootlink: { state: 'failed', code: 'HOST_MANIFEST_INVALID' },
        proto: { state: 'active' },
      });
      expect(({} as any).polluted).toBeUndefined();
      const proto = (await t.api('GET', '/extensions')).body.data.find((e: any) => e.meta.folder === 'proto');
      expect([proto.schema.sandbox.enabled, proto.annex.locked]).toEqual([false, false]);
      // The locked built-in is still the one answering, and still locked.
      expect(
        (await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null)).body.data
          .access_token,
      ).toEqual(expect.any(String));
      const auth = (await t.api('GET', '/extensions')).body.data.find(
        (e: any) => e.annex?.name === '@annex/builtin-auth' && e.meta.source === 'builtin',
      );
      expect(
        (await t.api('PATCH', `/extensions/${auth.id}`, { meta: { enabled: false } })).body.errors[0].extensions.code,
      ).toBe('HOST_EXTENSION_LOCKED');
    } finally {
      await t.close();
    }
  });

  it('blocked: a reloaded v2 asking for more scopes does not get them without a grant (EXTENSIONS_SANDBOX_GRANT=none)', async () => {
    const root = tmp('scopes');
    const code = `import { items } from 'directus:api';\nexport default (router) => { router.get('/:c', async (req) => { try { return { status: 200, body: await items(req.params.c).readByQuery({}) }; } catch (e) { return { status: 200, body: { error: String(e.code || e.message) } }; } }); };\n`;
    const [m1, f1] = sandboxed('scoped', 'endpoint', { items: { a: ['read'] } }, code);
    writePackage(path.join(root, 'scoped'), m1, f1);
    const t = await startHost({ extensions: [path.join(root, 'scoped')], env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    try {
      for (const c of ['a', 'b'])
        await t.api('POST', '/collections', { collection: c, fields: [{ field: 'x', type: 'string' }] });
      await t.api('POST', '/items/b', { x: 'secret-b' });
      expect((await t.api('GET', '/extensions/scoped/status')).body.data.state).toBe('pending');
      await t.api('POST', '/extensions/scoped/grant', {});
      const [m2, f2] = sandboxed('scoped', 'endpoint', { items: { a: ['read'], b: ['read'] } }, code + '// v2\n');
      writePackage(path.join(t.extensionsPath, 'scoped'), m2, f2);
      await t.host.kernel.extensions.reload('local:scoped');
      const status = (await t.api('GET', '/extensions/scoped/status')).body.data;
      expect(status.granted_scopes).toEqual({ items: { a: ['read'] } });
      expect(status.pending_scopes).toEqual({ items: { b: ['read'] } });
      expect((await t.api('GET', '/scoped/b', undefined, null)).body).toEqual({ error: 'FORBIDDEN' });
    } finally {
      await t.close();
    }
  });
});

describe('sandboxed registrations', () => {
  it('a sandboxed hook granted nothing cannot make anonymous requests administrators (filter "authenticate")', async () => {
    const root = tmp('authn');
    const [m, f] = sandboxed(
      'authn',
      'hook',
      {},
      `export default ({ filter }) => { filter('authenticate', (acc) => ({ ...acc, admin: true, app: true })); };\n`,
    );
    writePackage(path.join(root, 'authn'), m, f);
    const t = await startHost({ extensions: [path.join(root, 'authn')], env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    try {
      // Listening to `authenticate` is the `events` scope: requested from what the hook registers, not granted.
      expect((await t.api('GET', '/extensions/authn/status')).body.data).toMatchObject({
        state: 'pending',
        granted_scopes: null,
        requested_scopes: { events: ['authenticate'] },
      });
      const users = await t.api('GET', '/users', undefined, null);
      const created = await t.api('POST', '/users', { email: 'evil@example.com', password: 'pw' }, null);
      expect([users.status, created.status]).toEqual([403, 403]);
    } finally {
      await t.close();
    }
  });

  it("a sandboxed hook granted only storage (not the events it registers for) cannot read login passwords, new users' passwords or rows", async () => {
    const root = tmp('listener');
    const [m, f] = sandboxed(
      'listener',
      'hook',
      { storage: {} },
      `import { storage } from 'directus:api';
export default ({ filter }) => {
  filter('auth.login', async (p) => { await storage.set('login', p); });
  filter('users.create', async (p) => { await storage.set('user', p); });
  filter('items.read', async (rows, meta) => { await storage.set('read-' + meta.collection, rows); });
};\n`,
    );
    writePackage(path.join(root, 'listener'), m, f);
    // Under the local policy the operator's hook would be granted the events it registers; here nobody grants them.
    const t = await startHost({ extensions: [path.join(root, 'listener')], env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    try {
      await t.api('POST', '/extensions/listener/grant', { scopes: { storage: {} } });
      expect((await t.api('GET', '/extensions/listener/status')).body.data).toMatchObject({ state: 'pending' });
      await t.api('POST', '/collections', { collection: 'secrets', fields: [{ field: 'v', type: 'string' }] });
      await t.api('POST', '/items/secrets', { v: 'top-secret' });
      await t.api('GET', '/items/secrets');
      await t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null);
      await t.api('POST', '/users', { email: 'n@example.com', password: 'new-user-pw' });
      await new Promise((r) => setTimeout(r, 200));
      const stored = JSON.stringify(await t.host.knex('annex_extension_storage').select('key', 'value'));
      expect(stored).not.toContain('admin-password');
      expect(stored).not.toContain('new-user-pw');
      expect(stored).not.toContain('top-secret');
    } finally {
      await t.close();
    }
  });

  it("a sandboxed endpoint does not receive the caller's ?access_token= (url, query)", async () => {
    const root = tmp('spy');
    const [m, f] = sandboxed(
      'spy',
      'endpoint',
      {},
      `export default (router) => { router.get('/echo', (req) => ({ status: 200, body: { url: req.url, query: req.query, headers: req.headers } })); };\n`,
    );
    writePackage(path.join(root, 'spy'), m, f);
    const t = await startHost({ extensions: [path.join(root, 'spy')] });
    try {
      const res = await t.api('GET', `/spy/echo?access_token=${t.token}`, undefined, null);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(t.token);
    } finally {
      await t.close();
    }
  });

  it('a sandboxed endpoint with id "auth" cannot take POST /auth/login (passwords) once the built-in is reloaded', async () => {
    const root = tmp('squat');
    const [m, f] = sandboxed(
      'squat',
      'endpoint',
      {},
      `export default { id: 'auth', handler: (router) => { router.post('/login', (req) => ({ status: 200, body: { stolen: req.body } })); } };\n`,
    );
    writePackage(path.join(root, 'squat'), m, f);
    const t = await startHost({ extensions: [path.join(root, 'squat')] });
    try {
      const login = () =>
        t.api('POST', '/auth/login', { email: 'admin@example.com', password: 'admin-password' }, null);
      expect((await login()).body.data?.access_token).toEqual(expect.any(String));
      // A routine admin action on the locked built-in (also: PATCH enabled:true, grant, reset).
      expect((await t.api('POST', `/extensions/${encodeURIComponent('@annex/builtin-auth')}/reload`)).status).toBe(200);
      const after = await login();
      expect(JSON.stringify(after.body)).not.toContain('admin-password');
      expect(after.body.data?.access_token).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });
});

describe('uploads and assets', () => {
  it('blocked: CRLF and quotes in filename_download/type, HEAD, Range, many parts and files, PATCH multipart', async () => {
    const t = await startHost({ env: { FILES_MAX_UPLOAD_SIZE: String(64 * 1024) } });
    const uploads = t.host.config.files.root;
    try {
      const form = new FormData();
      for (let i = 0; i < 50; i++) form.append(`f${i}`, 'x');
      form.append('title', 'T'.repeat(200_000));
      form.append('file', new Blob(['one'], { type: 'text/plain' }), 'one.txt');
      form.append('file', new Blob(['two'], { type: 'text/plain' }), 'two.txt');
      form.append('file2', new Blob(['three'], { type: 'text/plain' }), 'three.txt');
      const res = await fetch(`${t.url}/files`, {
        method: 'POST',
        body: form,
        headers: { Authorization: `Bearer ${t.token}` },
      });
      const file = (await res.json()).data;
      expect(res.status).toBe(200);
      expect(fs.readdirSync(uploads)).toEqual([file.filename_disk]);
      expect(file.title.length).toBeLessThanOrEqual(64 * 1024);
      expect(
        (
          await t.api('PATCH', `/files/${file.id}`, {
            filename_download: 'a"\r\nSet-Cookie: x=1\r\n.txt',
            type: 'text/plain\r\nX-Evil: 1',
          })
        ).status,
      ).toBe(200);
      const asset = await fetch(`${t.url}/assets/${file.id}?access_token=${t.token}`, {
        headers: { Range: 'bytes=1-1' },
      });
      expect(asset.headers.get('set-cookie')).toBeNull();
      expect(asset.headers.get('x-evil')).toBeNull();
      expect(asset.headers.get('content-disposition')).toBe(
        `attachment; filename*=UTF-8''a%22%0D%0ASet-Cookie%3A%20x%3D1%0D%0A.txt`,
      );
      expect(asset.headers.get('content-type')).toBe('application/octet-stream');
      expect(await asset.text()).toBe('one');
      const fds = fs.readdirSync('/proc/self/fd').length;
      const heads = await Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(`${t.url}/assets/${file.id}?access_token=${t.token}`, { method: 'HEAD' }).then(async (r) => [
            r.status,
            await r.text(),
          ]),
        ),
      );
      expect(heads.every(([s, b]) => s === 200 && b === '')).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(fs.readdirSync('/proc/self/fd').length).toBeLessThan(fds + 20);
      const replace = new FormData();
      replace.append('file', new Blob(['replaced'], { type: 'text/plain' }), 'r.txt');
      await fetch(`${t.url}/files/${file.id}`, {
        method: 'PATCH',
        body: replace,
        headers: { Authorization: `Bearer ${t.token}` },
      });
      expect(fs.readFileSync(path.join(uploads, file.filename_disk), 'utf8')).toBe('one');
    } finally {
      await t.close();
    }
  });
});

describe('mail', () => {
  it('blocked: an anonymous webhook caller injects no header or recipient through a templated subject and smuggles no SMTP command through the body', async () => {
    const sink = await startSmtpSink();
    const t = await startHost({
      env: {
        EMAIL_TRANSPORT: 'smtp',
        EMAIL_SMTP_HOST: '127.0.0.1',
        EMAIL_SMTP_PORT: String(sink.port),
        EMAIL_FROM: 'annex@example.com',
      },
    });
    try {
      const flow = (
        await t.api('POST', '/flows', {
          name: 'contact',
          status: 'active',
          accountability: 'all',
          trigger: 'webhook',
          options: { method: 'POST' },
        })
      ).body.data;
      const op = (
        await t.api('POST', '/operations', {
          flow: flow.id,
          key: 'mail',
          type: 'mail',
          name: 'mail',
          options: {
            to: ['ops@example.com'],
            subject: 'Contact: {{ $trigger.body.name }}',
            body: '{{ $trigger.body.message }}',
            type: 'markdown',
          },
        })
      ).body.data;
      await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
      await t.host.kernel.flows.reload();
      const attacks = [
        { name: 'x\r\nBcc: victim1@evil.example\r\nX-Injected: yes', message: 'hi' },
        {
          name: 'y\nBcc: victim2@evil.example',
          message:
            'a\r\n.\r\nMAIL FROM:<spoof@evil.example>\r\nRCPT TO:<victim3@evil.example>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n',
        },
        {
          name: 'z\u2028Bcc: victim4@evil.example',
          message: 'b\n.\nMAIL FROM:<spoof@evil.example>\nRCPT TO:<victim5@evil.example>\nDATA\n\nx\n.\n',
        },
      ];
      for (const body of attacks)
        expect((await t.api('POST', `/flows/trigger/${flow.id}`, body, null)).status).toBe(200);
      expect(sink.messages).toHaveLength(3);
      for (const mail of sink.messages) {
        expect([mail.from, mail.to]).toEqual(['annex@example.com', ['ops@example.com']]);
        const headers = mail.data.slice(0, mail.data.indexOf('\r\n\r\n'));
        expect(headers).not.toMatch(/^(bcc|x-injected):/im);
      }
    } finally {
      await t.close();
      await sink.close();
    }
  });
});

describe('annex CLI', () => {
  it('blocked: a remote command does not send its token to another origin when the host redirects', async () => {
    const seen: string[] = [];
    const evil = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      res.setHeader('content-type', 'application/json');
      res.end('{"data":[]}');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    const redirect = http.createServer((req, res) => {
      res.writeHead(307, { location: `http://localhost:${(evil.address() as AddressInfo).port}${req.url}` });
      res.end();
    });
    await new Promise<void>((r) => redirect.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}`;
      await annex(['extensions', 'list', '--url', url, '--token', 'cli-secret-token'], {});
      await annex(['extensions', 'disable', 'x'], { ANNEX_URL: url, ANNEX_TOKEN: 'cli-secret-token' });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.join(' ')).not.toContain('cli-secret-token');
    } finally {
      evil.close();
      redirect.close();
    }
  });

  it('bootstrap prints no SECRET and leaves the database (password hashes, plaintext static tokens) unreadable to other local users', async () => {
    const dir = tmp('cli');
    const env = {
      DB_FILENAME: path.join(dir, 'data', 'annex.db'),
      ADMIN_EMAIL: 'cli@example.com',
      ADMIN_PASSWORD: 'cli-password',
      EXTENSIONS_PATH: path.join(dir, 'ext'),
      SECRET: 'cli-super-secret-value',
    };
    const boot = await annex(['bootstrap'], env);
    expect(boot.code).toBe(0);
    const list = await annex(['extensions', 'list', '--json'], env);
    expect(boot.stdout + boot.stderr + list.stdout + list.stderr).not.toMatch(/cli-super-secret-value|cli-password/);
    const mode = fs.statSync(env.DB_FILENAME).mode & 0o777;
    expect(mode & 0o077, `annex.db mode ${mode.toString(8)}`).toBe(0);
  });
});
