// The built-in input-code interface: its value <-> text mapping, its registration as a built-in
// interface, and what it renders (line numbers, template button) server-rendered as the app builds it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { rollup } from 'rollup';
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { vueSfcPlugin } from '../../host/src/app-sources/sfc-plugin.js';
// @ts-expect-error plain JS module of the built-in interfaces
import { getCodeText, highlightTokens, parseCodeText } from '../../host/builtins/app-interfaces/src/code-value.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'host/builtins/app-interfaces');
let InputCode: Component & { props?: Record<string, unknown>; emits?: string[] };

beforeAll(async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-input-code-'));
  const bundle = await rollup({
    input: path.join(DIR, 'src/InputCodeInterface.vue'),
    external: (id) => id === 'vue' || id.startsWith('vue/'),
    plugins: [vueSfcPlugin()],
    onwarn: () => {},
  });
  await bundle.write({ dir: out, format: 'es', entryFileNames: 'input-code.js' });
  await bundle.close();
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  InputCode = (await import(pathToFileURL(path.join(out, 'input-code.js')).href)).default;
}, 120_000);

const render = (props: Record<string, unknown>) => renderToString(createSSRApp({ render: () => h(InputCode, props) }));

describe('input-code interface', () => {
  it('shows json values as formatted JSON and other values as text', () => {
    expect(getCodeText({ a: [1] }, 'json')).toBe('{\n    "a": [\n        1\n    ]\n}');
    expect(getCodeText('{"raw"', 'json')).toBe('{"raw"');
    expect(getCodeText(null, 'text')).toBe('');
    expect(getCodeText('const a = 1;', 'string')).toBe('const a = 1;');
  });

  it('emits parsed JSON for json fields, keeps invalid JSON unemitted, and null for empty text', () => {
    expect(parseCodeText('{"a": 1}', 'json')).toEqual({ value: { a: 1 } });
    expect(parseCodeText('{"a": ', 'json')).toEqual({ invalid: true });
    expect(parseCodeText('', 'json')).toEqual({ value: null });
    expect(parseCodeText('{"a": ', 'text')).toEqual({ value: '{"a": ' });
  });

  it("declares Directus's options as props and emits input", () => {
    expect(Object.keys(InputCode.props ?? {})).toEqual(
      expect.arrayContaining(['value', 'type', 'language', 'lineNumber', 'template', 'placeholder', 'disabled']),
    );
    expect(InputCode.emits).toEqual(['input']);
  });

  it('renders a line number per line, the template button, and no gutter with lineNumber off', async () => {
    const html = await render({ value: { a: 1, b: 2 }, type: 'json', language: 'json', template: '{}' });
    expect(html.match(/class="line-number"/g)?.length).toBe(4);
    expect(html).toContain('data-language="json"');
    expect(html).toContain('class="fill-template"');
    expect(html).toContain('&quot;b&quot;: 2');
    const plain = await render({ value: 'x', type: 'text', lineNumber: false });
    expect(plain).not.toContain('class="gutter"');
    expect(plain).not.toContain('fill-template');
  });

  it('is registered as the built-in interface input-code for json, string and text fields', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8'));
    expect(manifest['directus:extension'].entries).toContainEqual({ type: 'interface', name: 'input-code' });
    const source = fs.readFileSync(path.join(DIR, 'src/index.js'), 'utf8');
    expect(source).toMatch(
      /id: 'input-code',[^}]*component: InputCodeInterface,\s*types: \['json', 'string', 'text'\]/,
    );
  });
});

describe('input-code highlighting', () => {
  const kinds = (text: string, language: string) =>
    highlightTokens(text, language)
      .filter((t: { kind: string }) => t.kind !== 'plain')
      .map((t: { text: string; kind: string }) => `${t.kind}:${t.text}`);
  it('colours JSON: keys, strings, numbers, literals and punctuation', () => {
    expect(kinds('{"a": "x", "n": -1.5e3, "ok": true, "v": null}', 'json')).toEqual([
      'punctuation:{',
      'property:"a"',
      'punctuation::',
      'string:"x"',
      'punctuation:,',
      'property:"n"',
      'punctuation::',
      'number:-1.5e3',
      'punctuation:,',
      'property:"ok"',
      'punctuation::',
      'literal:true',
      'punctuation:,',
      'property:"v"',
      'punctuation::',
      'literal:null',
      'punctuation:}',
    ]);
  });
  it('colours JavaScript keywords and comments, not inside strings', () => {
    expect(kinds("const s = 'return // no'; // done\nreturn s;", 'javascript')).toEqual([
      'keyword:const',
      "string:'return // no'",
      'punctuation:;',
      'comment:// done',
      'keyword:return',
      'punctuation:;',
    ]);
  });
  it('keeps every character: the tokens joined are the text, an unterminated string included', () => {
    for (const [text, language] of [
      ['{"a": [1, 2, {"b": "unterminated', 'json'],
      ['/* open comment\nlet x = `tpl ${y}`', 'js'],
      ['SELECT * FROM t', 'sql'],
      ['', 'json'],
    ]) {
      expect(
        highlightTokens(text, language)
          .map((t: { text: string }) => t.text)
          .join(''),
      ).toBe(text);
    }
    expect(highlightTokens('SELECT 1', 'sql')).toEqual([{ text: 'SELECT 1', kind: 'plain' }]);
  });
});
