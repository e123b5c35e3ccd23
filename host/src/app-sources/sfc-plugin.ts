import { styleInjection, vueSfcPlugin as sdkVueSfcPlugin } from '@annex/sdk-extension/sfc';
import type { Plugin, TransformPluginContext, TransformResult } from 'rollup';

/** JS that appends a <style> element once per module evaluation. */
export const injectCss = styleInjection;

/**
 * Vue single-file components for the host's rollup builds (app extensions' sources, the admin
 * app), through the SDK's compiler, the one `annex-extension build` uses; also turns `.css`
 * imports into style injection. `root` only names the scope ids of scoped styles.
 */
export function vueSfcPlugin(root = '/'): Plugin {
  const sfc = sdkVueSfcPlugin(root);
  const compile = sfc.transform as (this: TransformPluginContext, code: string, id: string) => Promise<TransformResult>;
  return {
    name: 'annex-vue-sfc',
    transform(code, id) {
      if (id.endsWith('.css')) return { code: styleInjection(code), map: null };
      return compile.call(this, code, id);
    },
  };
}
