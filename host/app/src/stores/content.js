import { defineStore } from 'pinia';
import { loadList } from './load.js';

/** Notifications, flows, insights and extensions (Directus's store names and members). */
export function defineContentStores(api, useUserStore) {
  let nextNotification = 0;
  const timers = new Map();
  const useNotificationsStore = defineStore('notificationsStore', {
    state: () => ({ dialogs: [], queue: [], previousQueue: [], unread: 0 }),
    getters: {
      lastFour: (s) => s.queue.slice(-4).reverse(),
    },
    actions: {
      async hydrate() {
        await this.getUnreadCount();
      },
      dehydrate() {
        this.$reset();
      },
      /** `{title, text, type: info|success|warning|error, persist, dialog, icon, closeable}` → its id. */
      add(notification) {
        const id = `notification-${++nextNotification}`;
        const entry = { type: 'info', closeable: true, persist: false, ...notification, id, timestamp: Date.now() };
        if (entry.dialog) this.dialogs = [...this.dialogs, entry];
        else this.queue = [...this.queue, entry];
        // Directus keeps a non-persistent notification a few seconds.
        if (!entry.persist && !entry.dialog)
          timers.set(
            id,
            setTimeout(() => this.remove(id), 3000 + String(entry.text ?? '').length * 20),
          );
        return id;
      },
      /** Directus's: takes a notification off the screen (as `remove`). */
      hide(id) {
        this.remove(id);
      },
      /** Directus's: changes a shown notification (its text, type, …). */
      update(id, updates) {
        const patch = (list) => list.map((n) => (n.id === id ? { ...n, ...updates, id } : n));
        this.queue = patch(this.queue);
        this.dialogs = patch(this.dialogs);
      },
      remove(id) {
        clearTimeout(timers.get(id));
        timers.delete(id);
        const gone = this.queue.find((n) => n.id === id);
        if (gone) this.previousQueue = [...this.previousQueue, gone].slice(-20);
        this.queue = this.queue.filter((n) => n.id !== id);
        this.dialogs = this.dialogs.filter((n) => n.id !== id);
      },
      async getUnreadCount() {
        const me = useUserStore().currentUser?.id;
        if (!me) return 0;
        const rows = await loadList(api, '/notifications', {
          filter: { recipient: { _eq: me }, status: { _eq: 'inbox' } },
          fields: ['id'],
          limit: -1,
        });
        this.unread = Array.isArray(rows) ? rows.length : 0;
        return this.unread;
      },
      setUnreadCount(count) {
        this.unread = count;
      },
      /** Directus's name for reading the unread count again. */
      refreshUnreadCount() {
        return this.getUnreadCount();
      },
    },
  });

  const useFlowsStore = defineStore('flowsStore', {
    state: () => ({ flows: [] }),
    actions: {
      async hydrate() {
        this.flows = await loadList(api, '/flows', { limit: -1 });
      },
      dehydrate() {
        this.flows = [];
      },
      /** Active flows with a manual trigger offered on this collection. */
      getManualFlowsForCollection(collection) {
        return this.flows.filter(
          (f) =>
            f.trigger === 'manual' && f.status !== 'inactive' && (f.options?.collections ?? []).includes(collection),
        );
      },
    },
  });

  const useInsightsStore = defineStore('insightsStore', {
    // `variables`: the open dashboard's variables (Directus's variable panels set them; other
    // panels' options name them as `{{ key }}`).
    state: () => ({ dashboards: [], panels: [], loading: false, errors: [], variables: {} }),
    actions: {
      async hydrate() {
        this.loading = true;
        [this.dashboards, this.panels] = await Promise.all([
          loadList(api, '/dashboards', { limit: -1 }),
          loadList(api, '/panels', { limit: -1 }),
        ]);
        this.loading = false;
      },
      dehydrate() {
        this.$reset();
      },
      refresh() {
        return this.hydrate();
      },
      getDashboard(id) {
        return this.dashboards.find((d) => d.id === id) ?? null;
      },
      getPanelsForDashboard(id) {
        return this.panels.filter((p) => p.dashboard === id);
      },
      getVariable(field) {
        return this.variables[field];
      },
      setVariable(field, value) {
        this.variables = { ...this.variables, [field]: value };
      },
      /** A dashboard opens with its variable panels' defaults and nothing else. */
      resetVariables(defaults = {}) {
        this.variables = { ...defaults };
      },
    },
  });

  const useExtensionsStore = defineStore('extensionsStore', {
    state: () => ({ extensions: [], loading: false, error: null }),
    actions: {
      async hydrate() {
        if (useUserStore().isAdmin) await this.fetchExtensions();
      },
      dehydrate() {
        this.$reset();
      },
      async fetchExtensions() {
        this.loading = true;
        try {
          this.extensions = (await api.get('/extensions')).data.data ?? [];
          this.error = null;
        } catch (e) {
          this.error = e;
        } finally {
          this.loading = false;
        }
      },
      getExtension(id) {
        return this.extensions.find((e) => e.id === id || e.schema?.name === id || e.meta?.folder === id) ?? null;
      },
      async toggleState(id) {
        const ext = this.getExtension(id);
        if (!ext) return;
        await api.patch(`/extensions/${ext.id}`, { meta: { enabled: !ext.meta?.enabled } });
        await this.fetchExtensions();
      },
    },
  });

  return { useNotificationsStore, useFlowsStore, useInsightsStore, useExtensionsStore };
}
