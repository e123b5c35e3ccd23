import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../node/build.js';
import { cli, makeExtension, manifest } from './fixture.js';

const INTERFACE = manifest({ type: 'interface', path: 'dist/index.js', source: 'src/index.ts' });
const SFC =
  '<template><b class="n" @click="n++">{{ label }} {{ n }}</b></template>\n<script setup lang="ts">\nimport { ref } from \'vue\';\ndefineProps<{ label: string }>();\nconst n = ref<number>(1);\n</script>\n<style scoped>.n { color: red }</style>\n';
// A CommonJS dependency with a browser build: node-resolve (browser) + commonjs in the rollup build.
const CJS_DEP = {
  'node_modules/dep/package.json': JSON.stringify({ name: 'dep', main: 'node.js', browser: 'browser.js' }),
  'node_modules/dep/node.js': "exports.where = 'node';\n",
  'node_modules/dep/browser.js': "exports.where = 'browser'; exports.mode = process.env.NODE_ENV;\n",
};
const app = (files: Record<string, string>) => makeExtension(INTERFACE, files);
const out = (dir: string, file = 'dist/index.js') => readFile(join(dir, file), 'utf8');
const importsOf = (code: string) => new Set([...code.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1]));

describe('app build (esbuild with the Vue SFC plugin)', () => {
  it('bundles SFCs, TS, CSS and a CommonJS dependency (browser field) into one ES module; shared deps stay external', async () => {
    const dir = await app({
      ...CJS_DEP,
      'src/index.ts':
        "import { defineInterface } from '@directus/extensions-sdk';\nimport { where, mode } from 'dep';\nimport './global.css';\nimport C from './c.vue';\nexport default defineInterface({ id: 'i', name: 'I', icon: 'box', component: C, options: null, types: ['string'], where, mode } as any);\n",
      'src/global.css': '.global-rule { margin: 3px }\n',
      'src/c.vue': SFC,
    });
    const report = await build({ cwd: dir, minify: false });
    expect(report.diagnostics).toEqual([]);
    const code = await out(dir);
    expect(importsOf(code)).toEqual(new Set(['@directus/extensions-sdk', 'vue']));
    expect(code).toMatch(/["']browser["']/);
    expect(code).not.toMatch(/["']node["']/);
    expect(code).toContain('"production"');
    expect(code).not.toContain('process.env');
    expect(code).toMatch(/\.n\[data-v-[0-9a-f]{8}\]/);
    expect(code).toContain('.global-rule');
    expect(code).toContain('document.createElement("style")');
    expect(code).not.toMatch(/\blabel:\s*string/); // types stripped
    expect(existsSync(join(dir, 'dist/index.js.map'))).toBe(false);
    expect(existsSync(join(dir, 'dist/index.css'))).toBe(false);
  });

  it('inlines a dynamic import and keeps `vue/…` subpaths external', async () => {
    const dir = await app({
      'src/index.ts':
        "import { h } from 'vue/dist/vue.runtime.esm-bundler.js';\nexport default { id: 'i', component: { render: () => h('i') }, lazy: () => import('./lazy') };\n",
      'src/lazy.ts': 'export const answer: number = 42;\n',
    });
    expect((await build({ cwd: dir, minify: false })).ok).toBe(true);
    const code = await out(dir);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).toContain('42');
    expect(importsOf(code)).toEqual(new Set(['vue/dist/vue.runtime.esm-bundler.js']));
  });

  it('minifies when asked and writes a linked source map whose sources include the .vue file', async () => {
    const files = {
      'src/index.ts': "import C from './c.vue';\nexport default { id: 'i', component: C };\n",
      'src/c.vue': SFC,
    };
    const plain = await app(files);
    expect((await build({ cwd: plain, minify: false })).ok).toBe(true);
    const small = await app(files);
    expect((await build({ cwd: small, minify: true, sourcemap: true })).ok).toBe(true);
    const [a, b] = [await out(plain), await out(small)];
    expect(b.length).toBeLessThan(a.length * 0.8);
    expect(b).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    const map = JSON.parse(await out(small, 'dist/index.js.map')) as { sources: string[]; sourcesContent: string[] };
    expect(map.sources).toContain('../src/index.ts');
    // Mapped through the SFC compiler's own map: to the .vue file as written, not to the compiled module.
    expect(map.sourcesContent[map.sources.indexOf('../src/c.vue')]).toBe(SFC);
  });

  it('reports an SFC template error and a script syntax error with file:line:column', async () => {
    const broken = await app({
      'src/index.ts': "import C from './c.vue';\nexport default { id: 'i', component: C };\n",
      'src/c.vue': '<template>\n  <div>\n    <span>{{ a }</span>\n  </div>\n</template>\n',
    });
    const report = await build({ cwd: broken });
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ code: 'SDK_SYNTAX_ERROR', file: 'src/c.vue', line: 3 });

    const script = await app({
      'src/index.ts': "import C from './c.vue';\nexport default { id: 'i', component: C };\n",
      'src/c.vue': '<template><b>x</b></template>\n<script setup lang="ts">\nconst n: number = ;\n</script>\n',
    });
    const r2 = await build({ cwd: script });
    expect(r2.ok).toBe(false);
    expect(r2.diagnostics[0]).toMatchObject({ code: 'SDK_SYNTAX_ERROR', file: 'src/c.vue', line: 3 });
    expect(typeof r2.diagnostics[0]!.column).toBe('number');
  });

  it('reports an unresolved import at its line, and a style preprocessor it cannot run', async () => {
    const dir = await app({ 'src/index.ts': "const a = 1;\nimport x from './missing';\nexport default { a, x };\n" });
    const report = await build({ cwd: dir });
    expect(report.diagnostics[0]).toMatchObject({ code: 'SDK_UNRESOLVED_IMPORT', file: 'src/index.ts', line: 2 });
    const less = await app({
      'src/index.ts': "import C from './c.vue';\nexport default { component: C };\n",
      'src/c.vue': '<template><b>x</b></template>\n\n<style lang="less">b { c: d }</style>\n',
    });
    expect((await build({ cwd: less })).diagnostics[0]).toMatchObject({
      code: 'SDK_BUILD_ERROR',
      file: 'src/c.vue',
      line: 3,
    });
  });

  it('compiles <style lang="scss"> (nesting, variables, scoped) with the sass package, in both bundlers', async () => {
    const files = {
      'src/index.ts': "import C from './c.vue';\nexport default { component: C };\n",
      'src/c.vue':
        '<template><div class="box"><b>x</b></div></template>\n\n<style lang="scss" scoped>\n$accent: #ff8800;\n.box { b { color: $accent; } }\n</style>\n',
    };
    for (const bundler of ['esbuild', 'rollup'] as const) {
      const dir = await app(files);
      const r = await build({ cwd: dir, bundler });
      expect(r.ok, `${bundler}: ${JSON.stringify(r.diagnostics)}`).toBe(true);
      const code = await out(dir);
      // Sass ran (the variable is gone, the rule is flattened) and the rule is scoped to the component.
      expect(code, bundler).toMatch(/\.box b\[data-v-[0-9a-f]{8}\]\s*\{\s*color:\s*#ff8800/);
      expect(code, bundler).not.toContain('$accent');
    }
    // A Sass error is reported at the style, as any build error.
    const broken = await app({
      ...files,
      'src/c.vue': '<template><b>x</b></template>\n<style lang="scss">b { color: $nope; }</style>\n',
    });
    const failed = await build({ cwd: broken });
    expect(failed.ok).toBe(false);
    expect(failed.diagnostics[0]).toMatchObject({ file: 'src/c.vue', line: 2 });
    expect(failed.diagnostics[0]!.message).toMatch(/Undefined variable/);
  });
});

describe('app build with rollup (--bundler rollup, extension.config.js plugins as in Directus)', () => {
  const files = {
    'src/index.ts': "import C from './c.vue';\nexport default { id: 'i', component: C, v: __VERSION__ };\n",
    'src/c.vue': SFC,
  };
  // A rollup plugin in Directus's `extension.config.js` shape: only rollup can run it.
  const CONFIG =
    "export default { plugins: [{ name: 'version', transform(code) { return code.replaceAll('__VERSION__', JSON.stringify('v-from-plugin')); } }] };\n";

  it('runs the rollup plugins of extension.config.js on app code', async () => {
    const dir = await app({ ...files, 'extension.config.js': CONFIG });
    const report = await build({ cwd: dir, minify: false });
    expect(report.diagnostics).toEqual([]);
    const code = await out(dir);
    expect(code).toContain('v-from-plugin');
    expect(code).toMatch(/data-v-[0-9a-f]{8}/);
  });

  it('reads a CommonJS extension.config.cjs (module.exports, as in the Directus docs)', async () => {
    const cjs = CONFIG.replace('export default', 'module.exports =');
    const dir = await app({ ...files, 'extension.config.cjs': cjs });
    expect((await build({ cwd: dir, minify: false })).diagnostics).toEqual([]);
    expect(await out(dir)).toContain('v-from-plugin');
  });

  it('--bundler esbuild with rollup plugins warns that they do not run; so does an API build', async () => {
    const dir = await app({ ...files, 'extension.config.js': CONFIG });
    const report = await build({ cwd: dir, bundler: 'esbuild', minify: false });
    expect(report.diagnostics.map((d) => [d.code, d.severity])).toEqual([['SDK_CONFIG_PLUGINS_IGNORED', 'warning']]);
    const hook = await makeExtension(manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js' }), {
      'src/index.js': 'export default () => {};\n',
      'extension.config.mjs': CONFIG,
    });
    const api = await build({ cwd: hook });
    expect(api.ok).toBe(true);
    expect(api.diagnostics.map((d) => d.code)).toEqual(['SDK_CONFIG_PLUGINS_IGNORED']);
  });

  it('a config whose plugins are not an array is SDK_CONFIG_INVALID; an unknown --bundler is a usage error', async () => {
    const dir = await app({ ...files, 'extension.config.js': 'export default { plugins: {} };\n' });
    const report = await build({ cwd: dir });
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ code: 'SDK_CONFIG_INVALID', file: 'extension.config.js' }),
    ]);
    const usage = await cli(dir, 'build', '--bundler', 'webpack');
    expect(usage.code).toBe(2);
  });

  it('--bundler rollup builds the same extension without a config', async () => {
    const dir = await app({
      ...CJS_DEP,
      'src/index.ts':
        "import C from './c.vue';\nimport { where } from 'dep';\nexport default { id: 'i', component: C, where };\n",
      'src/c.vue': SFC,
    });
    const run = await cli(dir, 'build', '--bundler', 'rollup', '--no-minify', '--json');
    expect(run.code).toBe(0);
    const code = await out(dir);
    expect(importsOf(code)).toEqual(new Set(['vue']));
    // rollup merges the SFC's imports of vue into one statement (esbuild keeps one per import).
    expect(code.match(/from\s*["']vue["']/g)).toHaveLength(1);
    expect(code).toMatch(/["']browser["']/);
    expect(code).toMatch(/data-v-[0-9a-f]{8}/);
  });
});
