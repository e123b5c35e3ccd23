// @ts-check
/**
 * Whether the app's user may take `action` on `collection`: an administrator always; anyone else
 * as their permission rows say, or `unknown` where the permissions store cannot say.
 * @param {any} stores useStores() @param {string} collection @param {string} action @param {boolean} unknown
 */
export function mayDo(stores, collection, action, unknown) {
  if (stores.useUserStore().isAdmin === true) return true;
  const perms = stores.usePermissionsStore?.();
  return typeof perms?.hasPermission === 'function' ? perms.hasPermission(collection, action) : unknown;
}
