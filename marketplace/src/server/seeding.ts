import { isCodedError, toErrorRecord, type ErrorRecord } from '@annex/protocol';
import { listExtensionFolders, packFolder } from '../internal/pack.js';
import type { TarLimits } from '../internal/tar-policy.js';
import type { Accounts } from './accounts.js';
import type { Logger } from './logger.js';
import type { Packages } from './packages.js';
import { publishTarball } from './publish.js';

export interface SeedResult {
  folder: string;
  name: string;
  version: string;
  /** `failed` only from `seedFromDirectory`, which keeps going past broken folders. */
  status: 'published' | 'exists' | 'failed';
  versionId?: string;
  error?: ErrorRecord;
}

/** In-process publishing of extension folders (no HTTP, no token), for seeding a local marketplace. */
export function createServerSeeding(deps: {
  accounts: Accounts;
  packages: Packages;
  tarLimits: Partial<TarLimits>;
  logger: Logger;
}) {
  async function publishFolder(
    folder: string,
    options: { username: string; tag?: string; verified?: boolean },
  ): Promise<SeedResult> {
    const account = await deps.accounts.ensure({ username: options.username, verified: options.verified });
    const { tarball, pkg } = await packFolder(folder);
    const name = String(pkg.name);
    const version = String(pkg.version);
    try {
      const row = await publishTarball(deps.packages, {
        publisherId: account.id,
        tarball,
        tag: options.tag,
        versionDoc: pkg,
        tarLimits: deps.tarLimits,
      });
      deps.logger.info({ name, version, folder }, 'seeded');
      return { folder, name, version, status: 'published', versionId: row.id };
    } catch (error) {
      if (isCodedError(error) && error.code === 'MKT_VERSION_EXISTS')
        return { folder, name, version, status: 'exists' };
      throw error;
    }
  }

  async function seedFromDirectory(
    dir: string,
    options: { username: string; verified?: boolean },
  ): Promise<SeedResult[]> {
    const results: SeedResult[] = [];
    for (const { folder, pkg } of await listExtensionFolders(dir)) {
      try {
        results.push(await publishFolder(folder, options));
      } catch (error) {
        deps.logger.warn({ folder, err: error }, 'not seeded');
        results.push({
          folder,
          name: String(pkg.name),
          version: String(pkg.version),
          status: 'failed',
          error: toErrorRecord(error),
        });
      }
    }
    return results;
  }

  return { publishFolder, seedFromDirectory };
}
