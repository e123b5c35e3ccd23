import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../node/build.js';
import { makeExtension, manifest } from './fixture.js';

const CHROMIUM = process.env.ANNEX_CHROMIUM ?? '/usr/bin/chromium';
const VUE_BROWSER = join(createRequire(import.meta.url).resolve('vue/package.json'), '../dist/vue.esm-browser.prod.js');

const FILES = {
  'src/index.ts':
    "import { defineInterface } from '@directus/extensions-sdk';\nimport Counter from './counter.vue';\nimport './theme.css';\nexport default defineInterface({ id: 'counter', name: 'Counter', icon: 'box', component: Counter, options: null, types: ['integer'] });\n",
  'src/theme.css': '.counter-root { margin-left: 7px }\n',
  'src/counter.vue':
    '<template>\n  <div class="counter-root">\n    <button class="inc" @click="count++">{{ label }}: {{ count }}</button>\n    <badge :n="count" />\n  </div>\n</template>\n<script setup lang="ts">\nimport { ref } from \'vue\';\nimport Badge from \'./badge.vue\';\nconst props = defineProps<{ label: string; start: number }>();\nconst count = ref<number>(props.start);\n</script>\n<style scoped>\n.inc { color: rgb(200, 10, 20); }\n</style>\n',
  'src/badge.vue':
    '<template><span class="badge">{{ double }}</span></template>\n<script lang="ts">\nimport { computed, defineComponent } from \'vue\';\nexport default defineComponent({ props: { n: { type: Number, required: true } }, setup(p) { return { double: computed(() => p.n * 2) }; } });\n</script>\n<style scoped>\n.badge { padding-top: 5px; }\n</style>\n',
};

// The page mounts the interface's component the way the admin app would, with props.
const MOUNT =
  "import { createApp, h } from 'vue'; import ext from '/ext.js'; createApp({ render: () => h(ext.component, { label: 'clicks', start: 2 }) }).mount('#app');";

let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
});

/** Mounts the built interface's component in Chromium (vue from an import map, as the admin app shares it). */
async function render(bundle: string): Promise<{ html: string; color: string; margin: string; padding: string }> {
  const { chromium } = await import('playwright-core');
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const vue = await readFile(VUE_BROWSER, 'utf8');
  await page.route('http://annex.test/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const js = (body: string) => route.fulfill({ contentType: 'text/javascript', body });
    if (path === '/vue.js') return js(vue);
    if (path === '/sdk.js') return js('export const defineInterface = (config) => config;\n');
    if (path === '/ext.js') return js(bundle);
    return route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script type="importmap">{"imports":{"vue":"/vue.js","@directus/extensions-sdk":"/sdk.js"}}</script><div id="app"></div><script type="module">${MOUNT}</script>`,
    });
  });
  await page.goto('http://annex.test/');
  await page.waitForSelector('.inc');
  await page.click('.inc');
  await page.waitForFunction(() => document.querySelector('.badge')?.textContent === '6');
  const result = await page.evaluate(() => ({
    html: document.querySelector('#app')!.innerHTML,
    color: getComputedStyle(document.querySelector('.inc')!).color,
    margin: getComputedStyle(document.querySelector('.counter-root')!).marginLeft,
    padding: getComputedStyle(document.querySelector('.badge')!).paddingTop,
  }));
  await page.close();
  expect(errors).toEqual([]);
  return result;
}

describe.skipIf(!existsSync(CHROMIUM))('built app extensions run in Chromium', () => {
  it('the esbuild build renders, reacts and styles exactly as the rollup build of the same sources', async () => {
    const pkg = manifest({ type: 'interface', path: 'dist/index.js', source: 'src/index.ts' });
    const [viaEsbuild, viaRollup] = [await makeExtension(pkg, FILES), await makeExtension(pkg, FILES)];
    expect((await build({ cwd: viaEsbuild })).diagnostics).toEqual([]);
    expect((await build({ cwd: viaRollup, bundler: 'rollup' })).diagnostics).toEqual([]);
    const esbuilt = await render(await readFile(join(viaEsbuild, 'dist/index.js'), 'utf8'));
    expect(esbuilt).toMatchObject({ color: 'rgb(200, 10, 20)', margin: '7px', padding: '5px' });
    expect(esbuilt.html).toContain('clicks: 3');
    expect(esbuilt.html).toMatch(/data-v-[0-9a-f]{8}/);
    expect(await render(await readFile(join(viaRollup, 'dist/index.js'), 'utf8'))).toEqual(esbuilt);
  });
});
