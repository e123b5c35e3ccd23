import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../marketplace/src/client/client.js';
import { getDigestIntegrity } from '../../marketplace/src/client/directus-registry.js';
import { startDirectusRegistry, type DirectusRegistry } from '../helpers/directus-registry.js';
import { createCollection, FIXTURES, startHost, type TestHost } from '../helpers/host.js';

/**
 * Installing from a registry that speaks only the Directus registry API plus npm tarballs (as
 * registry.directus.io does): listings as published, tarballs checked against npm's integrity.
 */
const NAME = 'directus-sandboxed-stamp-hook';
let reg: DirectusRegistry;
let t: TestHost;
const installedVersion = async () =>
  (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === NAME)?.schema?.version as
    | string
    | undefined;
const registryFolders = () => {
  const dir = path.join(t.extensionsPath, '.registry');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((f) => f.isDirectory() && !f.name.startsWith('.'))
        .map((f) => f.name)
        .sort()
    : [];
};

function versionOf(version: string, tamper = false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `annex-dreg-${version}-`));
  fs.cpSync(path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook'), dir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  return { dir, tamper };
}

beforeAll(async () => {
  reg = await startDirectusRegistry([versionOf('1.0.0'), versionOf('1.1.0'), versionOf('1.2.0', true)]);
  t = await startHost({ env: { MARKETPLACE_REGISTRY: reg.url } });
  await createCollection(t, 'notes', { title: 'string', stamp: 'string' });
});
afterAll(async () => {
  await t?.close();
  await reg?.close();
});

describe('a Directus-only registry', () => {
  it('the client accepts its listings as published (nulls, extra fields) and has no Annex route to ask for', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const list = await client.list({ search: 'stamp' });
    expect(list.data.map((e) => e.name)).toEqual([NAME]);
    expect(list.data[0]).not.toHaveProperty('formatted_name');
    const details = await client.describe(reg.extensionId(NAME));
    expect(details.versions.map((v) => v.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    expect(details.versions[0]!.sandbox_requested_scopes).toBeNull();
  });

  it('search and detail through the host REST API', async () => {
    const list = await t.api('GET', '/extensions/registry?search=stamp');
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: any) => e.name)).toEqual([NAME]);
    const detail = await t.api('GET', `/extensions/registry/extension/${reg.extensionId(NAME)}`);
    expect(detail.body.data.versions.map((v: any) => v.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
  });

  it("install (Directus ids) verifies the tarball against npm's integrity; the hook waits for the events grant, then stamps", async () => {
    const res = await t.api('POST', '/extensions/registry/install', {
      extension: reg.extensionId(NAME),
      version: reg.versionId(NAME, '1.0.0'),
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ extension: NAME, version: '1.0.0', signed: false });
    expect(registryFolders()).toEqual([reg.versionId(NAME, '1.0.0')]);
    await t.api('POST', `/extensions/${NAME}/grant`, {});
    expect((await t.api('GET', `/extensions/${NAME}/status`)).body.data.state).toBe('active');
    expect((await t.api('POST', '/items/notes', { title: 'a' })).body.data.stamp).toBe('x:notes');
  });

  it('a tarball whose bytes do not match the integrity is refused and nothing is written', async () => {
    const before = registryFolders();
    const res = await t.api('POST', '/extensions/registry/install', { extension: NAME, version: '1.2.0' });
    expect(res.body.errors[0].extensions.code).toBe('MKT_INTEGRITY_MISMATCH');
    expect(registryFolders()).toEqual(before);
    const staging = path.join(t.extensionsPath, '.annex-staging');
    expect(fs.existsSync(staging) ? fs.readdirSync(staging).filter((f) => !f.startsWith('.')) : []).toEqual([]);
    expect(await installedVersion()).toBe('1.0.0');
  });

  it('update to 1.1.0, then uninstall removes files and rows', async () => {
    const updated = await t.api('POST', '/extensions/registry/update', { extension: NAME, version: '1.1.0' });
    expect(updated.status).toBe(200);
    expect(updated.body.data.version).toBe('1.1.0');
    expect(await installedVersion()).toBe('1.1.0');
    // By the registry's extension id, as the Directus app sends it.
    expect((await t.api('DELETE', `/extensions/registry/uninstall/${reg.extensionId(NAME)}`)).status).toBe(204);
    expect(registryFolders()).toEqual([]);
    expect((await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === NAME)).toBeUndefined();
  });

  it("reads a registry's sha-512 download digest (Repr-Digest or Digest)", () => {
    expect(getDigestIntegrity(new Headers({ 'repr-digest': 'sha-256=:abc=:, sha-512=:AAAA:' }))).toBe('sha512-AAAA');
    expect(getDigestIntegrity(new Headers({ digest: 'SHA-512=BBBB' }))).toBe('sha512-BBBB');
    expect(getDigestIntegrity(new Headers({ digest: 'md5=x' }))).toBeUndefined();
  });
});
