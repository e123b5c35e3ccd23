export { createHost, BUILTINS_PATH, type Host, type HostOptions } from './host.js';
export { readConfig, type HostConfig } from './config.js';
export { errors } from './errors.js';
export type { Accountability } from './auth/accountability.js';
export type { Kernel } from './kernel.js';
export type { ExtensionState, ExtensionSource } from './extensions/types.js';
