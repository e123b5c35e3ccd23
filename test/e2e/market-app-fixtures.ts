import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes app extensions for the data-model, flows and insights browser tests into `dir`, ready for
 * `registry.seedFromDirectory(dir)`: an interface with an options array (a rating) and one with its
 * own options component (a badge), as Directus lets an extension supply either.
 */
export function writeMarketAppExtensions(dir: string): void {
  const write = (name: string, manifest: object, code: string) => {
    const root = path.join(dir, name);
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({
        name,
        version: '1.0.0',
        description: `${name} (browser test fixture)`,
        license: 'MIT',
        type: 'module',
        keywords: ['directus', 'directus-extension'],
        'directus:extension': { path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0', ...manifest },
      }),
    );
    fs.writeFileSync(path.join(root, 'dist', 'index.js'), code);
  };
  write(
    'annex-market-rating',
    { type: 'interface' },
    `
import { defineInterface } from '@directus/extensions-sdk';
import { h } from 'vue';

export default defineInterface({
  id: 'market-rating',
  name: 'Rating',
  icon: 'star',
  types: ['integer'],
  group: 'other',
  options: [
    { field: 'max', name: 'Maximum', type: 'integer', meta: { interface: 'input', width: 'half' } },
    { field: 'symbol', name: 'Symbol', type: 'string', meta: { interface: 'input', width: 'half' } },
  ],
  component: {
    props: { value: { type: Number, default: null }, max: { type: Number, default: 5 }, symbol: { type: String, default: '*' }, disabled: Boolean },
    emits: ['input'],
    setup(props, { emit }) {
      return () => h('div', { class: 'market-rating' }, Array.from({ length: props.max }, (_, i) =>
        h('button', { type: 'button', 'data-star': i + 1, class: i < (props.value ?? 0) ? 'on' : 'off', disabled: props.disabled, onClick: () => emit('input', i + 1) }, props.symbol)));
    },
  },
});
`,
  );
  write(
    'annex-market-badge',
    { type: 'interface' },
    `
import { defineInterface } from '@directus/extensions-sdk';
import { h } from 'vue';

export default defineInterface({
  id: 'market-badge',
  name: 'Badge',
  icon: 'label',
  types: ['string'],
  options: {
    props: ['value', 'collection', 'field'],
    emits: ['input'],
    setup(props, { emit }) {
      return () => h('label', { class: 'badge-options' }, ['Colour ', h('input', { 'data-test': 'badge-color', value: props.value?.color ?? '', onInput: (e) => emit('input', { ...(props.value ?? {}), color: e.target.value }) })]);
    },
  },
  component: {
    props: ['value', 'color', 'disabled'],
    emits: ['input'],
    setup(props, { emit }) {
      return () => h('input', { class: 'market-badge', 'data-color': props.color ?? '', value: props.value ?? '', onInput: (e) => emit('input', e.target.value) });
    },
  },
});
`,
  );
}
