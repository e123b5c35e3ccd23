// @ts-check
/*
 * Where the app shows a collection and an item (Directus's getCollectionRoute / getItemRoute, an
 * Annex extra of the SDK): users and files in their own modules, the system collections with a
 * settings page there, every other collection (system ones included) in the content module.
 */
const SYSTEM_ROUTES = /** @type {Record<string, { route: string; singleton?: boolean }>} */ ({
  directus_users: { route: '/users' },
  directus_files: { route: '/files' },
  directus_dashboards: { route: '/insights' },
  directus_activity: { route: '/settings/activity' },
  directus_collections: { route: '/settings/data-model' },
  directus_translations: { route: '/settings/translations', singleton: true },
  directus_flows: { route: '/settings/flows' },
});

/** @param {string | null} collection */
export function getCollectionRoute(collection) {
  if (collection === null) return '';
  return SYSTEM_ROUTES[collection]?.route ?? `/content/${collection}`;
}

/** @param {string | null} collection @param {string | number} primaryKey */
export function getItemRoute(collection, primaryKey) {
  if (collection === null) return '';
  const base = getCollectionRoute(collection);
  if (SYSTEM_ROUTES[collection]?.singleton) return base;
  return `${base}/${primaryKey === '+' ? '+' : encodeURIComponent(String(primaryKey))}`;
}
