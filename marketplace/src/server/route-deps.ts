import type { Context } from 'koa';
import type { TarLimits } from '../internal/tar-policy.js';
import type { Signer } from '../internal/signing.js';
import type { AccountRow, Accounts } from './accounts.js';
import type { Logger } from './logger.js';
import type { Packages, VersionRow } from './packages.js';

/** What route modules receive from the server factory (no module-level state). */
export interface RouteDeps {
  accounts: Accounts;
  packages: Packages;
  signer: Signer;
  logger: Logger;
  allowSignup: boolean;
  maxPublishBytes: number;
  tarLimits: Partial<TarLimits>;
  /** Origin used in tarball URLs (the configured public URL, or the request's origin). */
  baseUrl(ctx: Context): string;
  requireAccount(ctx: Context): Promise<AccountRow>;
  requireAdmin(ctx: Context): Promise<void>;
  /** Streams a version's tarball and counts the download. */
  sendTarball(ctx: Context, version: VersionRow): Promise<void>;
}
