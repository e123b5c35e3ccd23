import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, type RegistryClient } from '../../../marketplace/src/client/client.js';
import { buildPublishBody, publishFolder } from '../../../marketplace/src/client/publish.js';
import { createInstaller, type InstallerOptions } from '../../../marketplace/src/install/installer.js';
import type { TestRegistry } from '../../../marketplace/src/__tests__/helpers/fixtures.js';
import { rejection } from '../../../marketplace/src/__tests__/helpers/fixtures.js';
import {
  manifest,
  packageEntries,
  pax,
  plant,
  polyglotInner,
  rawTarball,
  startRegistry,
  tempDir,
  uniqueName,
  writeExtension,
  type RawEntry,
} from './helpers.js';

/**
 * Red-team attacks on the marketplace: each test FAILS when its attack succeeds.
 * Complements corpus.test.ts (which covers the basic tarball policy one code per kind).
 */

const REPO = resolve(__dirname, '../../..');
let reg: TestRegistry;
let bobToken: string;

beforeAll(async () => {
  reg = await startRegistry();
  bobToken = (await reg.server.ensureAccount({ username: 'bob', password: 'bob-password' })).token;
});
afterAll(() => reg?.close());

const client = (registry = reg.url, extra: { token?: string; timeoutMs?: number } = {}) =>
  createRegistryClient({ registry, publicKey: reg.server.publicKeyPem, ...extra });
const installer = (extensionsDir: string, c: RegistryClient = client(), o: Partial<InstallerOptions> = {}) =>
  createInstaller({ extensionsDir, client: c, trust: 'sandbox', hostVersion: DIRECTUS_COMPAT_VERSION, ...o });

/** `npm publish` of an arbitrary tarball over HTTP, as `token`'s account. */
async function publishRaw(token: string, pkg: Record<string, unknown>, tarball: Buffer) {
  const name = String(pkg.name);
  const res = await fetch(`${reg.url}/${name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(buildPublishBody(pkg, tarball, `${reg.url}/`)),
  });
  const body = (await res.json().catch(() => ({}))) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code };
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

/** A mirror / MITM in front of the real registry: it cannot forge signatures, but edits unsigned JSON and routes. */
function mirror(edit: (path: string, json: any) => void, route: (path: string) => string = (p) => p) {
  return listen(async (req, res) => {
    const up = await fetch(reg.url + route(req.url!));
    const type = up.headers.get('content-type') ?? 'application/octet-stream';
    let out = Buffer.from(await up.arrayBuffer());
    if (type.includes('json')) {
      const json = JSON.parse(out.toString('utf8'));
      edit(req.url!, json);
      out = Buffer.from(JSON.stringify(json));
    }
    res.writeHead(up.status, { 'content-type': type, 'content-length': out.length });
    res.end(out);
  });
}

/** The polyglot as a tarball (see `polyglotInner`): policy checks see T2, the disk gets T1. */
const polyglot = async (t1: RawEntry[], t2: RawEntry[]) => gzipSync(await polyglotInner(t1, t2));

describe('gzip/tar polyglot: inspection and extraction read different archives', () => {
  it('a plain publisher gets uninspected content (duplicate entries, other code) onto the host', async () => {
    const name = uniqueName('poly-swap');
    const pkg = manifest(name);
    const t2 = packageEntries(pkg); // what the server and the installer's policy pass see
    const t1: RawEntry[] = [
      { path: 'package/package.json', content: JSON.stringify(pkg, null, 2) },
      { path: 'package/dist/index.js', content: '/* first copy */' },
      { path: 'package/dist/index.js', content: 'globalThis.UNINSPECTED = 1; /* duplicate entry, never inspected */' },
    ];
    const pub = await publishRaw(bobToken, pkg, await polyglot(t1, t2));
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    let outcome = `publish refused (${pub.code})`;
    if (pub.status === 201) {
      const r = await installer(dir)
        .install(name)
        .then(
          (x) => x,
          (e: { code?: string }) => e,
        );
      outcome =
        'folder' in r
          ? `installed: dist/index.js = ${await readFile(join(r.folder, 'dist/index.js'), 'utf8')}`
          : `install refused (${r.code})`;
    }
    expect(outcome).toMatch(/refused \(MKT_TAR_/);
  });

  it('a symlink hidden in the outer tar neither passes the registry nor crashes an installing process (uncaught exception from the tar filter)', async () => {
    const name = uniqueName('poly-crash');
    const pkg = manifest(name);
    const pub = await publishRaw(
      bobToken,
      pkg,
      await polyglot(
        packageEntries(pkg, [{ path: 'package/dist/l', type: '2', linkpath: '/etc' }]),
        packageEntries(pkg),
      ),
    );
    // The registry's inspection now sees the hidden archive and refuses it; were it accepted (another
    // registry), the install below must reject it without crashing.
    if (pub.status !== 201) return void expect(pub.code).toMatch(/^MKT_TAR_/);
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    const script = `
      process.on('uncaughtException', (e) => { console.log('UNCAUGHT ' + (e.code ?? e.message)); process.exit(3); });
      setTimeout(() => { console.log('HUNG'); process.exit(4); }, 6000);
      const m = await import(process.env.MKT);
      const c = m.createRegistryClient({ registry: process.env.REG, publicKey: process.env.KEY });
      m.createInstaller({ extensionsDir: process.env.DIR, client: c, trust: 'sandbox', hostVersion: process.env.HV })
        .install(process.env.NAME).then(() => console.log('INSTALLED'), (e) => console.log('REJECTED ' + e.code)).finally(() => process.exit(0));`;
    const env = {
      ...process.env,
      MKT: pathToFileURL(join(REPO, 'marketplace/dist/index.js')).href,
      REG: reg.url,
      KEY: reg.server.publicKeyPem,
      DIR: dir,
      HV: DIRECTUS_COMPAT_VERSION,
      NAME: name,
    };
    const out = await new Promise<string>((ok) =>
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: REPO, env, timeout: 9000 },
        (_e, stdout, stderr) => ok(`${stdout}${stderr}`.trim()),
      ),
    );
    expect(out).toMatch(/^REJECTED MKT_TAR_/);
  });
});

describe('a mirror / MITM editing unsigned metadata (registry key pinned)', () => {
  it('the version id is a path: "../../outside" installs outside EXTENSIONS_PATH and deletes what was there', async () => {
    const name = uniqueName('id-escape');
    await publishFolder(reg.url, await writeExtension(await tempDir(), { name, sandbox: true, scopes: { log: {} } }), {
      token: reg.token,
    });
    const root = await tempDir('annex-rt-');
    await mkdir(join(root, 'outside'), { recursive: true });
    await writeFile(join(root, 'outside', 'keep.txt'), 'precious');
    const EVIL = '../../outside';
    let realId = '';
    const m = await mirror(
      (path, json) => {
        if (!path.startsWith('/extensions/')) return;
        for (const v of json.data.versions) [realId, v.id] = [v.id, EVIL];
      },
      (path) => (path.startsWith('/download/') ? path.replace(/^\/download\/[^?]+/, `/download/${realId}`) : path),
    );
    try {
      const error = await rejection(installer(join(root, 'extensions'), client(m.url)).install(name));
      expect({
        error: error.code,
        keep: existsSync(join(root, 'outside', 'keep.txt')),
        planted: existsSync(join(root, 'outside', 'package.json')),
      }).toEqual({
        error: expect.stringMatching(/^MKT_/),
        keep: true,
        planted: false,
      });
    } finally {
      await m.close();
    }
  });

  it('publisher.verified is not signed: flipping it passes MARKETPLACE_TRUST=verified for unsandboxed code', async () => {
    const name = uniqueName('fake-verified');
    await publishFolder(reg.url, await writeExtension(await tempDir(), { name, sandbox: false }), { token: reg.token }); // alice is not verified
    const m = await mirror((path, json) => {
      if (!path.startsWith('/extensions/')) return;
      for (const v of json.data.versions) v.publisher.verified = v.verified = true;
    });
    try {
      const dir = join(await tempDir('annex-rt-'), 'extensions');
      const direct = await rejection(installer(dir, client(), { trust: 'verified' }).install(name));
      expect(direct.code).toBe('MKT_TRUST_DENIED');
      const viaMirror = await rejection(installer(dir, client(m.url), { trust: 'verified' }).install(name));
      expect(viaMirror.code).toBe('MKT_TRUST_DENIED');
    } finally {
      await m.close();
    }
  });

  it('registry JSON is read without a size cap (64 MiB describe body buffered whole)', async () => {
    const LIMIT = 64 * 1024 * 1024;
    let sent = 0;
    const fake = await listen((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/version') return void res.end(JSON.stringify({ version: '2024-01-29' }));
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      res.write('{"data":{"readme":"');
      const pump = () => {
        while (sent < LIMIT) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}}');
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    try {
      await rejection(client(fake.url).describe('x'));
      expect(sent, 'the client kept reading registry JSON far beyond any sane metadata size').toBeLessThan(LIMIT);
    } finally {
      await fake.close();
    }
  });

  it('blocked: tarball redirect to another origin (token not forwarded) or to file://', async () => {
    const name = uniqueName('redirect');
    await publishFolder(reg.url, await writeExtension(await tempDir(), { name, sandbox: true, scopes: { log: {} } }), {
      token: reg.token,
    });
    const seen: (string | undefined)[] = [];
    const other = await listen(async (req, res) => {
      seen.push(req.headers.authorization);
      const up = await fetch(reg.url + req.url);
      res.end(Buffer.from(await up.arrayBuffer()));
    });
    let target = other.url.replace('127.0.0.1', 'localhost');
    const front = await listen(async (req, res) => {
      if (req.url!.startsWith('/download/'))
        return void (res.writeHead(302, { location: `${target}${req.url}` }), res.end());
      const up = await fetch(reg.url + req.url);
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? '' });
      res.end(Buffer.from(await up.arrayBuffer()));
    });
    try {
      const dir = join(await tempDir('annex-rt-'), 'extensions');
      const r = await installer(dir, client(front.url, { token: 'SECRET-TOKEN' })).install(name);
      expect(r.changed).toBe(true); // same bytes from elsewhere: integrity and signature still hold
      expect(seen).toEqual([undefined]);
      target = 'file:///etc';
      const dir2 = join(await tempDir('annex-rt-'), 'extensions');
      expect((await rejection(installer(dir2, client(front.url)).install(name))).code).toBe('MKT_REGISTRY_UNREACHABLE');
      expect(existsSync(join(dir2, '.annex-staging'))).toBe(false);
    } finally {
      await front.close();
      await other.close();
    }
  });

  it('blocked: a slow-loris registry is cut off by the client timeout', async () => {
    const fake = await listen((req, res) => {
      if (req.url === '/version') return void res.end(JSON.stringify({ version: '2024-01-29' }));
      res.write('{');
      const t = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(t));
    });
    try {
      // Headers came, the body never ends: BAD_RESPONSE. Ordering, not milliseconds: the 800 ms client timeout ends the call before a 10× longer sibling timer fires
      // (the registry never finishes its answer, so without the timeout the call would outlive the test).
      let sibling = false;
      const timer = setTimeout(() => (sibling = true), 8000);
      const code = (await rejection(client(fake.url, { timeoutMs: 800 }).describe('x'))).code;
      clearTimeout(timer);
      expect({ code, siblingFiredFirst: sibling }).toEqual({
        code: 'MKT_REGISTRY_BAD_RESPONSE',
        siblingFiredFirst: false,
      });
    } finally {
      await fake.close();
    }
  });
});

describe('installer state', () => {
  it('two installers on one EXTENSIONS_PATH (host + CLI) installing at once keep both extensions', async () => {
    const names = [uniqueName('conc-a'), uniqueName('conc-b')];
    for (const name of names)
      await publishFolder(
        reg.url,
        await writeExtension(await tempDir(), { name, sandbox: true, scopes: { log: {} } }),
        { token: reg.token },
      );
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    const results = await Promise.all(names.map((n) => installer(dir).install(n)));
    const listed = (await installer(dir).listInstalled()).map((e) => e.name).sort();
    const onDisk = (await readdir(join(dir, '.registry'))).filter((f) => !f.endsWith('.json')).sort();
    expect({ listed, onDisk }).toEqual({ listed: [...names].sort(), onDisk: results.map((r) => r.versionId).sort() });
  });

  it('a kept unsandboxed version is re-activated without a trust check after MARKETPLACE_TRUST was tightened', async () => {
    const name = uniqueName('kept-trust');
    const work = await tempDir();
    await publishFolder(reg.url, await writeExtension(work, { name, sandbox: false }), { token: reg.token });
    await publishFolder(
      reg.url,
      await writeExtension(work, { name, version: '2.0.0', sandbox: true, scopes: { log: {} } }),
      { token: reg.token },
    );
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    const all = installer(dir, client(), { trust: 'all' });
    const v1 = (await all.install(name, '1.0.0')).versionId;
    const v2 = (await all.update(name)).versionId;
    const strict = installer(dir, client(), { trust: 'sandbox' });
    const tried: Record<string, string> = { rollback: (await rejection(strict.rollback(name))).code };
    await all.activate(name, v2);
    Object.assign(tried, { install: (await rejection(strict.install(name, '1.0.0'))).code });
    await all.activate(name, v2);
    Object.assign(tried, { activate: (await rejection(strict.activate(name, v1))).code });
    expect(tried).toEqual({ rollback: 'MKT_TRUST_DENIED', install: 'MKT_TRUST_DENIED', activate: 'MKT_TRUST_DENIED' });
  });

  it('package names that are Object.prototype keys ("constructor") break install/uninstall with a raw TypeError', async () => {
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    const pub = await publishRaw(
      reg.token,
      manifest('constructor'),
      await rawTarball(packageEntries(manifest('constructor'))),
    );
    expect(pub.status).toBe(201); // the registry accepts the name
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: Error & { code?: string }) => e.code ?? `${e.name}: ${e.message}`,
      );
    const uninstall = await outcome(installer(dir).uninstall('constructor'));
    const install = await outcome(installer(dir).install('constructor'));
    expect({ uninstall, install }).toEqual({ uninstall: 'MKT_NOT_INSTALLED', install: 'ok' });
  });

  it('blocked: concurrent installs of the same package through one installer are serialised', async () => {
    const name = uniqueName('conc-same');
    await publishFolder(reg.url, await writeExtension(await tempDir(), { name, sandbox: true, scopes: { log: {} } }), {
      token: reg.token,
    });
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    const inst = installer(dir);
    const rs = await Promise.all([
      inst.install(name),
      inst.install(name),
      inst.install(name, undefined, { force: true }),
    ]);
    expect(new Set(rs.map((r) => r.versionId)).size).toBe(1);
    expect((await readdir(join(dir, '.registry'))).sort()).toEqual(['annex-state.json', rs[0].versionId].sort());
    expect(existsSync(join(dir, '.annex-staging'))).toBe(false);
    expect((await inst.listInstalled())[0].missing).toBe(false);
  });
});

describe('blocked: tarball tricks not in the corpus', () => {
  const cases: { title: string; code: string; extra: RawEntry[] }[] = [
    {
      title: 'PAX path override to ../..',
      code: 'MKT_TAR_PATH_TRAVERSAL',
      extra: [
        { path: 'PaxHeader/a', type: 'x', content: pax('path', 'package/../../pax-evil.txt') },
        { path: 'package/innocent.txt', content: 'x' },
      ],
    },
    {
      title: 'GNU long name to ../..',
      code: 'MKT_TAR_PATH_TRAVERSAL',
      extra: [
        {
          path: '././@LongLink',
          type: 'L',
          content: `package/${'d/'.repeat(60)}../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../gnu-evil.txt\0`,
        },
        { path: 'package/innocent.txt', content: 'x' },
      ],
    },
    { title: './../ prefix', code: 'MKT_TAR_PATH_TRAVERSAL', extra: [{ path: './../package/x.txt', content: 'x' }] },
    {
      title: 'Windows drive path C:\\',
      code: 'MKT_TAR_ABSOLUTE_PATH',
      extra: [{ path: 'C:\\evil.txt', content: 'x' }],
    },
    { title: 'Windows drive path C:/', code: 'MKT_TAR_ABSOLUTE_PATH', extra: [{ path: 'C:/evil.txt', content: 'x' }] },
    {
      title: 'PAX path with a NUL byte (tar cuts it at the NUL: installs "package/a", nothing escapes)',
      code: 'RESOLVED',
      extra: [
        { path: 'PaxHeader/b', type: 'x', content: pax('path', 'package/a\u0000/../../../b.txt') },
        { path: 'package/c.txt', content: 'x' },
      ],
    },
    {
      title: 'very long path (PAX, 1100 chars)',
      code: 'MKT_TAR_BAD_PATH',
      extra: [
        { path: 'PaxHeader/c', type: 'x', content: pax('path', `package/${'a'.repeat(1100)}`) },
        { path: 'package/c.txt', content: 'x' },
      ],
    },
    {
      title: 'same path as file then directory',
      code: 'MKT_TAR_DUPLICATE_ENTRY',
      extra: [
        { path: 'package/lib', content: 'x' },
        { path: 'package/lib/', type: '5' },
      ],
    },
    {
      title: 'symlink a -> .. then a/x',
      code: 'MKT_TAR_SYMLINK',
      extra: [
        { path: 'package/a', type: '2', linkpath: '..' },
        { path: 'package/a/x.txt', content: 'x' },
      ],
    },
    {
      title: 'hard link to a file inside the package',
      code: 'MKT_TAR_HARDLINK',
      extra: [{ path: 'package/dist/copy.js', type: '1', linkpath: 'package/dist/index.js' }],
    },
    {
      title: 'PAX linkpath on a regular file',
      code: 'MKT_TAR_CORRUPT',
      extra: [
        { path: 'PaxHeader/d', type: 'x', content: pax('linkpath', '/etc/passwd') },
        { path: 'package/e.txt', content: 'x' },
      ],
    },
    { title: '"package" itself as a file', code: 'MKT_TAR_LAYOUT', extra: [{ path: 'package', content: 'x' }] },
    { title: 'double-gzipped tarball', code: 'MKT_TAR_CORRUPT', extra: [] },
  ];
  it.each(cases)('$title → $code', async (c) => {
    const name = uniqueName('trick');
    const claimed = manifest(name);
    let tarball = await rawTarball(packageEntries(claimed, c.extra));
    if (c.title.startsWith('double')) tarball = gzipSync(tarball);
    const version = await plant(reg, claimed, tarball);
    const dir = join(await tempDir('annex-rt-'), 'extensions');
    expect((await rejection(installer(dir).install(name, version.id))).code).toBe(c.code);
    expect(existsSync(join(dir, '.annex-staging'))).toBe(false);
    if (c.code === 'RESOLVED')
      return void expect((await readdir(join(dir, '.registry', version.id))).sort()).toEqual([
        'a',
        'dist',
        'package.json',
      ]);
    expect(existsSync(join(dir, '.registry'))).toBe(false);
  });
});

describe('blocked: publishing and accounts', () => {
  const pkgOf = (name: string, version = '1.0.0') => manifest(name, {}, version);
  const tgz = (pkg: Record<string, unknown>) => rawTarball(packageEntries(pkg));

  it("cannot publish a new version of another user's package, nor overwrite a version", async () => {
    const name = uniqueName('owned');
    expect((await publishRaw(reg.token, pkgOf(name), await tgz(pkgOf(name)))).status).toBe(201);
    expect(await publishRaw(bobToken, pkgOf(name, '1.0.1'), await tgz(pkgOf(name, '1.0.1')))).toEqual({
      status: 403,
      code: 'MKT_NOT_OWNER',
    });
    const changed = manifest(name, { sandbox: { enabled: false } });
    expect(await publishRaw(reg.token, changed, await tgz(changed))).toEqual({
      status: 403,
      code: 'MKT_VERSION_EXISTS',
    });
    const del = await fetch(`${reg.url}/${name}/-rev/1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${bobToken}` },
    });
    expect(del.status).toBeGreaterThanOrEqual(400);
    const unpub = await fetch(`${reg.url}/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, versions: {} }),
    });
    expect(unpub.status).toBe(405);
    expect((await client().describe(name)).versions.map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('the server computes integrity itself: a lying dist.integrity in the publish body is ignored', async () => {
    const name = uniqueName('lying-dist');
    const pkg = pkgOf(name);
    const tarball = await tgz(pkg);
    const body = buildPublishBody(pkg, tarball, `${reg.url}/`);
    (body.versions['1.0.0'] as any).dist.integrity = `sha512-${createHash('sha512').update('other').digest('base64')}`;
    const res = await fetch(`${reg.url}/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    const [v] = (await client().describe(name)).versions;
    expect(v.integrity).toBe(`sha512-${createHash('sha512').update(tarball).digest('base64')}`);
  });

  it('revoked tokens stop working; adduser cannot take over an existing account (by name, case or uuid)', async () => {
    const { token } = await reg.server.ensureAccount({ username: 'carol', password: 'carol-password' });
    const whoami = (t: string) =>
      fetch(`${reg.url}/-/whoami`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    expect(await whoami(token)).toBe(200);
    expect(
      (
        await fetch(`${reg.url}/-/user/token/${token}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
    ).toBe(200);
    expect(await whoami(token)).toBe(401);
    const alice = await reg.server.store.accounts.get('alice');
    for (const user of ['alice', 'ALICE', alice.id]) {
      const res = await fetch(`${reg.url}/-/user/org.couchdb.user:${user}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: user, password: 'guess' }),
      });
      expect(res.status, user).toBe(401);
    }
    const basic = Buffer.from(`${alice.id}:guess`).toString('base64');
    expect((await fetch(`${reg.url}/-/whoami`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(401);
  });
});
