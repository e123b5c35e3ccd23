// @ts-check
import { crudRoutes, errors } from '@annex/host/builtins-support';

/** `/items/:collection` — Directus's item routes over the ItemsService. System collections have their own routes. */
export default {
  id: 'items',
  handler(router, { services }) {
    crudRoutes(router, {
      makeService: (collection, options) => new services.ItemsService(collection, options),
      guard(collection) {
        if (collection.startsWith('directus_')) throw errors.FORBIDDEN();
      },
      // Directus's `?version=<key>`: the item as its content version has it.
      readVersion: (req, collection, id, version, query) =>
        new services.VersionsService({ accountability: req.accountability, schema: req.schema }).readItem(
          collection,
          id,
          version,
          query,
        ),
    });
  },
};
