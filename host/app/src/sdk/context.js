import { computed, getCurrentInstance, inject } from 'vue';
import { createSdkClient } from './use-sdk.js';

// The injection keys Directus's app provides values under (`@directus/constants`).
export const API_INJECT = 'api';
export const STORES_INJECT = 'stores';
export const SDK_INJECT = 'sdk';
export const EXTENSIONS_INJECT = 'extensions';

const KINDS = ['interfaces', 'displays', 'layouts', 'modules', 'panels', 'themes', 'operations'];

/** @type {{ api: any, stores: any, registry: any, sdk?: any, extensions?: any, boundaries?: any } | null} */
let context = null;

/** Called once by the app before anything renders. */
export function installSdk(ctx) {
  context = ctx;
}

function need(key) {
  if (!context) throw new Error(`@directus/extensions-sdk: ${key} is not available before the app started`);
  return context[key];
}

/** Inside a component: what the app provided; elsewhere (a layout's setup, a module's check): the installed context. */
function provided(key, fallback) {
  return (getCurrentInstance() ? inject(key, null) : null) ?? fallback();
}

/** The app's HTTP client (axios-like: get/post/patch/delete → {data, status}). */
export function useApi() {
  return provided(API_INJECT, () => need('api'));
}

/** `{ useAppStore, useCollectionsStore, useFieldsStore, useUserStore, ... }`: every store Directus exposes. */
export function useStores() {
  return provided(STORES_INJECT, () => need('stores'));
}

/** The real `@directus/sdk` REST client, signed in as the app's user. */
export function useSdk() {
  return provided(SDK_INJECT, () => {
    if (!context) return need('sdk');
    context.sdk ??= createSdkClient(context.api);
    return context.sdk;
  });
}

/** Every registered app extension config, by kind, as computed refs (live: follows enable/disable). */
export function getExtensionRefs(registry) {
  return Object.fromEntries(KINDS.map((kind) => [kind, computed(() => registry.state[kind])]));
}

/** `{ interfaces, displays, layouts, modules, panels, themes, operations }` as refs (Directus's useExtensions). */
export function useExtensions() {
  return provided(EXTENSIONS_INJECT, () => {
    if (!context) return need('extensions');
    context.extensions ??= getExtensionRefs(context.registry);
    return context.extensions;
  });
}

/** The app's extension error boundaries (see extensions/boundary.js), when installed. */
export function getBoundaries() {
  return context?.boundaries ?? null;
}

/** One extension config by kind (`'interface'`, `'layout'`, …) and id, as a computed ref. */
export function useExtension(type, id) {
  const registry = need('registry');
  return computed(
    () => registry.state[`${type}s`].find((c) => c.id === (typeof id === 'object' && id ? id.value : id)) ?? null,
  );
}
