import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../marketplace/src/client/client.js';
import { publishFolder } from '../../../marketplace/src/client/publish.js';
import { createInstaller, type InstallerOptions } from '../../../marketplace/src/install/installer.js';
import { signaturePayload } from '../../../marketplace/src/internal/signing.js';
import type { TestRegistry } from '../../../marketplace/src/__tests__/helpers/fixtures.js';
import {
  manifest,
  packageEntries,
  plant,
  rawTarball,
  snapshotTree,
  startRegistry,
  tempDir,
  uniqueName,
  writeExtension,
  type RawEntry,
} from './helpers.js';

/**
 * Malicious and broken packages, each served by a registry that signs them (a compromised registry
 * or publish pipeline), each refused by the installer with its own code, leaving the disk as it was.
 */
interface Case {
  title: string;
  code: string;
  /** Builds the package: what the registry claims, and the tarball it serves. */
  build(name: string, marker: string): Promise<{ claimed: Record<string, unknown>; tarball: Buffer }>;
  /** Tampers with the registry after the version was stored. */
  after?(reg: TestRegistry, versionId: string): Promise<void>;
  installer?: Partial<InstallerOptions>;
  /** Paths that must not exist afterwards (where an escape would have written). */
  escapes?(marker: string, root: string): string[];
}

const ok = (name: string, extra: RawEntry[] = []) => rawTarball(packageEntries(manifest(name), extra));
const honest = async (name: string, extra: RawEntry[] = [], patch: Record<string, unknown> = {}) => {
  const claimed = manifest(name, patch);
  return { claimed, tarball: await rawTarball(packageEntries(claimed, extra)) };
};

const cases: Case[] = [
  {
    title: 'path traversal (package/../../..)',
    code: 'MKT_TAR_PATH_TRAVERSAL',
    build: (name, marker) =>
      honest(name, [{ path: `package/../../../../../../../../../../tmp/${marker}-traversal.txt`, content: 'pwned' }]),
    escapes: (marker) => [`/tmp/${marker}-traversal.txt`],
  },
  {
    title: 'path traversal with backslashes (package\\..\\..)',
    code: 'MKT_TAR_PATH_TRAVERSAL',
    build: (name, marker) => honest(name, [{ path: `package\\..\\..\\${marker}-bs.txt`, content: 'pwned' }]),
  },
  {
    title: 'absolute path',
    code: 'MKT_TAR_ABSOLUTE_PATH',
    build: (name, marker) => honest(name, [{ path: `/tmp/${marker}-absolute.txt`, content: 'pwned' }]),
    escapes: (marker) => [`/tmp/${marker}-absolute.txt`],
  },
  {
    title: 'symbolic link to /etc/passwd',
    code: 'MKT_TAR_SYMLINK',
    build: (name) => honest(name, [{ path: 'package/dist/passwd', type: '2', linkpath: '/etc/passwd' }]),
  },
  {
    title: 'symlinked folder followed by a write through it',
    code: 'MKT_TAR_SYMLINK',
    build: (name, marker) =>
      honest(name, [
        { path: 'package/out', type: '2', linkpath: '/tmp' },
        { path: `package/out/${marker}-via-link.txt`, content: 'pwned' },
      ]),
    escapes: (marker) => [`/tmp/${marker}-via-link.txt`],
  },
  {
    title: 'hard link to /etc/passwd',
    code: 'MKT_TAR_HARDLINK',
    build: (name) => honest(name, [{ path: 'package/dist/hard', type: '1', linkpath: '/etc/passwd' }]),
  },
  {
    title: 'character device',
    code: 'MKT_TAR_DEVICE',
    build: (name) => honest(name, [{ path: 'package/dev-null', type: '3' }]),
  },
  {
    title: 'FIFO',
    code: 'MKT_TAR_DEVICE',
    build: (name) => honest(name, [{ path: 'package/pipe', type: '6' }]),
  },
  {
    title: 'unsupported entry type (GNU sparse file)',
    code: 'MKT_TAR_UNSUPPORTED_ENTRY',
    build: (name) => honest(name, [{ path: 'package/sparse', type: 'S', content: 'x' }]),
  },
  {
    title: 'gzip bomb (64 MiB of zeros in ~64 KiB)',
    code: 'MKT_TAR_GZIP_BOMB',
    build: (name) => honest(name, [{ path: 'package/dist/zeros.bin', zeros: 64 * 1024 * 1024 }]),
  },
  {
    title: 'gzip bomb declaring more than the size cap',
    code: 'MKT_TAR_GZIP_BOMB',
    build: (name) => honest(name, [{ path: 'package/dist/zeros.bin', zeros: 8 * 1024 * 1024 }]),
    installer: { limits: { maxUnpackedBytes: 2 * 1024 * 1024 } },
  },
  {
    title: 'too many entries',
    code: 'MKT_TAR_TOO_MANY_ENTRIES',
    build: (name) =>
      honest(
        name,
        Array.from({ length: 80 }, (_, i) => ({ path: `package/many/f${i}.js`, content: `${i}` })),
      ),
    installer: { limits: { maxEntries: 50 } },
  },
  {
    title: 'unpacks beyond the size cap (incompressible data)',
    code: 'MKT_TAR_TOO_LARGE',
    build: (name) => honest(name, [{ path: 'package/dist/noise.bin', content: randomBytes(300 * 1024) }]),
    installer: { limits: { maxUnpackedBytes: 200 * 1024 } },
  },
  {
    title: 'duplicate package.json (a second manifest would override the first)',
    code: 'MKT_TAR_DUPLICATE_ENTRY',
    build: async (name) => {
      const claimed = manifest(name);
      const evil = manifest(name, { sandbox: { enabled: false } });
      return {
        claimed,
        tarball: await rawTarball([
          ...packageEntries(claimed),
          { path: 'package/package.json', content: JSON.stringify(evil) },
        ]),
      };
    },
  },
  {
    title: 'file where a folder is expected (case-folded clash)',
    code: 'MKT_TAR_DUPLICATE_ENTRY',
    build: (name) => honest(name, [{ path: 'package/DIST', content: 'x' }]),
  },
  {
    title: 'entry outside package/',
    code: 'MKT_TAR_LAYOUT',
    build: (name) => honest(name, [{ path: 'evil.js', content: 'x' }]),
  },
  {
    title: 'control characters in a path',
    code: 'MKT_TAR_BAD_PATH',
    build: (name) => honest(name, [{ path: 'package/dist/a\u0007b.js', content: 'x' }]),
  },
  {
    title: 'truncated archive',
    code: 'MKT_TAR_CORRUPT',
    build: async (name) => {
      const claimed = manifest(name);
      return {
        claimed,
        tarball: await rawTarball([...packageEntries(claimed), { path: 'package/big.js', content: 'x'.repeat(4000) }], {
          truncateTo: 2600,
        }),
      };
    },
  },
  {
    title: 'not a gzip at all',
    code: 'MKT_TAR_CORRUPT',
    build: async (name) => ({ claimed: manifest(name), tarball: randomBytes(2048) }),
  },
  {
    title: 'integrity mismatch (tarball replaced on the registry)',
    code: 'MKT_INTEGRITY_MISMATCH',
    build: (name) => honest(name),
    after: async (reg, versionId) => {
      const file = join(reg.dataDir, 'tarballs', `${versionId}.tgz`);
      await writeFile(file, await ok('something-else'));
    },
  },
  {
    title: 'bad signature (metadata re-signed with another key)',
    code: 'MKT_BAD_SIGNATURE',
    build: (name) => honest(name),
    after: async (reg, versionId) => {
      const row = await reg.server.db('mkt_versions').where({ id: versionId }).first();
      const ext = await reg.server.db('mkt_extensions').where({ id: row.extension_id }).first();
      const { privateKey } = generateKeyPairSync('ed25519');
      const forged = sign(
        null,
        signaturePayload({
          name: ext.name,
          version: row.version,
          integrity: row.integrity,
          manifestDigest: row.manifest_digest,
        }),
        privateKey,
      );
      await reg.server
        .db('mkt_versions')
        .where({ id: versionId })
        .update({ signature: forged.toString('base64') });
    },
  },
  {
    title: 'manifest differing from the registry metadata (version)',
    code: 'MKT_MANIFEST_MISMATCH',
    build: async (name) => ({
      claimed: manifest(name),
      tarball: await rawTarball(packageEntries(manifest(name, {}, '6.6.6'))),
    }),
  },
  {
    title: 'sandbox flag lied about (registry says sandboxed, code is not)',
    code: 'MKT_SANDBOX_MISMATCH',
    build: async (name) => ({
      claimed: manifest(name),
      tarball: await rawTarball(packageEntries(manifest(name, { sandbox: { enabled: false } }))),
    }),
  },
  {
    title: 'requested scopes lied about',
    code: 'MKT_SCOPES_MISMATCH',
    build: async (name) => ({
      claimed: manifest(name),
      tarball: await rawTarball(
        packageEntries(
          manifest(name, {
            sandbox: {
              enabled: true,
              requestedScopes: {
                log: {},
                request: { urls: ['http://169.254.169.254/'], methods: ['GET'], allowPrivate: true },
              },
            },
          }),
        ),
      ),
    }),
  },
  {
    title: 'incompatible host',
    code: 'MKT_INCOMPATIBLE_HOST',
    build: (name) => honest(name, [], { host: '^9.0.0' }),
  },
  {
    title: 'no package.json',
    code: 'MKT_MANIFEST_MISSING',
    build: async (name) => ({
      claimed: manifest(name),
      tarball: await rawTarball([{ path: 'package/dist/index.js', content: 'x' }]),
    }),
  },
  {
    title: 'invalid manifest inside the tarball',
    code: 'MKT_INVALID_MANIFEST',
    build: async (name) => ({
      claimed: manifest(name),
      tarball: await rawTarball(packageEntries({ name, version: '1.0.0', 'directus:extension': { type: 'hook' } })),
    }),
  },
  {
    title: 'entrypoint missing from the tarball',
    code: 'MKT_ENTRYPOINT_MISSING',
    build: async (name) => {
      const claimed = manifest(name);
      return {
        claimed,
        tarball: await rawTarball([{ path: 'package/package.json', content: JSON.stringify(claimed) }]),
      };
    },
  },
  {
    title: 'entrypoint pointing outside the package',
    code: 'MKT_ENTRYPOINT_INVALID',
    build: (name) => honest(name, [], { path: '../../../../etc/passwd' }),
  },
  {
    title: 'unsandboxed API code under MARKETPLACE_TRUST=sandbox',
    code: 'MKT_TRUST_DENIED',
    build: (name) => honest(name, [], { sandbox: { enabled: false } }),
  },
  {
    title: 'download larger than allowed',
    code: 'MKT_DOWNLOAD_TOO_LARGE',
    build: (name) => honest(name, [{ path: 'package/dist/noise.bin', content: randomBytes(64 * 1024) }]),
    installer: { limits: { maxDownloadBytes: 16 * 1024 } },
  },
];

let reg: TestRegistry;
let root: string;
let extensionsDir: string;
let good: { versionId: string; folder: string };

function installer(overrides: Partial<InstallerOptions> = {}) {
  return createInstaller({
    extensionsDir,
    client: createRegistryClient({ registry: reg.url, publicKey: reg.server.publicKeyPem }),
    trust: 'sandbox',
    hostVersion: DIRECTUS_COMPAT_VERSION,
    ...overrides,
  });
}

beforeAll(async () => {
  reg = await startRegistry();
  root = await tempDir('annex-sec-');
  extensionsDir = join(root, 'extensions');
  await mkdir(join(root, 'outside'), { recursive: true });
  await writeFile(join(root, 'outside', 'keep.txt'), 'untouched');
  // an already-installed extension whose state must survive every refused install
  await publishFolder(
    reg.url,
    await writeExtension(await tempDir(), { name: 'good-ext', sandbox: true, scopes: { log: {} } }),
    { token: reg.token },
  );
  const r = await installer().install('good-ext');
  good = { versionId: r.versionId, folder: r.folder };
});
afterAll(() => reg?.close());

describe('tarball security corpus', () => {
  it('covers at least 12 attacks, each with its own code for its kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    expect(new Set(cases.map((c) => c.code)).size).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('refuses: $title → $code', async (c) => {
    const name = uniqueName('evil');
    const marker = uniqueName('annex-escape');
    const { claimed, tarball } = await c.build(name, marker);
    const version = await plant(reg, claimed, tarball);
    await c.after?.(reg, version.id);

    const before = await snapshotTree(root);
    const inst = installer(c.installer);
    const listed = await inst.listInstalled();
    const error = await inst.install(name, version.id).then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    expect(error?.code).toBe(c.code);
    // the disk is exactly as it was: nothing new in the extensions folder, staging cleaned, nothing outside
    expect(await snapshotTree(root)).toEqual(before);
    expect(await inst.listInstalled()).toEqual(listed);
    expect(existsSync(join(extensionsDir, '.annex-staging'))).toBe(false);
    for (const path of c.escapes?.(marker, root) ?? []) expect(existsSync(path)).toBe(false);
    expect(JSON.parse(await readFile(join(good.folder, 'package.json'), 'utf8')).name).toBe('good-ext');
  });

  it('clamps modes: setuid and world-writable bits never reach the disk', async () => {
    const name = uniqueName('modes');
    const claimed = manifest(name);
    const tarball = await rawTarball([
      { path: 'package/package.json', content: JSON.stringify(claimed), mode: 0o666 },
      { path: 'package/dist/index.js', content: 'export default () => {};', mode: 0o4777 },
      { path: 'package/bin/run', content: '#!/bin/sh\n', mode: 0o2775 },
    ]);
    const version = await plant(reg, claimed, tarball);
    const r = await installer().install(name, version.id);
    expect((await stat(join(r.folder, 'package.json'))).mode & 0o7777).toBe(0o644);
    expect((await stat(join(r.folder, 'dist/index.js'))).mode & 0o7777).toBe(0o755);
    expect((await stat(join(r.folder, 'bin/run'))).mode & 0o7777).toBe(0o755);
    expect((await stat(join(r.folder, 'dist'))).mode & 0o7777).toBe(0o755);
    await installer().uninstall(name);
  });

  it('a refused update keeps the previous version current and its files intact', async () => {
    const name = uniqueName('update');
    const v1 = await plant(reg, manifest(name), await rawTarball(packageEntries(manifest(name))));
    const installed = await installer().install(name, v1.id);
    const before = await snapshotTree(root);
    const claimed2 = manifest(name, {}, '1.1.0');
    const v2 = await plant(
      reg,
      claimed2,
      await rawTarball(packageEntries(claimed2, [{ path: 'package/dist/x', type: '2', linkpath: '/' }])),
    );
    const error = await installer()
      .update(name)
      .then(
        () => undefined,
        (e: { code?: string }) => e,
      );
    expect(error?.code).toBe('MKT_TAR_SYMLINK');
    expect(v2.version).toBe('1.1.0');
    expect(await snapshotTree(root)).toEqual(before);
    expect((await installer().listInstalled()).find((e) => e.name === name)?.current).toBe(installed.versionId);
    expect(good.versionId).toBeTruthy();
  });
});
