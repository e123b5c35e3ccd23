export { createRegistryClient, SUPPORTED_REGISTRY_VERSION } from './client.js';
export type {
  RegistryClient,
  RegistryClientOptions,
  DownloadOptions,
  DownloadProgress,
  DownloadResult,
} from './client.js';
export type { Account, ExtensionDetails, ExtensionVersion, ListItem, ListQuery, ListResult } from './schemas.js';
export { publishFolder, seedFromDirectory, buildPublishBody } from './publish.js';
export type { PublishResult } from './publish.js';
export { MarketplaceErrors } from '../errors.js';
