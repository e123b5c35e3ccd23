import { randomBytes } from 'node:crypto';
import { parseManifest } from '@annex/protocol';
import { getManifestFacts, type ManifestFacts } from '../../../marketplace/src/internal/extension-facts.js';
import type { VersionRow } from '../../../marketplace/src/server/packages.js';
import type { TestRegistry } from '../../../marketplace/src/__tests__/helpers/fixtures.js';

import { crc32, deflateRawSync, gunzipSync } from 'node:zlib';
import { header, rawTarball, type RawEntry } from '../../../marketplace/src/__tests__/helpers/raw-tar.js';

export { rawTarball, packageEntries, type RawEntry } from '../../../marketplace/src/__tests__/helpers/raw-tar.js';
export {
  startRegistry,
  snapshotTree,
  tempDir,
  writeExtension,
} from '../../../marketplace/src/__tests__/helpers/fixtures.js';

/** A valid manifest for a sandboxed hook; `patch` is merged into `directus:extension`. */
export function manifest(
  name: string,
  patch: Record<string, unknown> = {},
  version = '1.0.0',
): Record<string, unknown> {
  return {
    name,
    version,
    license: 'MIT',
    'directus:extension': {
      type: 'hook',
      path: 'dist/index.js',
      host: '^10.10.0 || ^11.0.0',
      sandbox: { enabled: true, requestedScopes: { log: {} } },
      ...patch,
    },
  };
}

/**
 * Plants a version straight into the registry's storage, signed by the registry, skipping every
 * publish-time check: what a compromised registry (or a stolen publish pipeline) could serve.
 * `claimed` is the manifest the registry's metadata describes; the tarball may say otherwise.
 */
export async function plant(
  reg: TestRegistry,
  claimed: Record<string, unknown>,
  tarball: Buffer,
  facts: Partial<ManifestFacts> = {},
): Promise<VersionRow> {
  const parsed = parseManifest(claimed);
  if (!parsed.ok) throw new Error(`test bug: claimed manifest invalid: ${JSON.stringify(parsed.issues)}`);
  const alice = await reg.server.store.accounts.get('alice');
  return reg.server.store.packages.insertVersion(
    {
      publisherId: alice.id,
      facts: { ...getManifestFacts(parsed.manifest), ...facts },
      description: 'planted',
      readme: null,
      license: 'MIT',
      urls: { bugs: null, homepage: null, repository: null },
      packageJson: claimed,
      unpackedSize: 1024,
      fileCount: 2,
      tag: 'latest',
    },
    tarball,
  );
}

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** One PAX extended-header record (`<len> key=value\n`, the length counting itself). */
export function pax(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let n = Buffer.byteLength(body) + 1;
  while (String(n).length + Buffer.byteLength(body) !== n) n++;
  return `${n}${body}`;
}

/**
 * The inner stream X of a gzip/tar polyglot (gzip it for the whole tarball). X is a plain tar (T1)
 * whose first header's name field is a gzip member header with FEXTRA covering all of T1, followed
 * by deflate(T2) and its trailer. `inspectTarball` gunzips and feeds X to tar's Parser, which sniffs
 * the gzip magic AGAIN → sees T2. `tar.extract({file})` gunzips once → sees T1. Policy checks run on
 * T2, the disk gets T1.
 */
export async function polyglotInner(t1: RawEntry[], t2: RawEntry[]): Promise<Buffer> {
  const raw = async (e: RawEntry[]) => gunzipSync(await rawTarball(e));
  const paxBody = Buffer.alloc(512);
  paxBody.write(pax('comment', 'x'));
  const body = Buffer.concat([
    header({ path: 'A'.repeat(12), type: 'x' }, Buffer.byteLength(pax('comment', 'x'))),
    paxBody,
    await raw(t1),
  ]);
  const xlen = body.length - 12;
  Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, xlen & 0xff, xlen >> 8]).copy(body, 0);
  body.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += body[i]!;
  body.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const t2raw = await raw(t2);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(t2raw), 0);
  trailer.writeUInt32LE(t2raw.length, 4);
  return Buffer.concat([body, deflateRawSync(t2raw), trailer]);
}
