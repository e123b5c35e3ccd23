import { randomBytes } from 'node:crypto';
import { parseManifest } from '@annex/runtime/protocol';
import { getManifestFacts, type ManifestFacts } from '../../../marketplace/src/internal/extension-facts.js';
import type { VersionRow } from '../../../marketplace/src/server/packages.js';
import type { TestRegistry } from '../../../marketplace/src/__tests__/helpers/fixtures.js';

export { rawTarball, packageEntries, type RawEntry } from '../../../marketplace/src/__tests__/helpers/raw-tar.js';
export { startRegistry, snapshotTree, tempDir, writeExtension } from '../../../marketplace/src/__tests__/helpers/fixtures.js';

/** A valid manifest for a sandboxed hook; `patch` is merged into `directus:extension`. */
export function manifest(name: string, patch: Record<string, unknown> = {}, version = '1.0.0'): Record<string, unknown> {
  return {
    name,
    version,
    license: 'MIT',
    'directus:extension': { type: 'hook', path: 'dist/index.js', host: '^10.10.0 || ^11.0.0', sandbox: { enabled: true, requestedScopes: { log: {} } }, ...patch },
  };
}

/**
 * Plants a version straight into the registry's storage, signed by the registry, skipping every
 * publish-time check: what a compromised registry (or a stolen publish pipeline) could serve.
 * `claimed` is the manifest the registry's metadata describes; the tarball may say otherwise.
 */
export async function plant(reg: TestRegistry, claimed: Record<string, unknown>, tarball: Buffer, facts: Partial<ManifestFacts> = {}): Promise<VersionRow> {
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
