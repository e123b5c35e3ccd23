import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../client/client.js';
import { publishFolder } from '../client/publish.js';
import { rejection, startRegistry, tempDir, writeExtension, type TestRegistry } from './helpers/fixtures.js';

let reg: TestRegistry;
let work: string;

beforeAll(async () => {
  reg = await startRegistry();
  work = await tempDir();
  const files = { 'dist/data.bin': Buffer.alloc(40_000, 7) };
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: 'client-hook', version: '1.0.0', sandbox: true, scopes: { log: {} }, files }),
    { token: reg.token },
  );
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: 'client-hook', version: '2.0.0', sandbox: true, scopes: { log: {} } }),
    { token: reg.token },
  );
});
afterAll(() => reg?.close());

describe('registry client', () => {
  it('lists, describes and reads accounts with validated shapes', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const list = await client.list({ search: 'client', sandbox: true });
    expect(list.meta.filter_count).toBe(1);
    expect(list.data[0]).toMatchObject({ name: 'client-hook', latest_version: '2.0.0', requested_scopes: { log: {} } });
    const details = await client.describe('client-hook');
    expect(details.versions.map((v) => v.version)).toEqual(['2.0.0', '1.0.0']);
    expect((await client.account('alice')).username).toBe('alice');
    expect((await rejection(client.describe('missing-one'))).code).toBe('MKT_EXTENSION_NOT_FOUND');
  });

  it('downloads to a file, checking signature and sha512 while streaming, with progress', async () => {
    const client = createRegistryClient({ registry: reg.url, publicKey: reg.server.publicKeyPem });
    const v = (await client.describe('client-hook')).versions[1];
    const progress: number[] = [];
    const to = join(work, 'ok.tgz');
    const result = await client.download(v.id, { to, onProgress: (p) => progress.push(p.bytes) });
    expect(result).toMatchObject({ file: to, integrity: v.integrity, bytes: v.tarball_size });
    expect(progress.at(-1)).toBe(v.tarball_size);
    expect((await readFile(to)).length).toBe(v.tarball_size);
  });

  it('rejects a tarball whose bytes changed on the registry (MKT_INTEGRITY_MISMATCH) and removes the partial file', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const v = (await client.describe('client-hook')).versions[0];
    const stored = join(reg.dataDir, 'tarballs', `${v.id}.tgz`);
    const original = await readFile(stored);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 10] ^= 0xff;
    await writeFile(stored, tampered);
    try {
      const to = join(work, 'tampered.tgz');
      expect((await rejection(client.download(v.id, { to }))).code).toBe('MKT_INTEGRITY_MISMATCH');
      expect(existsSync(to)).toBe(false);
    } finally {
      await writeFile(stored, original);
    }
  });

  it('rejects metadata whose signature does not verify (MKT_BAD_SIGNATURE) before downloading', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const v = (await client.describe('client-hook')).versions[0];
    const to = join(work, 'badsig.tgz');
    const forged = { ...v, integrity: `sha512-${Buffer.alloc(64).toString('base64')}` };
    expect((await rejection(client.download(v.id, { to, version: forged }))).code).toBe('MKT_BAD_SIGNATURE');
    expect(existsSync(to)).toBe(false);

    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pinned = createRegistryClient({ registry: reg.url, publicKey: otherKey });
    expect((await rejection(pinned.download(v.id, { to }))).code).toBe('MKT_BAD_SIGNATURE');
    // A client given the registry's key requires signatures: an unsigned version is refused.
    const keyed = createRegistryClient({ registry: reg.url, publicKey: (await client.getPublicKey()).key });
    const unsigned = { ...v, signature: undefined };
    expect((await rejection(keyed.download(v.id, { to, version: unsigned }))).code).toBe('MKT_BAD_SIGNATURE');
    expect(existsSync(to)).toBe(false);
  });

  it('stops a download beyond maxBytes (MKT_DOWNLOAD_TOO_LARGE)', async () => {
    const client = createRegistryClient({ registry: reg.url });
    const v = (await client.describe('client-hook')).versions[1];
    const to = join(work, 'big.tgz');
    expect((await rejection(client.download(v.id, { to, maxBytes: 100 }))).code).toBe('MKT_DOWNLOAD_TOO_LARGE');
    expect(existsSync(to)).toBe(false);
  });

  it('refuses a registry that speaks another API version, and reports an unreachable one', async () => {
    const fake = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(req.url === '/version' ? { version: '2022-01-01' } : { meta: { filter_count: 0 }, data: [] }),
      );
    });
    await new Promise<void>((ok) => fake.listen(0, '127.0.0.1', ok));
    try {
      const client = createRegistryClient({ registry: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` });
      expect((await rejection(client.list())).code).toBe('MKT_REGISTRY_INCOMPATIBLE');
    } finally {
      fake.close();
    }
    const gone = createRegistryClient({ registry: 'http://127.0.0.1:9', timeoutMs: 2000 });
    expect((await rejection(gone.list())).code).toBe('MKT_REGISTRY_UNREACHABLE');
  });

  it('reports a malformed response as MKT_REGISTRY_BAD_RESPONSE', async () => {
    const fake = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/version' ? { version: '2024-01-29' } : { data: [{ id: 1 }] }));
    });
    await new Promise<void>((ok) => fake.listen(0, '127.0.0.1', ok));
    try {
      const client = createRegistryClient({ registry: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` });
      expect((await rejection(client.list())).code).toBe('MKT_REGISTRY_BAD_RESPONSE');
    } finally {
      fake.close();
    }
  });
});
