// The `@directus/extensions-sdk` app entry extension chunks import (served as a shared module):
// everything Directus's exports (pinned by test/app/sdk-exports.test.ts), plus Annex extras
// (installSdk, useExtension, propsFor, getCollectionRoute, getItemRoute, getEndpoint, userName). The app installs its context (api client, stores,
// extension registry) once at start; composables read what the app provided through Vue's
// inject when called inside a component, the installed context otherwise.
export {
  defineInterface,
  defineDisplay,
  defineLayout,
  defineModule,
  definePanel,
  defineTheme,
  defineOperationApp,
  defineEndpoint,
  defineHook,
  defineOperationApi,
} from './define.js';
export {
  installSdk,
  useApi,
  useStores,
  useSdk,
  useExtensions,
  useExtension,
  getExtensionRefs,
  API_INJECT,
  STORES_INJECT,
  SDK_INJECT,
  EXTENSIONS_INJECT,
} from './context.js';
export { createSdkClient } from './use-sdk.js';
export { useCollection } from './use-collection.js';
export { useItems } from './use-items.js';
export { useLayout } from './use-layout.js';
export { useSync } from './use-sync.js';
export { useFilterFields } from './use-filter-fields.js';
export { getFieldsFromTemplate, getRelationType } from './template.js';
export { propsFor } from './props-for.js';
export { getCollectionRoute, getItemRoute } from './routes.js';
export { userName } from './user-name.js';
export { getEndpoint } from '../components/composables/endpoint.js';
