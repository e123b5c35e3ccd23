import { transformSync } from 'esbuild';

/**
 * The JavaScript variant of a TypeScript template, made at scaffold time so each template has one
 * source. esbuild strips the types; its printer drops comments and blank lines and prints its own
 * style, so comments and blank lines ride through as legal comments (`//!`), and a tidy pass puts
 * back the template style (tabs, single quotes, `30_000`).
 */
const BLANK = '//!annex:blank';

export class StripTypesError extends Error {
  readonly code = 'CREATE_TEMPLATE_INVALID';
}

export function stripTypes(source: string, file: string): string {
  const marked = source
    .split('\n')
    .map((line) => (line.trim() === '' ? BLANK : line.replace(/^(\s*)\/\//, '$1//!').replace(/^(\s*)\/\*\*/, '$1/*!')))
    .join('\n');
  let code: string;
  try {
    code = transformSync(marked, { loader: 'ts', target: 'esnext', legalComments: 'inline', sourcefile: file }).code;
  } catch (error) {
    throw new StripTypesError(`${file}: ${(error as Error).message}`);
  }
  const out = tidy(code)
    .split('\n')
    .map((line) => (line.trim() === BLANK ? '' : line.replace(/^(\s*)\/\/!/, '$1//').replace(/^(\s*)\/\*!/, '$1/**')))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '\n');
  // A comment esbuild cannot keep (one inside a type) would silently vanish: refuse the template.
  const lost = source
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => (line.startsWith('//') || line.startsWith('/**')) && !out.includes(line));
  if (lost.length > 0)
    throw new StripTypesError(
      `${file}: comments that would be lost in JavaScript (move them onto a statement): ${lost.join(' | ')}`,
    );
  return out;
}

/** A Vue single-file component: its `<script setup lang="ts">` block without types. */
export function stripVueTypes(source: string, file: string): string {
  return source.replace(
    /<script(\s[^>]*)?\slang="ts"([^>]*)>\n?([\s\S]*?)<\/script>/g,
    (_m, before = '', after = '', body: string) => `<script${before}${after}>\n${stripTypes(body, file)}</script>`,
  );
}

/** Expands esbuild's `3e4` back into `30_000` (integers only). */
function formatNumber(token: string): string {
  const m = /^(\d+)e(\d+)$/.exec(token);
  if (!m) return token;
  const digits = m[1]! + '0'.repeat(Number(m[2]));
  return digits.length > 4 ? digits.replace(/\B(?=(\d{3})+$)/g, '_') : digits;
}

/** Tabs for esbuild's two-space indents, single quotes where no quote needs escaping, plain numbers. */
function tidy(code: string): string {
  let out = '';
  let i = 0;
  const templateDepth: number[] = [];
  let braces = 0;
  let lineStart = true;
  let prev = '';
  while (i < code.length) {
    const c = code[i]!;
    if (lineStart) {
      lineStart = false;
      const indent = /^ */.exec(code.slice(i))![0].length;
      out += '\t'.repeat(Math.floor(indent / 2)) + ' '.repeat(indent % 2);
      i += indent;
      continue;
    }
    if (c === '\n') {
      out += c;
      i++;
      lineStart = true;
      continue;
    }
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      out += code.slice(i, end < 0 ? undefined : end);
      i = end < 0 ? code.length : end;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i) + 2;
      out += code.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      const body = code.slice(i + 1, j);
      out += c === '"' && !body.includes("'") ? `'${body.replaceAll('\\"', '"')}'` : code.slice(i, j + 1);
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (c === '`' || (c === '}' && templateDepth.at(-1) === braces)) {
      // A template literal (or its continuation after `${…}`): copied verbatim up to `${` or the closing backtick.
      if (c === '}') templateDepth.pop();
      let j = i + 1;
      while (code[j] !== '`' && !(code[j] === '$' && code[j + 1] === '{')) j += code[j] === '\\' ? 2 : 1;
      if (code[j] === '$') {
        templateDepth.push(braces);
        j += 2;
      } else j += 1;
      out += code.slice(i, j);
      i = j;
      prev = 'x';
      continue;
    }
    if (c === '/' && /[(,=:[!&|?{};]|^$/.test(prev)) {
      // A regular expression literal: copied verbatim.
      let j = i + 1;
      let inClass = false;
      while (code[j] !== '/' || inClass) {
        if (code[j] === '[') inClass = true;
        else if (code[j] === ']') inClass = false;
        j += code[j] === '\\' ? 2 : 1;
      }
      j++;
      while (/[a-z]/.test(code[j] ?? '')) j++;
      out += code.slice(i, j);
      i = j;
      prev = 'x';
      continue;
    }
    if (/[0-9]/.test(c) && !/[\w$.]/.test(code[i - 1] ?? '')) {
      const token = /^[0-9][0-9a-zA-Z_.]*/.exec(code.slice(i))![0];
      out += formatNumber(token);
      i += token.length;
      prev = 'x';
      continue;
    }
    if (code.startsWith('void 0', i) && !/[\w$.]/.test(code[i - 1] ?? '')) {
      // esbuild's spelling of `undefined`.
      out += 'undefined';
      i += 'void 0'.length;
      prev = 'x';
      continue;
    }
    if (c === '{') braces++;
    if (c === '}') braces--;
    if (!/\s/.test(c)) prev = /[\w$]/.test(c) ? 'x' : c;
    out += c;
    i++;
  }
  return out;
}
