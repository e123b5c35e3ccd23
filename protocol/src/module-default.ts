function hasDefault(value: unknown): value is { default: unknown } {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && 'default' in value;
}

/**
 * Directus's `getModuleDefault` (`mod.default` when there is one, else `mod`), plus one more
 * unwrap for CommonJS produced from ESM: its `module.exports` is `{ default: config }` (marked
 * `__esModule`, or holding nothing else), and importing it wraps it once more.
 */
export function getModuleDefault(mod: unknown): unknown {
  const value = hasDefault(mod) ? mod.default : mod;
  if (!hasDefault(value) || typeof value !== 'object') return value;
  const interop = (value as { __esModule?: unknown }).__esModule === true || Object.keys(value).length === 1;
  return interop ? value.default : value;
}
