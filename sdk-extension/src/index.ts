// Browser- and sandbox-safe entry: define* helpers and types only (no node:* imports).
export * from './define.js';
export type * from './types/index.js';
