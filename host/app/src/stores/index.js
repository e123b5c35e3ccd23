import { defineSchemaStores } from './schema.js';
import { defineSystemStores } from './system.js';
import { defineAccessStores } from './access.js';
import { defineContentStores } from './content.js';

/** The stores Directus provides to extensions (`useStores()`), by the names Directus gives them. */
export const DIRECTUS_STORES = [
  'useAppStore',
  'useCollectionsStore',
  'useFieldsStore',
  'useFlowsStore',
  'useInsightsStore',
  'useLatencyStore',
  'useNotificationsStore',
  'usePermissionsStore',
  'usePresetsStore',
  'useRelationsStore',
  'useRequestsStore',
  'useServerStore',
  'useSettingsStore',
  'useTranslationsStore',
  'useUserStore',
];

/**
 * The stores extensions reach through `useStores()`, with the Directus names and the members
 * extensions call (plus `useExtensionsStore`). The user is loaded first (the others depend on who
 * it is), then the rest together; a store whose route the host lacks stays empty, never blocks login.
 */
export function createStores(api) {
  const system = defineSystemStores(api);
  const stores = {
    ...system,
    ...defineSchemaStores(api),
    ...defineAccessStores(api, system.useUserStore),
    ...defineContentStores(api, system.useUserStore),
  };
  const withHydrate = () =>
    Object.entries(stores)
      .filter(([name]) => name !== 'useUserStore')
      .map(([, use]) => use())
      .filter((s) => typeof s.hydrate === 'function');
  return {
    stores,
    /** Loads everything the app shows after login. */
    async hydrate() {
      const app = stores.useAppStore();
      app.hydrating = true;
      try {
        await stores.useUserStore().hydrate();
        await Promise.all(withHydrate().map((s) => s.hydrate()));
        app.hydrated = true;
        app.authenticated = true;
      } finally {
        app.hydrating = false;
      }
    },
    dehydrate() {
      for (const use of Object.values(stores)) {
        const s = use();
        if (typeof s.dehydrate === 'function') s.dehydrate();
      }
      Object.assign(stores.useAppStore(), { hydrated: false, authenticated: false });
    },
  };
}
