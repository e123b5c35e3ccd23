import { computed, inject } from 'vue';

/** @type {{ api: any, stores: any, registry: any } | null} */
let context = null;

/** Called once by the app before anything renders. */
export function installSdk(ctx) {
  context = ctx;
}

function need(key) {
  if (!context) throw new Error(`@directus/extensions-sdk: ${key} is not available before the app started`);
  return context[key];
}

/** The app's HTTP client (axios-like: get/post/patch/delete → {data, status}). */
export function useApi() {
  return inject('api', null) ?? need('api');
}

/** `{ useUserStore, useCollectionsStore, useFieldsStore, useRelationsStore, useSettingsStore, ... }`. */
export function useStores() {
  return inject('stores', null) ?? need('stores');
}

/** Every registered app extension config, by kind, as computed refs (live: follows enable/disable). */
export function useExtensions() {
  const registry = need('registry');
  const out = {};
  for (const kind of ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations']) out[kind] = computed(() => registry.state[kind]);
  return out;
}

/** One extension config by kind (`'interface'`, `'layout'`, …) and id, as a computed ref. */
export function useExtension(type, id) {
  const registry = need('registry');
  return computed(() => registry.state[`${type}s`].find((c) => c.id === (typeof id === 'object' && id ? id.value : id)) ?? null);
}
