import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// The bundler is plain ESM inside the built-in extension; tests import it directly.
import { buildChunk, createSourcesBundler, groupEntries } from '../../host/src/app-sources/bundler.js';

type Entry = {
  id: string;
  extension: string;
  type: string;
  file: string;
  source: string;
  entries?: { name: string; type: string }[];
};

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'annex-sources-'));
}
function write(dir: string, rel: string, code: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return file;
}

const single = (dir: string, name: string, type: string, code: string): Entry => ({
  id: name,
  extension: name,
  type,
  source: 'local',
  file: write(dir, `${name}/dist/index.js`, code),
});

describe('app extension sources bundler', () => {
  it('groups bundle entries into one chunk per extension file', () => {
    const list: Entry[] = [
      {
        id: 'b/one',
        extension: 'b',
        type: 'panel',
        file: '/x/b/app.js',
        source: 'local',
        entries: [{ name: 'one', type: 'panel' }],
      },
      {
        id: 'b/two',
        extension: 'b',
        type: 'display',
        file: '/x/b/app.js',
        source: 'local',
        entries: [{ name: 'two', type: 'display' }],
      },
      { id: 'a', extension: 'a', type: 'layout', file: '/x/a/index.js', source: 'local' },
    ];
    const groups = groupEntries(list);
    expect(groups).toHaveLength(2);
    expect(groups.find((g) => g.extension === 'b')).toMatchObject({
      type: 'bundle',
      ids: ['b/one', 'b/two'],
      entries: [
        { name: 'one', type: 'panel' },
        { name: 'two', type: 'display' },
      ],
    });
    expect(groups.find((g) => g.extension === 'a')).toMatchObject({ type: 'layout', entries: null });
  });

  it('externalises the shared deps to the app modules, inlines the extension own files and compiles Vue SFCs', async () => {
    const dir = tmpdir();
    write(dir, 'ext/src/helper.js', 'export const greet = (n) => `hi ${n}`;\n');
    write(
      dir,
      'ext/src/Comp.vue',
      '<script setup>\nimport { greet } from "./helper.js";\ndefineProps({ value: String });\n</script>\n<template><b class="x">{{ greet(value) }}</b></template>\n<style scoped>.x { color: red; }</style>\n',
    );
    const file = write(
      dir,
      'ext/src/index.js',
      'import { defineInterface } from "@directus/extensions-sdk";\nimport { ref } from "vue";\nimport { useRouter } from "vue-router";\nimport { defineStore } from "pinia";\nimport { useI18n } from "vue-i18n";\nimport Comp from "./Comp.vue";\nexport default defineInterface({ id: "x", component: Comp, ref, useRouter, defineStore, useI18n });\n',
    );
    const built = await buildChunk({ extension: '@scope/ext', file }, { minify: false });
    expect(built.error).toBeNull();
    const imports = [...built.code!.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1]).sort();
    expect(imports).toEqual([
      '/admin/assets/shared/directus-extensions-sdk.js',
      '/admin/assets/shared/pinia.js',
      '/admin/assets/shared/vue-i18n.js',
      '/admin/assets/shared/vue-router.js',
      '/admin/assets/shared/vue.js',
    ]);
    expect(built.code).toContain('hi ${');
    expect(built.code).toContain('data-v-');
    expect(built.name).toMatch(/^scope-ext\.[0-9a-f]{10}\.js$/);
    expect([...built.fingerprint.keys()].map((f) => path.basename(f)).sort()).toEqual([
      'Comp.vue',
      'helper.js',
      'index.js',
    ]);
  });

  it('isolates a broken extension: its chunk fails with a coded error, the others are served', async () => {
    const dir = tmpdir();
    const list: Entry[] = [
      single(dir, 'good', 'display', 'export default { id: "good", name: "Good" };\n'),
      single(dir, 'syntax', 'display', 'export default { id: "syntax", name: {{ };\n'),
      single(
        dir,
        'unresolved',
        'display',
        'import pad from "left-pad-that-is-not-installed";\nexport default { id: "u", pad };\n',
      ),
    ];
    const bundler = createSourcesBundler({ list: () => list, minify: false });
    const { manifest, files } = await bundler.get();
    const by = Object.fromEntries(manifest.chunks.map((c: any) => [c.extension, c]));
    expect(by.good.url).toMatch(/^\/extensions\/sources\/good\.[0-9a-f]+\.js$/);
    expect(by.good.error).toBeNull();
    for (const broken of ['syntax', 'unresolved']) {
      expect(by[broken].url, broken).toBeNull();
      expect(by[broken].error.code, broken).toBe('APP_BUILD_FAILED');
      expect(by[broken].error.message, broken).not.toContain(dir);
    }
    expect([...files.keys()]).toEqual([by.good.url.split('/').pop()]);
  });

  it('caches chunks between builds and rebuilds only what changed or was enabled', async () => {
    const dir = tmpdir();
    const a = single(dir, 'a', 'layout', 'export default { id: "a", name: "A" };\n');
    const b = single(dir, 'b', 'layout', 'export default { id: "b", name: "B" };\n');
    let list: Entry[] = [a, b];
    const bundler = createSourcesBundler({ list: () => list, minify: false });
    const first = await bundler.get();
    expect(bundler.stats()).toMatchObject({ builds: 1, chunkBuilds: 2 });
    // Nothing changed: the same build is served without running rollup again.
    expect(await bundler.get()).toBe(first);
    bundler.invalidate();
    const same = await bundler.get();
    expect(bundler.stats()).toMatchObject({ builds: 2, chunkBuilds: 2 });
    expect(same.manifest.version).toBe(first.manifest.version);
    // Disable b: gone from the manifest, a comes from the cache.
    list = [a];
    bundler.invalidate();
    const disabled = await bundler.get();
    expect(disabled.manifest.chunks.map((c: any) => c.extension)).toEqual(['a']);
    expect(disabled.manifest.version).not.toBe(first.manifest.version);
    expect(bundler.stats().chunkBuilds).toBe(2);
    // Edit a: rebuilt under a new content-hashed name.
    fs.writeFileSync(a.file, 'export default { id: "a", name: "A2" };\n');
    list = [a, b];
    bundler.invalidate();
    const edited = await bundler.get();
    expect(bundler.stats().chunkBuilds).toBe(4); // a (edited) and b (re-enabled, dropped from the cache when disabled)
    const urlOf = (m: any, ext: string) => m.chunks.find((c: any) => c.extension === ext).url;
    expect(urlOf(edited.manifest, 'a')).not.toBe(urlOf(first.manifest, 'a'));
    expect(urlOf(edited.manifest, 'b')).toBe(urlOf(first.manifest, 'b'));
  });

  it('renders a Directus-compatible index.js: the seven arrays, bundle entries filtered, a throwing chunk left out', async () => {
    const dir = tmpdir();
    const list: Entry[] = [
      single(
        dir,
        'iface',
        'interface',
        'import { defineInterface } from "@directus/extensions-sdk";\nexport default defineInterface({ id: "iface", name: "I" });\n',
      ),
      single(dir, 'throws', 'display', 'throw new Error("boom");\nexport default { id: "t" };\n'),
      {
        id: 'bun/p',
        extension: 'bun',
        type: 'panel',
        source: 'local',
        file: write(
          dir,
          'bun/app.js',
          'export const panels = [{ id: "p" }, { id: "disabled-panel" }];\nexport const themes = [{ id: "th" }];\nexport const interfaces = [], displays = [], layouts = [], modules = [], operations = [];\n',
        ),
        entries: [{ name: 'p', type: 'panel' }],
      },
      {
        id: 'bun/th',
        extension: 'bun',
        type: 'theme',
        source: 'local',
        file: path.join(dir, 'bun/app.js'),
        entries: [{ name: 'th', type: 'theme' }],
      },
    ];
    const { index, files } = await createSourcesBundler({ list: () => list, minify: false, timeoutMs: 2000 }).get();
    // Evaluate it in Node: chunks and a stub SDK on disk, URLs pointed at them.
    const out = tmpdir();
    write(out, 'shared/directus-extensions-sdk.js', 'export const defineInterface = (c) => c;\n');
    for (const [name, code] of files)
      write(out, name, code.replaceAll('/admin/assets/shared/', pathToFileURL(path.join(out, 'shared')).href + '/'));
    const indexFile = write(out, 'index.mjs', index.replaceAll('/extensions/sources/', pathToFileURL(out).href + '/'));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const mod = await import(pathToFileURL(indexFile).href);
      expect(Object.keys(mod).sort()).toEqual([
        'displays',
        'interfaces',
        'layouts',
        'modules',
        'operations',
        'panels',
        'themes',
        'version',
      ]);
      expect(mod.interfaces.map((c: any) => c.id)).toEqual(['iface']);
      expect(mod.panels.map((c: any) => c.id)).toEqual(['p']);
      expect(mod.themes.map((c: any) => c.id)).toEqual(['th']);
      expect(mod.displays).toEqual([]);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});
