import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/host.js';
import { ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import { skipWithout } from '../helpers/requires.js';
import { createSourcesBundler } from '../../host/src/app-sources/bundler.js';

const corpus = ensureCorpus();

/**
 * The public Directus app extensions go through the sources bundler unchanged: each becomes its
 * own chunk importing only the app's shared modules, and evaluating it (real Vue, a stub SDK)
 * yields the config Directus would register. The browser side is test/e2e/app.test.ts.
 */
describe.skipIf(skipWithout('the npm registry (compat corpus)', corpus.reason))(
  'public Directus app extensions through /extensions/sources',
  () => {
    it('bundles sleek-dark-theme and computed-interface into chunks that export their configs', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compat-app-'));
      const list = [
        { name: 'directus-extension-sleek-dark-theme', type: 'theme', id: 'sleek-dark' },
        { name: 'directus-extension-computed-interface', type: 'interface', id: 'computed' },
      ].map((e) => {
        const folder = extractCorpusPackage(e.name, dir);
        const pkg = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
        return {
          ...e,
          entry: {
            id: e.name,
            extension: e.name,
            type: e.type,
            source: 'local',
            file: path.join(folder, pkg['directus:extension'].path),
          },
        };
      });
      const { manifest, files } = await createSourcesBundler({
        list: () => list.map((e) => e.entry),
        minify: false,
      }).get();
      expect(manifest.chunks.map((c: any) => [c.extension, c.error])).toEqual([
        ['directus-extension-computed-interface', null],
        ['directus-extension-sleek-dark-theme', null],
      ]);

      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compat-eval-'));
      fs.mkdirSync(path.join(out, 'shared'));
      fs.writeFileSync(
        path.join(out, 'shared', 'vue.js'),
        `export * from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'node_modules/vue/index.mjs')).href)};\n`,
      );
      const identity = [
        'defineInterface',
        'defineDisplay',
        'defineLayout',
        'defineModule',
        'definePanel',
        'defineTheme',
        'defineOperationApp',
      ]
        .map((n) => `export const ${n} = (c) => c;`)
        .join('\n');
      fs.writeFileSync(
        path.join(out, 'shared', 'directus-extensions-sdk.js'),
        `${identity}\nexport const useApi = () => ({});\nexport const useStores = () => ({});\nexport const useCollection = () => ({});\nexport const useItems = () => ({});\n`,
      );
      for (const e of list) {
        const chunk = manifest.chunks.find((c: any) => c.extension === e.name);
        const code = files.get(chunk.url.split('/').pop());
        const imports = [...code.matchAll(/from\s*["']([^"']+)["']/g)].map((m: RegExpMatchArray) => m[1]);
        expect(
          imports.every((i: string) => /^\/admin\/assets\/shared\/(vue|directus-extensions-sdk)\.js$/.test(i)),
          e.name,
        ).toBe(true);
        const file = path.join(out, `${e.id}.mjs`);
        fs.writeFileSync(
          file,
          code.replaceAll('/admin/assets/shared/', pathToFileURL(path.join(out, 'shared')).href + '/'),
        );
        // The theme injects a <style> when `document` exists; in Node it does not.
        const mod = await import(pathToFileURL(file).href);
        expect(mod.default.id, e.name).toBe(e.id);
      }
      const computed = (await import(pathToFileURL(path.join(out, 'computed.mjs')).href)).default;
      expect(computed.types).toContain('string');
      expect(typeof computed.component.setup).toBe('function');
      const theme = (await import(pathToFileURL(path.join(out, 'sleek-dark.mjs')).href)).default;
      expect(theme).toMatchObject({ appearance: 'dark', rules: { borderRadius: '0.5rem' } });
    });
  },
);
