import { createApp, markRaw, ref } from 'vue';
import { createPinia } from 'pinia';
import { createI18n } from 'vue-i18n';
import { installSdk, createSdkClient, getExtensionRefs } from '@directus/extensions-sdk';
import { createApi } from './api.js';
import { createStores } from './stores/index.js';
import { createRegistry } from './extensions/registry.js';
import { createAppRouter } from './router.js';
import { createThemeController } from './theme.js';
import { i18nMessages } from './translate.js';
import { BASE_DATETIME_FORMATS, BASE_MESSAGES, BASE_NUMBER_FORMATS } from './i18n-base.js';
import { registerBaseComponents } from './components/index.js';
import { syncModuleRoutes } from './extensions/module-routes.js';
import { createBoundaries } from './extensions/boundary.js';
import { registerExtensionComponents } from './extensions/global-components.js';
import App from './App.vue';
import './styles.css';

const pinia = createPinia();
const api = createApi({
  onUnauthorized: () => !router.currentRoute.value.meta.public && router.push({ name: 'login' }),
});
const { stores, hydrate, dehydrate } = createStores(api);
// Every extension component renders inside a boundary that reports its faults through the registry.
const boundaries = createBoundaries({ onFault: (fault) => registry.reportFault(fault) });
const registry = createRegistry({ api, boundaries });
const router = createAppRouter();
const i18n = createI18n({
  legacy: false,
  locale: 'en-US',
  fallbackLocale: 'en-US',
  // The words of Directus's app messages extensions ask for, then the project's custom translations.
  messages: { 'en-US': structuredClone(BASE_MESSAGES) },
  datetimeFormats: { 'en-US': BASE_DATETIME_FORMATS },
  numberFormats: { 'en-US': BASE_NUMBER_FORMATS },
  missingWarn: false,
  fallbackWarn: false,
});

const app = createApp(App);
app.use(pinia);
app.use(i18n);
boundaries.install(app);
const theme = createThemeController({ api, registry, stores });
const session = {
  /** True while the user's role requires two-factor authentication they have not turned on (Directus's enforce_tfa). */
  tfaRequired: false,
  async checkTfa() {
    const me = await api.get('/users/me', { params: { fields: 'tfa_secret,role.enforce_tfa' } }).catch(() => null);
    const data = me?.data?.data;
    this.tfaRequired = data?.role?.enforce_tfa === true && !data?.tfa_secret;
  },
  /** After login (or with a stored token): load stores and extensions, listen to the host. */
  async start() {
    forgetChecks();
    await hydrate();
    await this.checkTfa();
    // Custom translations reach extensions' `t()` as well as the app's `$t:` strings.
    for (const [language, messages] of Object.entries(i18nMessages(stores.useTranslationsStore().translations)))
      i18n.global.mergeLocaleMessage(language, messages);
    registry.connect();
    await registry.sync();
  },
  async logout() {
    const refresh_token = localStorage.getItem('annex.refresh_token');
    if (refresh_token) await api.post('/auth/logout', { refresh_token }).catch(() => {});
    api.clearTokens();
    registry.disconnect();
    dehydrate();
    forgetChecks();
    router.push({ name: 'login' });
  },
};
// What Directus provides to every extension component (`api`, `stores`, `sdk`, `extensions`), under its keys.
const sdk = createSdkClient(api);
const extensions = getExtensionRefs(registry);
installSdk({ api, stores, registry, sdk, extensions, boundaries });
app.provide('api', api);
app.provide('stores', stores);
app.provide('sdk', sdk);
app.provide('extensions', extensions);
app.provide('registry', registry);
app.provide('theme', theme);
app.provide('session', markRaw(session));
registerBaseComponents(app);
// `interface-<id>`, `display-<id>`, `layout-<id>`, … as Directus registers them for extension templates.
registerExtensionComponents(app, registry);
app.use(router);

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!api.token()) return { name: 'login', query: { redirect: to.fullPath } };
  if (!stores.useUserStore().currentUser) {
    try {
      await session.start();
    } catch {
      api.clearTokens();
      return { name: 'login', query: { redirect: to.fullPath } };
    }
    // Resolved before module routes existed: resolve again now that they do.
    if (to.name === 'not-found') return { path: to.fullPath, replace: true };
  }
  // A role that requires two-factor authentication sends its users to their own page to turn it on first.
  const me = stores.useUserStore().currentUser?.id;
  if (session.tfaRequired && me && to.path !== `/users/${me}`)
    return { path: `/users/${me}`, query: { tfa: 'required' } };
  return true;
});

// The router learns module routes as module extensions arrive. A module's
// preRegisterCheck(user, permissions) decides whether this user gets it, as in Directus: called
// once per sign-in (not on every render: some checks mount their own apps), awaited, its answer
// taken as true or false; until an asynchronous check answers, the module is left out. A check
// that throws or rejects hides its module and is reported, like any other fault of that extension.
let checked = new WeakMap();
const checks = ref(0);
const checkFailed = (m, e) =>
  registry.reportFault({
    extension: m.__extension,
    id: m.id,
    kind: 'module',
    code: 'APP_RENDER_FAILED',
    message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
  });
const allowed = (m) => {
  void checks.value;
  if (!m.preRegisterCheck) return true;
  // Asked once the stores are loaded (Directus registers modules after hydration).
  if (!stores.useAppStore().hydrated) return false;
  const user = stores.useUserStore().currentUser;
  if (checked.has(m)) return checked.get(m) === true;
  let answer;
  try {
    answer = m.preRegisterCheck(user, stores.usePermissionsStore().permissions);
  } catch (e) {
    checkFailed(m, e);
    checked.set(m, false);
    return false;
  }
  if (answer && typeof answer.then === 'function') {
    const at = checked;
    at.set(m, 'pending');
    Promise.resolve(answer)
      .then(
        (ok) => at.set(m, Boolean(ok)),
        (e) => {
          checkFailed(m, e);
          at.set(m, false);
        },
      )
      .finally(() => checks.value++);
    return false;
  }
  checked.set(m, Boolean(answer));
  return Boolean(answer);
};
/** Forgets every module's answer: the next user is asked again. */
const forgetChecks = () => {
  checked = new WeakMap();
  checks.value++;
};
syncModuleRoutes(router, registry, allowed, checkFailed);
app.provide('moduleAllowed', allowed);
app.mount('#app');
window.__annex = { api, registry, router, theme, stores };
