const identity = (config) => config;
/** Identity helpers: they only exist so extension code reads (and types) like Directus's. */
export const defineInterface = identity;
export const defineDisplay = identity;
export const defineLayout = identity;
export const defineModule = identity;
export const definePanel = identity;
export const defineTheme = identity;
export const defineOperationApp = identity;
export const defineEndpoint = identity;
export const defineHook = identity;
export const defineOperationApi = identity;
