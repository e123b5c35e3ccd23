import { defineStore } from 'pinia';
import { loadList } from './load.js';

/** The app, its user, server and settings, request bookkeeping (Directus's store names and members). */
export function defineSystemStores(api) {
  const useAppStore = defineStore('appStore', {
    state: () => ({
      sidebarOpen: false,
      fullScreen: false,
      navbarOpen: true,
      notificationsDrawerOpen: false,
      basemap: 'OpenStreetMap',
      hydrated: false,
      hydrating: false,
      error: null,
      authenticated: false,
      accessTokenExpiry: 0,
    }),
  });

  /**
   * The user as Directus's store holds it: `role` an object (`{ id }`, with the access flags
   * Directus 9/10 kept on the role), whatever `/users/me` answered it as.
   */
  const asDirectusUser = (user) => {
    if (!user || typeof user !== 'object') return user;
    const role = user.role && typeof user.role === 'object' ? user.role : user.role ? { id: user.role } : null;
    return {
      ...user,
      role: role && { admin_access: user.admin_access === true, app_access: user.app_access !== false, ...role },
    };
  };

  const useUserStore = defineStore('userStore', {
    state: () => ({ currentUser: null, loading: false, error: null }),
    getters: {
      fullName: (s) =>
        s.currentUser
          ? [s.currentUser.first_name, s.currentUser.last_name].filter(Boolean).join(' ') || s.currentUser.email || null
          : null,
      // Directus 9/10 put admin_access on the role, Annex on the user: either counts.
      isAdmin: (s) => s.currentUser?.admin_access === true || s.currentUser?.role?.admin_access === true,
      /** Directus's: the user's language, else the project's default, else US English. */
      language() {
        return this.currentUser?.language || useServerStore().info?.project?.default_language || 'en-US';
      },
      /** Directus's: `rtl` for a right-to-left language. */
      textDirection() {
        return /^(ar|fa|he|ur|ps|yi|dv|ku|ug)\b/i.test(this.language) ? 'rtl' : 'ltr';
      },
    },
    actions: {
      async hydrate() {
        this.loading = true;
        try {
          this.currentUser = asDirectusUser((await api.get('/users/me')).data.data);
        } catch (e) {
          this.error = e;
          throw e;
        } finally {
          this.loading = false;
        }
      },
      dehydrate() {
        this.currentUser = null;
      },
      async hydrateAdditionalFields(fields) {
        const more = (await api.get('/users/me', { params: { fields } })).data.data ?? {};
        this.currentUser = asDirectusUser({ ...this.currentUser, ...more });
      },
      /** Directus records the last page a user saw; the app keeps it in memory. */
      trackPage(to) {
        if (this.currentUser)
          this.currentUser = { ...this.currentUser, last_page: typeof to === 'string' ? to : (to?.fullPath ?? null) };
      },
    },
  });

  const useServerStore = defineStore('serverStore', {
    state: () => ({ info: null, auth: { providers: [], disableDefault: false } }),
    actions: {
      async hydrate() {
        this.info = (await api.get('/server/info')).data.data;
      },
      dehydrate() {
        this.info = null;
      },
    },
  });

  const useSettingsStore = defineStore('settingsStore', {
    state: () => ({ settings: null }),
    actions: {
      async hydrate() {
        const data = await loadList(api, '/settings', undefined, null);
        this.settings = Array.isArray(data) ? (data[0] ?? {}) : (data ?? {});
      },
      dehydrate() {
        this.settings = null;
      },
      async updateSettings(updates) {
        const res = await api.patch('/settings', updates);
        const data = res.data.data;
        this.settings = { ...this.settings, ...(Array.isArray(data) ? data[0] : (data ?? updates)) };
        return this.settings;
      },
    },
  });

  let nextRequest = 0;
  const useRequestsStore = defineStore('requestsStore', {
    state: () => ({ queue: [] }),
    getters: { queueHasItems: (s) => s.queue.length > 0 },
    actions: {
      startRequest() {
        const id = `request-${++nextRequest}`;
        this.queue.push(id);
        return id;
      },
      endRequest(id) {
        this.queue = this.queue.filter((q) => q !== id);
      },
    },
  });

  const useLatencyStore = defineStore('latencyStore', {
    state: () => ({ latency: [] }),
    actions: {
      addLatency(entry) {
        this.latency = [...this.latency.slice(-19), entry];
      },
    },
  });

  const useTranslationsStore = defineStore('translationsStore', {
    state: () => ({ translations: [], loading: false }),
    actions: {
      /** Directus's custom translations (`/translations`): every `$t:<key>` string the app shows. */
      async hydrate() {
        this.loading = true;
        try {
          const res = await api.get('/translations', { params: { limit: -1, fields: 'language,key,value' } });
          this.translations = res.data.data ?? [];
        } catch {
          this.translations = []; // a user who may not read them sees the keys' own wording
        } finally {
          this.loading = false;
        }
      },
      dehydrate() {
        this.translations = [];
      },
      /** The value of a `$t:key` custom translation for a language, or null. */
      getTranslation(key, language = 'en-US') {
        return this.translations.find((t) => t.key === key && t.language === language)?.value ?? null;
      },
    },
  });

  return {
    useAppStore,
    useUserStore,
    useServerStore,
    useSettingsStore,
    useRequestsStore,
    useLatencyStore,
    useTranslationsStore,
  };
}
