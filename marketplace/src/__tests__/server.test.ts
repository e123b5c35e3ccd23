import { createHash, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFolder, buildPublishBody } from '../client/publish.js';
import { verifySignature } from '../internal/signing.js';
import { manifestDigest } from '../internal/digest.js';
import { startRegistry, tempDir, writeExtension, type TestRegistry } from './helpers/fixtures.js';
import { packageEntries, rawTarball } from './helpers/raw-tar.js';

let reg: TestRegistry;
let work: string;
let bobToken: string;

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${reg.url}${path}`, { headers });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any, headers: res.headers };
};
const put = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(`${reg.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
};
const codeOf = (body: any) => body?.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  reg = await startRegistry({ adminToken: 'admin-secret' });
  work = await tempDir();
  ({ token: bobToken } = await reg.server.ensureAccount({ username: 'bob' }));
  const alice = { token: reg.token };
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: 'weather-hook', version: '1.0.0', sandbox: true, scopes: { log: {} } }),
    alice,
  );
  await publishFolder(
    reg.url,
    await writeExtension(work, {
      name: 'weather-hook',
      version: '1.1.0',
      sandbox: true,
      scopes: { log: {}, request: { urls: ['https://api.weather.test/'], methods: ['GET'] } },
    }),
    alice,
  );
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: '@acme/color-interface', type: 'interface', description: 'Pick a colour' }),
    alice,
  );
  await publishFolder(reg.url, await writeExtension(work, { name: 'raw-endpoint', type: 'endpoint' }), {
    token: bobToken,
  });
});

afterAll(async () => {
  await reg?.close();
});

describe('Directus registry API', () => {
  it('GET /version answers the registry API version @directus/extensions-registry supports', async () => {
    expect((await get('/version')).body).toEqual({ version: '2024-01-29' });
  });

  it('GET /extensions lists every extension with the Directus fields and Annex extras', async () => {
    const { status, body } = await get('/extensions');
    expect(status).toBe(200);
    expect(body.meta.filter_count).toBe(3);
    const hook = body.data.find((e: any) => e.name === 'weather-hook');
    expect(hook).toMatchObject({
      type: 'hook',
      description: 'The weather-hook extension',
      sandbox: true,
      execution: 'sandboxed',
      verified: false,
      license: 'MIT',
      host_version: '^10.10.0 || ^11.0.0',
      latest_version: '1.1.0',
      total_downloads: 0,
      publisher: { username: 'alice', verified: false, github_name: null },
      requested_scopes: { log: {}, request: { urls: ['https://api.weather.test/'], methods: ['GET'] } },
    });
    expect(hook.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(hook.last_updated)).not.toBeNaN();
  });

  it('filters by type, sandbox, search and publisher, and pages with limit/offset', async () => {
    const names = async (qs: string) => (await get(`/extensions?${qs}`)).body.data.map((e: any) => e.name).sort();
    expect(await names('type=interface')).toEqual(['@acme/color-interface']);
    expect(await names('sandbox=true')).toEqual(['@acme/color-interface', 'weather-hook']);
    expect(await names('search=COLOUR')).toEqual(['@acme/color-interface']);
    expect(await names('by=bob')).toEqual(['raw-endpoint']);
    const bob = (await get('/accounts/bob')).body.data;
    expect(await names(`by=${bob.id}`)).toEqual(['raw-endpoint']);
    const page = await get('/extensions?limit=1&offset=1&sort=recent');
    expect(page.body.meta.filter_count).toBe(3);
    expect(page.body.data).toHaveLength(1);
    expect((await get('/extensions?sort=sideways')).status).toBe(400);
    expect(codeOf((await get('/extensions?limit=0')).body)).toBe('MKT_INVALID_REQUEST');
  });

  it('GET /extensions/:id describes every version, newest first, with signed metadata', async () => {
    const list = (await get('/extensions?search=weather')).body.data[0];
    const { body } = await get(`/extensions/${list.id}`);
    const d = body.data;
    expect(d).toMatchObject({
      id: list.id,
      name: 'weather-hook',
      type: 'hook',
      readme: expect.stringContaining('# weather-hook'),
      dist_tags: { latest: '1.1.0' },
    });
    expect(d.versions.map((v: any) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const [v110, v100] = d.versions;
    expect(v100.sandbox_requested_scopes).toEqual({ log: {} });
    expect(v110.sandbox_requested_scopes.request.methods).toEqual(['GET']);
    expect(v110).toMatchObject({
      file_count: 3,
      sandbox_enabled: true,
      execution: 'sandboxed',
      bundled: [],
      maintainers: [{ accounts_id: { username: 'alice' } }],
    });
    expect(v110.unpacked_size).toBeGreaterThan(100);
    expect(v110.integrity).toMatch(/^sha512-/);
    // the signature covers name, version, integrity and the manifest digest
    const key = createPublicKey((await get('/-/annex/public-key')).body.public_key);
    const fields = {
      name: 'weather-hook',
      version: '1.1.0',
      integrity: v110.integrity,
      manifestDigest: v110.manifest_digest,
    };
    expect(verifySignature(key, fields, v110.signature)).toBe(true);
    expect(verifySignature(key, { ...fields, version: '1.0.0' }, v110.signature)).toBe(false);
    // by name too (scoped names url-encoded)
    expect((await get('/extensions/%40acme%2Fcolor-interface')).body.data.type).toBe('interface');
    expect(codeOf((await get('/extensions/00000000-0000-4000-8000-000000000000')).body)).toBe(
      'MKT_EXTENSION_NOT_FOUND',
    );
  });

  it('GET /accounts/:id returns the Directus account shape', async () => {
    const { body } = await get('/accounts/alice');
    expect(Object.keys(body.data).sort()).toEqual(
      [
        'github_avatar_url',
        'github_bio',
        'github_blog',
        'github_company',
        'github_location',
        'github_name',
        'github_username',
        'id',
        'username',
        'verified',
      ].sort(),
    );
    expect((await get(`/accounts/${body.data.id}`)).body.data.username).toBe('alice');
    expect(codeOf((await get('/accounts/nobody')).body)).toBe('MKT_ACCOUNT_NOT_FOUND');
  });

  it('GET /download/:versionId streams the tarball, counts it, and refuses unsandboxed code with ?sandbox=true', async () => {
    const hook = (await get('/extensions/weather-hook')).body.data;
    const v = hook.versions[0];
    const res = await fetch(`${reg.url}/download/${v.id}?sandbox=true`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(v.integrity);
    const after = (await get('/extensions/weather-hook')).body.data;
    expect(after.total_downloads).toBe(1);
    expect(after.versions[0].downloads).toBe(1);
    expect(after.downloads).toEqual([{ date: new Date().toISOString().slice(0, 10), count: 1 }]);

    const raw = (await get('/extensions/raw-endpoint')).body.data.versions[0];
    const refused = await get(`/download/${raw.id}?sandbox=true`);
    expect(refused.status).toBe(403);
    expect(codeOf(refused.body)).toBe('MKT_SANDBOX_REQUIRED');
    expect((await fetch(`${reg.url}/download/${raw.id}`)).status).toBe(200);
    expect((await get('/extensions?sort=downloads')).body.data[0].name).toMatch(/weather-hook|raw-endpoint/);
  });

  it('marks publishers verified through the admin route only', async () => {
    expect((await put('/-/annex/accounts/bob/verified', { verified: true }, reg.token)).status).toBe(403);
    const ok = await put('/-/annex/accounts/bob/verified', { verified: true }, 'admin-secret');
    expect(ok.body.data).toMatchObject({ username: 'bob', verified: true });
    expect((await get('/extensions/raw-endpoint')).body.data.verified).toBe(true);
    await reg.server.setVerified('bob', false);
  });
});

describe('npm protocol', () => {
  it('adduser issues a token, whoami answers, a wrong password is refused', async () => {
    const created = await put('/-/user/org.couchdb.user:carol', {
      _id: 'org.couchdb.user:carol',
      name: 'carol',
      password: 'pw-carol',
      type: 'user',
      roles: [],
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^annex_/);
    expect((await get('/-/whoami', { authorization: `Bearer ${created.body.token}` })).body).toEqual({
      username: 'carol',
    });
    const again = await put('/-/user/org.couchdb.user:carol', { name: 'carol', password: 'pw-carol' });
    expect(again.status).toBe(201);
    const wrong = await put('/-/user/org.couchdb.user:carol', { name: 'carol', password: 'nope' });
    expect([wrong.status, codeOf(wrong.body)]).toEqual([401, 'MKT_BAD_CREDENTIALS']);
    expect(codeOf((await get('/-/whoami')).body)).toBe('MKT_UNAUTHORIZED');
  });

  it('serves a packument with dist-tags, time and dist {tarball, shasum, integrity}', async () => {
    const { body } = await get('/@acme%2fcolor-interface');
    expect(body.name).toBe('@acme/color-interface');
    expect(body['dist-tags']).toEqual({ latest: '1.0.0' });
    const dist = body.versions['1.0.0'].dist;
    expect(dist.tarball).toBe(`${reg.url}/@acme/color-interface/-/color-interface-1.0.0.tgz`);
    expect(dist.shasum).toMatch(/^[0-9a-f]{40}$/);
    expect(dist.integrity).toMatch(/^sha512-/);
    expect(body.time['1.0.0']).toBeTruthy();
    const tgz = Buffer.from(await (await fetch(dist.tarball)).arrayBuffer());
    expect(createHash('sha1').update(tgz).digest('hex')).toBe(dist.shasum);
    expect(codeOf((await get('/left-pad')).body)).toBe('MKT_EXTENSION_NOT_FOUND');
  });

  it('refuses republishing a version, publishing without auth, and publishing over another publisher', async () => {
    const folder = await writeExtension(await tempDir(), {
      name: 'weather-hook',
      version: '1.0.0',
      sandbox: true,
      scopes: { log: {} },
    });
    const { packFolder } = await import('../internal/pack.js');
    const { tarball, pkg } = await packFolder(folder);
    const body = buildPublishBody(pkg, tarball, `${reg.url}/`);
    const dup = await put('/weather-hook', body, reg.token);
    expect([dup.status, codeOf(dup.body)]).toEqual([403, 'MKT_VERSION_EXISTS']);
    const anon = await put('/weather-hook', body, undefined);
    expect([anon.status, codeOf(anon.body)]).toEqual([401, 'MKT_UNAUTHORIZED']);
    const other = await put(
      '/weather-hook',
      buildPublishBody({ ...pkg, version: '9.0.0' }, tarball, `${reg.url}/`),
      bobToken,
    );
    expect([other.status, codeOf(other.body)]).toEqual([403, 'MKT_NOT_OWNER']);
  });

  it('refuses packages without a valid directus:extension manifest, with readable issues', async () => {
    const pkg = {
      name: 'not-an-extension',
      version: '1.0.0',
      'directus:extension': { type: 'hook', path: 'dist/index.js' },
    };
    const tarball = await rawTarball(packageEntries(pkg));
    const res = await put('/not-an-extension', buildPublishBody(pkg, tarball, `${reg.url}/`), reg.token);
    expect([res.status, codeOf(res.body)]).toEqual([400, 'MKT_INVALID_MANIFEST']);
    expect(res.body.errors[0].extensions.issues).toEqual([
      { path: 'directus:extension.host', message: expect.stringContaining('is required') },
    ]);
    expect(res.body.error).toContain('directus:extension.host');
  });

  it('refuses unsafe tarballs and tarballs that disagree with the publish metadata', async () => {
    const pkg = {
      name: 'sneaky',
      version: '1.0.0',
      'directus:extension': { type: 'hook', path: 'dist/index.js', host: '^11.0.0' },
    };
    const linked = await rawTarball(
      packageEntries(pkg, [{ path: 'package/evil', type: '2', linkpath: '/etc/passwd' }]),
    );
    const res = await put('/sneaky', buildPublishBody(pkg, linked, `${reg.url}/`), reg.token);
    expect([res.status, codeOf(res.body)]).toEqual([422, 'MKT_TAR_SYMLINK']);

    const tarball = await rawTarball(packageEntries(pkg));
    const lying = buildPublishBody(
      { ...pkg, 'directus:extension': { ...pkg['directus:extension'], sandbox: { enabled: true } } },
      tarball,
      `${reg.url}/`,
    );
    const res2 = await put('/sneaky', lying, reg.token);
    expect([res2.status, codeOf(res2.body)]).toEqual([400, 'MKT_PACKAGE_MISMATCH']);

    const noEntry = await rawTarball([{ path: 'package/package.json', content: JSON.stringify(pkg) }]);
    const res3 = await put('/sneaky', buildPublishBody(pkg, noEntry, `${reg.url}/`), reg.token);
    expect(codeOf(res3.body)).toBe('MKT_ENTRYPOINT_MISSING');
    expect((await get('/sneaky')).status).toBe(404);
  });

  it('answers unknown routes and methods with coded errors', async () => {
    expect(codeOf((await get('/a/b/c/d')).body)).toBe('MKT_ROUTE_NOT_FOUND');
    const del = await fetch(`${reg.url}/version`, { method: 'DELETE' });
    expect(codeOf(await del.json())).toBe('MKT_UNSUPPORTED');
  });

  it('stores the manifest digest the signature covers', async () => {
    const v = (await get('/extensions/@acme%2Fcolor-interface')).body.data.versions[0];
    expect(v.manifest_digest).toBe(
      manifestDigest({ type: 'interface', path: 'dist/index.js', source: 'src/index.ts', host: '^10.10.0 || ^11.0.0' }),
    );
  });
});
