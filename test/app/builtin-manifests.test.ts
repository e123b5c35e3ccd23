// Each built-in app bundle registers exactly what its package.json lists: an exported interface,
// display, layout, module, panel, theme or operation that the manifest does not name is never
// registered (the app picks a bundle's configs by its entries), and an entry the code does not
// export is a fault. Each bundle's source is built as the host builds it (Vue SFCs included),
// with the SDK replaced by a stand-in that only has to survive import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';
import { vueSfcPlugin } from '../../host/src/app-sources/sfc-plugin.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILTINS = path.join(ROOT, 'host/builtins');
const KINDS = ['interface', 'display', 'layout', 'module', 'panel', 'theme', 'operation'];

// The app's SDK at import time: define* return their config, everything else is only called inside components.
const SDK_STAND_IN = `
const same = (c) => c;
export const defineInterface = same, defineDisplay = same, defineLayout = same, defineModule = same,
  definePanel = same, defineTheme = same, defineOperationApp = same;
const later = () => { throw new Error('only inside a component'); };
export const useApi = later, useStores = later, useExtensions = later, useCollection = later, useItems = later,
  useSdk = later, useLayout = later, useSync = later, useExtension = later, propsFor = later,
  getItemRoute = later, getCollectionRoute = later, getEndpoint = later, getFieldsFromTemplate = later, getRelationType = later,
  userName = later;
`;

const bundles = fs
  .readdirSync(BUILTINS)
  .map((name) => ({ name, dir: path.join(BUILTINS, name) }))
  .map((b) => ({ ...b, pkg: JSON.parse(fs.readFileSync(path.join(b.dir, 'package.json'), 'utf8')) }))
  .filter((b) => b.pkg['directus:extension']?.type === 'bundle' && b.pkg['directus:extension'].path?.app);

async function exportedIds(dir: string, entry: string): Promise<Record<string, string[]>> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-builtin-manifest-'));
  try {
    const bundle = await rollup({
      input: path.join(dir, entry),
      external: (id) => id === 'vue' || id.startsWith('vue/') || id === 'vue-router',
      plugins: [
        {
          name: 'sdk-stand-in',
          resolveId: (id) => (id === '@directus/extensions-sdk' ? '\\0sdk' : null),
          load: (id) => (id === '\\0sdk' ? SDK_STAND_IN : null),
        },
        vueSfcPlugin(),
      ],
      onwarn: () => {},
    });
    await bundle.write({ dir: out, format: 'es', entryFileNames: 'index.js', inlineDynamicImports: true });
    await bundle.close();
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
    const mod = await import(pathToFileURL(path.join(out, 'index.js')).href);
    return Object.fromEntries(KINDS.map((k) => [k, (mod[`${k}s`] ?? []).map((c: { id: string }) => c.id).sort()]));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

describe("the built-in app bundles' manifests", () => {
  it('finds the built-in app bundles', () => {
    expect(bundles.map((b) => b.name)).toEqual(
      expect.arrayContaining(['app-interfaces', 'app-displays', 'app-layouts', 'app-modules', 'app-panels']),
    );
  });
  for (const b of bundles) {
    it(`${b.name} lists every entry its code exports, and exports every entry it lists`, async () => {
      const exported = await exportedIds(b.dir, b.pkg['directus:extension'].path.app);
      const entries: { type: string; name: string }[] = b.pkg['directus:extension'].entries ?? [];
      for (const kind of KINDS) {
        const listed = entries
          .filter((e) => e.type === kind)
          .map((e) => e.name)
          .sort();
        // Operations also have an API side: only those with an app part are exported by the app entry.
        if (kind === 'operation') expect(listed, kind).toEqual(expect.arrayContaining(exported[kind]!));
        else expect(exported[kind], kind).toEqual(listed);
      }
    }, 120_000);
  }
});
