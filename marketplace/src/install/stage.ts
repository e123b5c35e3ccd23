import { join } from 'node:path';
import type { RegistryClient } from '../client/client.js';
import type { ExtensionVersion } from '../client/schemas.js';
import type { ManifestFacts } from '../internal/extension-facts.js';
import { PACKAGE_ROOT, type TarLimits } from '../internal/tar-policy.js';
import { checkHost, checkTrust, compareWithRegistry, readExtractedManifest, type TrustLevel } from './checks.js';
import { extractPackage } from './extract.js';

export type InstallPhase = 'resolve' | 'download' | 'verify' | 'extract' | 'move' | 'done';

export interface InstallProgress {
  phase: InstallPhase;
  /** Package name. */
  extension: string;
  bytes?: number;
  total?: number;
}

export interface StageInput {
  client: RegistryClient;
  name: string;
  version: ExtensionVersion;
  /** Operation folder (inside the staging folder); everything is written below it. */
  opDir: string;
  trust: TrustLevel;
  hostVersion: string;
  force: boolean;
  limits: Partial<TarLimits> & { maxDownloadBytes?: number };
  onProgress: (p: InstallProgress) => void;
  signal?: AbortSignal;
}

/**
 * Download → verify (signature, then sha512 while streaming) → extract under the tar policy →
 * re-read the manifest and hold it against the registry's signed metadata → trust and host
 * checks on what was actually shipped. Returns the verified package folder, still in staging.
 */
export async function stageVersion(
  input: StageInput,
): Promise<{ root: string; facts: ManifestFacts; integrity: string; signed: boolean }> {
  const { client, name, version, opDir, onProgress } = input;
  const tarball = join(opDir, 'package.tgz');
  onProgress({ phase: 'download', extension: name, bytes: 0, total: version.tarball_size ?? undefined });
  const downloaded = await client.download(version.id, {
    to: tarball,
    version: { ...version, name },
    sandbox: input.trust === 'sandbox',
    maxBytes: input.limits.maxDownloadBytes,
    signal: input.signal,
    onProgress: (p) => onProgress({ phase: 'download', extension: name, bytes: p.bytes, total: p.total }),
  });

  onProgress({ phase: 'extract', extension: name, bytes: 0, total: version.unpacked_size });
  const dest = join(opDir, 'unpacked');
  await extractPackage(tarball, dest, {
    limits: input.limits,
    onProgress: (p) => onProgress({ phase: 'extract', extension: name, bytes: p.bytes, total: p.total }),
  });

  onProgress({ phase: 'verify', extension: name });
  const root = join(dest, PACKAGE_ROOT);
  const facts = await readExtractedManifest(root);
  compareWithRegistry(facts, name, version);
  checkTrust(input.trust, {
    name,
    execution: facts.execution,
    publisherVerified: await client.publisherVerified(version),
  });
  checkHost(input.hostVersion, { name, host: facts.host }, input.force);
  return { root, facts, integrity: downloaded.integrity, signed: downloaded.verification.signed };
}
