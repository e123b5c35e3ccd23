export * from './constants.js';
export * from './errors.js';
export * from './envelope.js';
export * from './scopes.js';
export * from './manifest.js';
export * from './capabilities.js';
export * from './event-pattern.js';
