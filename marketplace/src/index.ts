export { MarketplaceErrors } from './errors.js';
export type { MarketplaceErrorCode } from './errors.js';
export { createMarketplaceServer } from './server/create-server.js';
export type { MarketplaceServer, MarketplaceServerOptions } from './server/create-server.js';
export type { SeedResult } from './server/seeding.js';
export type { DatabaseOption } from './server/db.js';
export type { Logger } from './server/logger.js';
export { REGISTRY_API_VERSION } from './server/serialize.js';
export * from './client/index.js';
// The installer side has its own entry (`@annex/marketplace/install`), which loads no server module.
export * from './install/index.js';
export { packFolder } from './internal/pack.js';
export { getExecution } from './internal/extension-facts.js';
export type { Execution } from './internal/extension-facts.js';
