// Directus serves system collections on their own routes (directus_files -> /files), not under /items.
export function getEndpoint(collection) {
  return collection.startsWith('directus_') ? `/${collection.slice('directus_'.length)}` : `/items/${collection}`;
}
