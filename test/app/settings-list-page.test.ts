// The one list page shell behind Settings → Data Model and Flows: headers, one row per item
// with the page's cells and attributes, the empty text, and the create form's controls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollup } from 'rollup';
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { vueSfcPlugin } from '../../host/src/app-sources/sfc-plugin.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let Page: Component;

beforeAll(async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-settings-page-'));
  const bundle = await rollup({
    input: path.join(ROOT, 'host/builtins/app-modules/src/settings/SettingsListPage.vue'),
    external: (id) => id === 'vue' || id.startsWith('vue/') || id === 'vue-router',
    plugins: [vueSfcPlugin()],
    onwarn: () => {},
  });
  await bundle.write({ dir: out, format: 'es' });
  await bundle.close();
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  Page = (await import(pathToFileURL(path.join(out, 'SettingsListPage.js')).href)).default;
}, 60_000);

const CREATE = {
  placeholder: 'New thing',
  label: 'Kind',
  button: 'Create thing',
  choices: [
    { value: 'a', text: 'A kind' },
    { value: 'b', text: 'B kind' },
  ],
  initial: 'b',
  test: { name: 'thing-name', choice: 'thing-kind', submit: 'create-thing' },
};

async function render(rows: { id: number; name: string }[]) {
  const app = createSSRApp({
    render: () =>
      h(
        Page,
        {
          title: 'Things',
          headers: ['Name', 'Id'],
          rows,
          rowKey: (r: { id: number }) => r.id,
          rowAttrs: (r: { name: string }) => ({ 'data-thing': r.name }),
          to: (r: { id: number }) => `/things/${r.id}`,
          empty: 'No things.',
          create: CREATE,
          onCreate: async () => null,
        },
        {
          cells: ({ row }: { row: { id: number; name: string } }) => [h('td', row.name), h('td', String(row.id))],
        },
      ),
  });
  app.config.warnHandler = () => {};
  for (const n of ['VButton', 'VNotice', 'RouterLink'])
    app.component(n, {
      render() {
        return h('span', (this as any).$slots.default?.());
      },
    });
  return renderToString(app);
}

describe('settings list page shell', () => {
  it('renders the title, headers, one row per item with its cells and attributes, and the create form', async () => {
    const html = await render([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    expect(html).toContain('<h1>Things</h1>');
    expect(html.match(/<th>/g)?.length).toBe(2);
    expect(html.replace(/<!--[[\]]-->/g, '')).toContain(
      '<tr class="clickable" data-thing="one"><td>one</td><td>1</td></tr>',
    );
    expect(html).toContain('data-thing="two"');
    expect(html).toContain('data-test="thing-name"');
    expect(html).toMatch(/data-test="thing-kind"/);
    expect(html).toContain('<option value="a">A kind</option><option value="b">B kind</option>');
    expect(html).not.toContain('No things.');
  });

  it('shows the empty text without rows', async () => {
    const html = await render([]);
    expect(html).toContain('No things.');
    expect(html).not.toContain('class="clickable"');
  });
});
