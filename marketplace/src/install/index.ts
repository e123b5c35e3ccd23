/*
 * `@annex/marketplace/install`: the installer side (install, update, rollback, the state file and its
 * recovery, lock files, trust and host checks), without the registry server. The root entry also
 * exports the server (koa, knex, the database layer); a host or a CLI command that only installs
 * imports this entry and `@annex/marketplace/client`, and loads none of that.
 */
export { createInstaller } from './installer.js';
export type { Installer, InstallerOptions, InstallResult, OperationOptions, UninstallResult } from './installer.js';
export type { InstallProgress, InstallPhase } from './stage.js';
export { checkTrust, isHostCompatible } from './checks.js';
export type { TrustLevel } from './checks.js';
export { recoverInstalls } from './recover.js';
export type { RecoveryReport } from './recover.js';
export { readInstallState, getActiveFolders, REGISTRY_DIR, STATE_FILE } from './state.js';
export type { InstallState, InstalledExtension, InstalledVersion } from './state.js';
export { LockFileSchema } from './lock.js';
export type { LockFile, ImportResult } from './lock.js';
export { DEFAULT_TAR_LIMITS } from '../internal/tar-policy.js';
export type { TarLimits } from '../internal/tar-policy.js';
export { MarketplaceErrors } from '../errors.js';
