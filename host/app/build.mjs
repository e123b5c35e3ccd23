// Builds the admin app into host/app/dist: the app itself (hashed chunks, pages and modules
// loaded lazily) and the shared modules app extensions import (stable names under
// assets/shared/: vue, vue-router, pinia, vue-i18n, directus-extensions-sdk, directus-sdk).
//   node host/app/build.mjs [--no-minify]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { vueSfcPlugin } from '../dist/app-sources/sfc-plugin.js';
import { iconsPlugin } from './src/components/icons/build-plugin.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
const minify = !process.argv.includes('--no-minify');

const DEFINES = {
  'process.env.NODE_ENV': '"production"',
  __VUE_OPTIONS_API__: 'true',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  __VUE_I18N_FULL_INSTALL__: 'true',
  __VUE_I18N_LEGACY_API__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
  __INTLIFY_JIT_COMPILATION__: 'true',
  __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
};

/** Replaces the build-time flags Vue and vue-i18n read (whole identifiers only). */
function definePlugin() {
  const pattern = new RegExp(
    `\\b(${Object.keys(DEFINES)
      .map((k) => k.replace(/\./g, '\\.'))
      .join('|')})\\b`,
    'g',
  );
  return {
    name: 'annex-define',
    transform(code, id) {
      if (!/\.(m?js|vue)$/.test(id) || !pattern.test(code)) return null;
      return { code: code.replace(pattern, (m) => DEFINES[m]), map: null };
    },
  };
}

function minifyPlugin() {
  return {
    name: 'annex-minify',
    async renderChunk(code) {
      return minify
        ? {
            code: (await transform(code, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' }))
              .code,
            map: null,
          }
        : null;
    },
  };
}

const SDK = path.join(here, 'src/sdk/index.js');
/** The app imports the SDK shim by the name extensions use, so both get the one shared module. */
const sdkAlias = { name: 'annex-sdk-alias', resolveId: (id) => (id === '@directus/extensions-sdk' ? SDK : null) };

const started = Date.now();
fs.rmSync(out, { recursive: true, force: true });
const bundle = await rollup({
  input: {
    'shared/vue': 'vue',
    'shared/vue-router': 'vue-router',
    'shared/pinia': 'pinia',
    'shared/vue-i18n': 'vue-i18n',
    'shared/directus-extensions-sdk': SDK,
    'shared/directus-sdk': '@directus/sdk',
    app: path.join(here, 'src/main.js'),
  },
  preserveEntrySignatures: 'strict',
  onwarn(warning, warn) {
    if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
  },
  plugins: [
    sdkAlias,
    iconsPlugin(),
    definePlugin(),
    vueSfcPlugin(),
    nodeResolve({ browser: true, extensions: ['.mjs', '.js', '.vue'], rootDir: here }),
  ],
});
const { output } = await bundle.write({
  dir: path.join(out, 'assets'),
  format: 'es',
  entryFileNames: (chunk) => (chunk.name.startsWith('shared/') ? '[name].js' : '[name]-[hash].js'),
  chunkFileNames: 'chunks/[name]-[hash].js',
  plugins: [minifyPlugin()],
});
await bundle.close();

const entry = output.find((c) => c.type === 'chunk' && c.isEntry && c.name === 'app');
// Modules the first page needs, preloaded so the browser fetches them in parallel.
const preload = [...new Set([entry.fileName, ...entry.imports])].map((f) => `/admin/assets/${f}`);
const template = fs.readFileSync(path.join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('<!-- preload -->', preload.map((href) => `<link rel="modulepreload" href="${href}">`).join('\n    '))
  .replace('<!-- entry -->', `<script type="module" src="/admin/assets/${entry.fileName}"></script>`);
fs.writeFileSync(path.join(out, 'index.html'), html);
fs.writeFileSync(
  path.join(out, 'manifest.json'),
  JSON.stringify({ entry: `/admin/assets/${entry.fileName}`, preload, files: output.map((o) => o.fileName) }, null, 2),
);
console.log(
  `host/app built into ${path.relative(process.cwd(), out) || out} (${output.length} files, ${Date.now() - started} ms)`,
);
