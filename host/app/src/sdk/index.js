// The `@directus/extensions-sdk` shim app extensions import (served as a shared module):
// define* identity helpers and the composables Annex supports. The app installs its context
// (api client, stores, extension registry) once at start; composables read it from there or
// from Vue's inject when called inside a component.
export { defineInterface, defineDisplay, defineLayout, defineModule, definePanel, defineTheme, defineOperationApp, defineEndpoint, defineHook, defineOperationApi } from './define.js';
export { installSdk, useApi, useStores, useExtensions, useExtension } from './context.js';
export { useCollection } from './use-collection.js';
export { useItems } from './use-items.js';
export { useLayout } from './use-layout.js';
export { useSync } from './use-sync.js';
export { propsFor } from './props-for.js';
