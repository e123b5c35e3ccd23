/**
 * The Vue single-file-component compiler shared by `annex-extension build` and the host's own
 * builds of app extension sources (`@annex/sdk-extension/sfc`): one compiler, one set of error
 * positions, one scope-id rule.
 */
export { compileSfc, styleInjection, type SfcErrorLocation, type SfcResult } from '../internal/build/sfc-compile.js';
export { vueSfcPlugin } from '../internal/build/rollup-plugins.js';
