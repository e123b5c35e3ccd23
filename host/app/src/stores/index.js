import { defineStore } from 'pinia';

/**
 * The stores extensions reach through `useStores()`, with the Directus names and the members
 * extensions use most. Each is loaded by the app after login (`hydrate`).
 */
export function createStores(api) {
  const useUserStore = defineStore('userStore', {
    state: () => ({ currentUser: null }),
    getters: { isAdmin: (s) => s.currentUser?.admin_access === true },
    actions: {
      async hydrate() {
        this.currentUser = (await api.get('/users/me')).data.data;
      },
      dehydrate() {
        this.currentUser = null;
      },
    },
  });

  const useCollectionsStore = defineStore('collectionsStore', {
    state: () => ({ collections: [] }),
    getters: {
      visibleCollections: (s) => s.collections.filter((c) => !c.collection.startsWith('directus_') && c.meta?.hidden !== true),
    },
    actions: {
      async hydrate() {
        this.collections = (await api.get('/collections')).data.data ?? [];
      },
      getCollection(name) {
        return this.collections.find((c) => c.collection === name) ?? null;
      },
    },
  });

  const useFieldsStore = defineStore('fieldsStore', {
    state: () => ({ fields: [] }),
    actions: {
      async hydrate() {
        this.fields = (await api.get('/fields')).data.data ?? [];
      },
      getFieldsForCollection(collection) {
        return this.fields.filter((f) => f.collection === collection).sort((a, b) => (a.meta?.sort ?? 0) - (b.meta?.sort ?? 0));
      },
      getField(collection, field) {
        return this.fields.find((f) => f.collection === collection && f.field === field) ?? null;
      },
      getPrimaryKeyFieldForCollection(collection) {
        return this.fields.find((f) => f.collection === collection && f.schema?.is_primary_key) ?? null;
      },
    },
  });

  // Annex has no relations REST yet: relational interfaces get an empty list.
  const useRelationsStore = defineStore('relationsStore', {
    state: () => ({ relations: [] }),
    actions: {
      async hydrate() {},
      getRelationsForCollection(collection) {
        return this.relations.filter((r) => r.collection === collection || r.related_collection === collection);
      },
      getRelationsForField(collection, field) {
        return this.relations.filter((r) => (r.collection === collection && r.field === field) || (r.related_collection === collection && r.meta?.one_field === field));
      },
    },
  });

  const useSettingsStore = defineStore('settingsStore', {
    state: () => ({ settings: null }),
    actions: {
      async hydrate() {
        const data = (await api.get('/settings').catch(() => ({ data: { data: null } }))).data.data;
        this.settings = Array.isArray(data) ? (data[0] ?? {}) : (data ?? {});
      },
    },
  });

  const useServerStore = defineStore('serverStore', {
    state: () => ({ info: null }),
    actions: {
      async hydrate() {
        this.info = (await api.get('/server/info')).data.data;
      },
    },
  });

  const usePermissionsStore = defineStore('permissionsStore', {
    state: () => ({ permissions: [] }),
    actions: {
      async hydrate() {
        this.permissions = (await api.get('/permissions/me').catch(() => ({ data: { data: [] } }))).data.data ?? [];
      },
      hasPermission(collection, action) {
        return this.permissions.some((p) => p.collection === collection && p.action === action);
      },
    },
  });

  const stores = { useUserStore, useCollectionsStore, useFieldsStore, useRelationsStore, useSettingsStore, useServerStore, usePermissionsStore };
  return {
    stores,
    /** Loads everything the app shows after login. */
    async hydrate() {
      await Promise.all(Object.values(stores).map((use) => use().hydrate()));
    },
    dehydrate() {
      useUserStore().dehydrate();
    },
  };
}
