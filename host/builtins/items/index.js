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
    });
  },
};
