export { MarketplaceErrors } from './errors.js';
export type { MarketplaceErrorCode } from './errors.js';
export { createMarketplaceServer } from './server/create-server.js';
export type { MarketplaceServer, MarketplaceServerOptions } from './server/create-server.js';
export type { SeedResult } from './server/seeding.js';
export type { DatabaseOption } from './server/db.js';
export type { Logger } from './server/logger.js';
export { REGISTRY_API_VERSION } from './server/serialize.js';
export * from './client/index.js';
export { createInstaller } from './install/installer.js';
export type {
  Installer,
  InstallerOptions,
  InstallResult,
  OperationOptions,
  UninstallResult,
} from './install/installer.js';
export type { InstallProgress, InstallPhase } from './install/stage.js';
export { checkTrust, isHostCompatible } from './install/checks.js';
export type { TrustLevel } from './install/checks.js';
export { recoverInstalls } from './install/recover.js';
export type { RecoveryReport } from './install/recover.js';
export { readInstallState, getActiveFolders, REGISTRY_DIR, STATE_FILE } from './install/state.js';
export type { InstallState, InstalledExtension, InstalledVersion } from './install/state.js';
export { LockFileSchema } from './install/lock.js';
export type { LockFile, ImportResult } from './install/lock.js';
export { DEFAULT_TAR_LIMITS } from './internal/tar-policy.js';
export type { TarLimits } from './internal/tar-policy.js';
export { packFolder } from './internal/pack.js';
export { getExecution } from './internal/extension-facts.js';
export type { Execution } from './internal/extension-facts.js';
