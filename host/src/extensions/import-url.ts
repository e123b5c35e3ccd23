/**
 * Imports an ES module by URL (an extension's migration, an entry with top-level await). Kept in its
 * own file: the bundled host (scripts/bundle-host.mjs) is compiled as a script with no dynamic-import
 * hook, so it leaves this module outside and calls it.
 */
export function importUrl(url: string): Promise<unknown> {
  return import(url);
}
