import type { NestedExtensionType } from '@annex/protocol';

export type Language = 'typescript' | 'javascript';

const COMPONENT = `<template>\n\t<div class="annex-entry">{{ value }}</div>\n</template>\n\n<script setup>\ndefineProps({ value: { type: null, default: null } });\n</script>\n`;

const appConfig: Record<string, (id: string) => string> = {
  interface: (id) =>
    `import { defineInterface } from '@annex/sdk-extension';\nimport Component from './component.vue';\n\nexport default defineInterface({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\tcomponent: Component,\n\toptions: null,\n\ttypes: ['string'],\n});\n`,
  display: (id) =>
    `import { defineDisplay } from '@annex/sdk-extension';\nimport Component from './component.vue';\n\nexport default defineDisplay({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\tcomponent: Component,\n\toptions: null,\n\ttypes: ['string'],\n});\n`,
  panel: (id) =>
    `import { definePanel } from '@annex/sdk-extension';\nimport Component from './component.vue';\n\nexport default definePanel({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\tcomponent: Component,\n\toptions: [],\n\tminWidth: 12,\n\tminHeight: 8,\n});\n`,
  module: (id) =>
    `import { defineModule } from '@annex/sdk-extension';\nimport Component from './component.vue';\n\nexport default defineModule({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\troutes: [{ path: '', component: Component }],\n});\n`,
  layout: (id) =>
    `import { ref } from 'vue';\nimport { defineLayout } from '@annex/sdk-extension';\nimport Component from './component.vue';\n\nexport default defineLayout({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\tcomponent: Component,\n\tslots: { options: () => null, sidebar: () => null, actions: () => null },\n\tsetup() {\n\t\treturn { name: ref('${id}') };\n\t},\n});\n`,
  theme: (id) =>
    `import { defineTheme } from '@annex/sdk-extension';\n\nexport default defineTheme({\n\tid: '${id}',\n\tname: '${id}',\n\tappearance: 'light',\n\trules: { background: '#ffffff', foreground: '#1f2937' },\n});\n`,
};

const apiConfig: Record<'hook' | 'endpoint', string> = {
  hook: `import { defineHook } from '@annex/sdk-extension';\n\nexport default defineHook(({ action }, { logger }) => {\n\taction('items.create', (meta) => {\n\t\tlogger.info(\`created in \${meta.collection}\`);\n\t});\n});\n`,
  endpoint: `import { defineEndpoint } from '@annex/sdk-extension';\n\nexport default defineEndpoint((router) => {\n\trouter.get('/', (_req, res) => res.json({ hello: 'world' }));\n});\n`,
};

/** Minimal source files for a new bundle entry (`add`), keyed by path relative to the entry folder. */
export function entryStubFiles(
  type: NestedExtensionType,
  id: string,
  language: Language,
): { files: Record<string, string>; source: string | { app: string; api: string } } {
  const ext = language === 'typescript' ? 'ts' : 'js';
  if (type === 'hook' || type === 'endpoint')
    return { files: { [`index.${ext}`]: apiConfig[type] }, source: `index.${ext}` };
  if (type === 'operation') {
    return {
      files: {
        [`app.${ext}`]: `import { defineOperationApp } from '@annex/sdk-extension';\n\nexport default defineOperationApp({\n\tid: '${id}',\n\tname: '${id}',\n\ticon: 'box',\n\tdescription: '',\n\toverview: ({ text }) => [{ label: 'Text', text: String(text ?? '') }],\n\toptions: [{ field: 'text', name: 'Text', type: 'string', meta: { width: 'full', interface: 'input' } }],\n});\n`,
        [`api.${ext}`]: `import { defineOperationApi } from '@annex/sdk-extension';\n\nexport default defineOperationApi({\n\tid: '${id}',\n\thandler: ({ text }) => ({ echoed: text }),\n});\n`,
      },
      source: { app: `app.${ext}`, api: `api.${ext}` },
    };
  }
  const files: Record<string, string> = { [`index.${ext}`]: appConfig[type]!(id) };
  if (type !== 'theme') files['component.vue'] = COMPONENT;
  return { files, source: `index.${ext}` };
}
