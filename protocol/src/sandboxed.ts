import type { ExtensionOptions } from './manifest.js';

export { EXTENSION_PKG_KEY } from './constants.js';

/**
 * True when the manifest asks to run in the sandbox (bundles never do, as in Directus). Its own
 * module, without zod (`@annex/protocol/sandboxed`): `annex start` asks it of every package.json
 * before it loads anything else.
 */
export function isSandboxed(options: ExtensionOptions): boolean {
  return options.type !== 'bundle' && 'sandbox' in options && options.sandbox?.enabled === true;
}
