import { defineStore } from 'pinia';
import { loadList } from './load.js';

const FULL = (collection, action) => ({ collection, action, fields: ['*'], permissions: {}, validation: {}, presets: null, access: 'full' });

/** Permissions and presets (Directus's store names and members). */
export function defineAccessStores(api, useUserStore) {
  const usePermissionsStore = defineStore('permissionsStore', {
    state: () => ({ permissions: [] }),
    actions: {
      async hydrate() {
        this.permissions = await loadList(api, '/permissions/me');
      },
      dehydrate() {
        this.permissions = [];
      },
      /** The permission row for a collection and action (administrators: full access), or null. */
      getPermission(collection, action) {
        if (useUserStore().isAdmin) return FULL(collection, action);
        return (Array.isArray(this.permissions) ? this.permissions : []).find((p) => p.collection === collection && p.action === action) ?? null;
      },
      hasPermission(collection, action) {
        return this.getPermission(collection, action) !== null;
      },
    },
  });

  let localId = 0;
  // Annex has no /presets route: presets (layout, query, bookmarks) live in the app for the session.
  const usePresetsStore = defineStore('presetsStore', {
    state: () => ({ collectionPresets: [] }),
    getters: {
      bookmarks: (s) => s.collectionPresets.filter((p) => p.bookmark),
    },
    actions: {
      async hydrate() {},
      dehydrate() {
        this.collectionPresets = [];
      },
      getPresetForCollection(collection) {
        const userId = useUserStore().currentUser?.id ?? null;
        const mine = this.collectionPresets.filter((p) => p.collection === collection && !p.bookmark);
        return mine.find((p) => p.user === userId) ?? mine.find((p) => p.role) ?? mine.find((p) => !p.user && !p.role) ?? { collection, bookmark: null, layout: null, layout_query: null, layout_options: null, filter: null, search: null, user: userId };
      },
      getBookmark(id) {
        return this.collectionPresets.find((p) => p.id === id) ?? null;
      },
      async savePreset(preset) {
        const saved = { ...preset, id: preset.id ?? `local-${++localId}`, user: preset.user ?? useUserStore().currentUser?.id ?? null };
        const i = this.collectionPresets.findIndex((p) => p.id === saved.id);
        if (i === -1) this.collectionPresets.push(saved);
        else this.collectionPresets[i] = saved;
        return saved;
      },
      create(preset) {
        return this.savePreset({ ...preset, id: undefined });
      },
      update(id, updates) {
        return this.savePreset({ ...this.getBookmark(id), ...updates, id });
      },
      delete(ids) {
        const gone = new Set(Array.isArray(ids) ? ids : [ids]);
        this.collectionPresets = this.collectionPresets.filter((p) => !gone.has(p.id));
      },
    },
  });

  return { usePermissionsStore, usePresetsStore };
}
