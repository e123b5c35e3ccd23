/** Extension type lists, exactly as Directus defines them (packages/constants/src/extensions.ts). */
export const APP_EXTENSION_TYPES = ['interface', 'display', 'layout', 'module', 'panel', 'theme'] as const;
export const API_EXTENSION_TYPES = ['hook', 'endpoint'] as const;
export const HYBRID_EXTENSION_TYPES = ['operation'] as const;
export const BUNDLE_EXTENSION_TYPES = ['bundle'] as const;
export const NESTED_EXTENSION_TYPES = [
  ...APP_EXTENSION_TYPES,
  ...API_EXTENSION_TYPES,
  ...HYBRID_EXTENSION_TYPES,
] as const;
export const EXTENSION_TYPES = [...NESTED_EXTENSION_TYPES, ...BUNDLE_EXTENSION_TYPES] as const;

export type AppExtensionType = (typeof APP_EXTENSION_TYPES)[number];
export type ApiExtensionType = (typeof API_EXTENSION_TYPES)[number];
export type HybridExtensionType = (typeof HYBRID_EXTENSION_TYPES)[number];
export type NestedExtensionType = (typeof NESTED_EXTENSION_TYPES)[number];
export type ExtensionType = (typeof EXTENSION_TYPES)[number];

/**
 * The list each app-side type registers into, as Directus's app names them (`interfaces`, …):
 * the exports of an app bundle and the registries of the admin app.
 */
export const APP_EXTENSION_LISTS = {
  interface: 'interfaces',
  display: 'displays',
  layout: 'layouts',
  module: 'modules',
  panel: 'panels',
  theme: 'themes',
  operation: 'operations',
} as const satisfies Record<AppExtensionType | HybridExtensionType, string>;
export type AppExtensionList = (typeof APP_EXTENSION_LISTS)[keyof typeof APP_EXTENSION_LISTS];

export const EXTENSION_PKG_KEY = 'directus:extension';
/** The only module specifiers a sandboxed extension may import. */
export const SANDBOX_API_MODULES = ['directus:api', 'annex:api'] as const;
/** Modules the admin app provides to app extensions (never bundled into them). */
export const APP_SHARED_DEPS = ['@directus/extensions-sdk', 'vue', 'vue-router', 'vue-i18n', 'pinia'] as const;
/** Modules a trusted API extension build treats as external. */
export const API_SHARED_DEPS = ['directus', 'directus:api', 'annex:api'] as const;
/** The Directus version whose extension API Annex tracks (reported by /server/info). */
export const DIRECTUS_COMPAT_VERSION = '11.5.0';
/**
 * The Directus versions whose extension API Annex implements: a manifest's `host` range must
 * overlap it (the marketplace refuses others unless forced). 9.20+ and 10.x extensions load
 * unchanged (test/compat); 12 is not implemented.
 */
export const DIRECTUS_COMPAT_RANGE = '>=9.20.0 <12.0.0';
/** Default `host` range written by the scaffolder (Directus's LAST_BREAKING_RELEASE). */
export const DEFAULT_HOST_RANGE = '^10.10.0';

export function isAppType(type: string): type is AppExtensionType {
  return (APP_EXTENSION_TYPES as readonly string[]).includes(type);
}
export function isApiType(type: string): type is ApiExtensionType {
  return (API_EXTENSION_TYPES as readonly string[]).includes(type);
}
export function isHybridType(type: string): type is HybridExtensionType {
  return (HYBRID_EXTENSION_TYPES as readonly string[]).includes(type);
}
