import { defineStore } from 'pinia';
import { loadList } from './load.js';

const FULL = (collection, action) => ({
  collection,
  action,
  fields: ['*'],
  permissions: {},
  validation: {},
  presets: null,
  access: 'full',
});

/** Permissions and presets (Directus's store names and members). */
export function defineAccessStores(api, useUserStore) {
  // Directus 11's store: `permissions` is `/permissions/me`'s map, collection → action →
  // `{ access: 'none' | 'partial' | 'full', fields, presets }`.
  const usePermissionsStore = defineStore('permissionsStore', {
    state: () => ({ permissions: {} }),
    actions: {
      async hydrate() {
        const data = await loadList(api, '/permissions/me');
        this.permissions = data && typeof data === 'object' && !Array.isArray(data) ? data : {};
      },
      dehydrate() {
        this.permissions = {};
      },
      /** What the caller may do with an action on a collection (administrators: full access), or null. */
      getPermission(collection, action) {
        if (useUserStore().isAdmin) return FULL(collection, action);
        const entry = this.permissions?.[collection]?.[action];
        if (!entry || entry.access === 'none') return null;
        return { collection, action, permissions: {}, validation: {}, presets: null, ...entry };
      },
      hasPermission(collection, action) {
        return this.getPermission(collection, action) !== null;
      },
    },
  });

  const JSON_FIELDS = ['layout_query', 'layout_options', 'filter'];
  /** A preset as the host stores it (JSON columns may come back as text on some databases). */
  const parsed = (row) => {
    const out = { ...row };
    for (const k of JSON_FIELDS) if (typeof out[k] === 'string') out[k] = JSON.parse(out[k]);
    return out;
  };
  // Presets (a collection's layout, its query and options; bookmarks) are kept on the host, per user,
  // in directus_presets: the choice follows the user to another browser.
  const usePresetsStore = defineStore('presetsStore', {
    state: () => ({ collectionPresets: [] }),
    getters: {
      bookmarks: (s) => s.collectionPresets.filter((p) => p.bookmark),
    },
    actions: {
      async hydrate() {
        this.collectionPresets = (await loadList(api, '/presets', { limit: -1 })).map(parsed);
      },
      dehydrate() {
        this.collectionPresets = [];
      },
      /** The user's own preset for a collection, else the role's, else everyone's, else a new one. */
      getPresetForCollection(collection) {
        const userId = useUserStore().currentUser?.id ?? null;
        const mine = this.collectionPresets.filter((p) => p.collection === collection && !p.bookmark);
        return (
          mine.find((p) => p.user === userId) ??
          mine.find((p) => !p.user && p.role) ??
          mine.find((p) => !p.user && !p.role) ?? {
            collection,
            bookmark: null,
            layout: null,
            layout_query: null,
            layout_options: null,
            filter: null,
            search: null,
            user: userId,
          }
        );
      },
      getBookmark(id) {
        return this.collectionPresets.find((p) => p.id === id) ?? null;
      },
      /**
       * Saves a preset: the user's own is updated, any other (a role's, everyone's, a new one) is
       * saved as a new preset of the user's, as Directus's app does.
       */
      async savePreset(preset) {
        const userId = useUserStore().currentUser?.id ?? null;
        const { id, user, role, ...values } = preset;
        const own = id != null && user === userId && !role;
        const res = own
          ? await api.patch(`/presets/${id}`, values)
          : await api.post('/presets', { ...values, user: userId });
        const saved = parsed(res.data.data);
        const i = this.collectionPresets.findIndex((p) => p.id === saved.id);
        if (i === -1) this.collectionPresets.push(saved);
        else this.collectionPresets[i] = saved;
        return saved;
      },
      async create(preset) {
        const { id, ...values } = preset;
        return this.savePreset(values);
      },
      async update(id, updates) {
        return this.savePreset({ ...this.getBookmark(id), ...updates, id });
      },
      async delete(ids) {
        const gone = Array.isArray(ids) ? ids : [ids];
        await api.delete('/presets', { data: gone });
        const set = new Set(gone);
        this.collectionPresets = this.collectionPresets.filter((p) => !set.has(p.id));
      },
    },
  });

  return { usePermissionsStore, usePresetsStore };
}
