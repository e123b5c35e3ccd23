import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../scaffold.js';
import { stripTypes, stripVueTypes } from '../strip-types.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name))));
    else out.push(join(dir, e.name));
  }
  return out;
}

describe('stripTypes', () => {
  it('drops annotations, type-only imports and declarations; keeps comments, blank lines and the template style', () => {
    const ts = [
      "import { defineHook, type HookConfig } from '@annex/sdk-extension';",
      '',
      'type Options = { text?: string };',
      '',
      '/** Shouts. */',
      'export function shout(value: unknown, options: Options = {}): string | undefined {',
      '\t// Nothing to shout.',
      '\tif (value === undefined) return undefined;',
      '',
      '\treturn `${String(value).toUpperCase()}${options.text ?? "!"}`;',
      '}',
      '',
      'export default defineHook(({ filter }) => {',
      "\tfilter('items.create', (payload: Record<string, unknown>) => ({ ...payload, at: 30_000, said: \"it's\" }));",
      '});',
      '',
    ].join('\n');
    expect(stripTypes(ts, 'hook.ts')).toBe(
      [
        "import { defineHook } from '@annex/sdk-extension';",
        '',
        '/** Shouts. */',
        'export function shout(value, options = {}) {',
        '\t// Nothing to shout.',
        '\tif (value === undefined) return undefined;',
        '',
        "\treturn `${String(value).toUpperCase()}${options.text ?? '!'}`;",
        '}',
        '',
        'export default defineHook(({ filter }) => {',
        "\tfilter('items.create', (payload) => ({ ...payload, at: 30_000, said: \"it's\" }));",
        '});',
        '',
      ].join('\n'),
    );
  });

  it('refuses a comment it would lose (one inside a type) with a coded error', () => {
    const ts = 'type O = {\n\t// the text\n\ttext: string;\n};\nexport const f = (o: O) => o.text;\n';
    expect(() => stripTypes(ts, 'x.ts')).toThrow(expect.objectContaining({ code: 'CREATE_TEMPLATE_INVALID' }));
  });

  it('turns <script setup lang="ts"> into plain <script setup>', () => {
    const vue =
      '<template><b>{{ n }}</b></template>\n\n<script setup lang="ts">\nconst props = defineProps<{ n: number }>();\nfunction f(e: Event) {\n\treturn (e.target as HTMLInputElement).value;\n}\n</script>\n';
    const out = stripVueTypes(vue, 'x.vue');
    expect(out).toContain('<script setup>\n');
    expect(out).toContain('function f(e) {\n\treturn e.target.value;\n}');
    expect(out).not.toMatch(/lang="ts"|: Event|HTMLInputElement/);
  });
});

describe('every template', () => {
  it('has a JavaScript variant that parses as plain JavaScript and keeps every comment', async () => {
    const files = (await listFiles(TEMPLATES_DIR)).filter((f) => /\.(ts|vue)$/.test(f) && !f.endsWith('.d.ts'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const rel = relative(TEMPLATES_DIR, file);
      const source = await readFile(file, 'utf8');
      const js = file.endsWith('.vue')
        ? (/<script[^>]*>([\s\S]*?)<\/script>/.exec(stripVueTypes(source, rel))?.[1] ?? '')
        : stripTypes(source, rel);
      // Loader js: a leftover annotation is a syntax error here.
      expect(() => transformSync(js, { loader: 'js', sourcefile: rel }), rel).not.toThrow();
      expect(js, rel).not.toMatch(/\bas [A-Z]\w*|:\s*(string|number|boolean|unknown|Record<)/);
    }
  });
});
