import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type * as CompilerSfc from '@vue/compiler-sfc';

/** Where a compile error points (1-based line, 0-based column, as esbuild and rollup report). */
export interface SfcErrorLocation {
  line: number;
  column: number;
}

export type SfcResult =
  | { ok: true; code: string; lang: 'js' | 'ts' | 'tsx' | 'jsx'; map?: string }
  | { ok: false; message: string; loc?: SfcErrorLocation; code?: 'SDK_BUILD_ERROR' };

let compiler: typeof CompilerSfc | undefined;

// Loaded on the first .vue file: required (not imported) so Node skips scanning its 900 KB of
// CommonJS for named exports, which cost about 0.2 s of every app build.
function getCompiler(): typeof CompilerSfc {
  compiler ??= createRequire(import.meta.url)('@vue/compiler-sfc') as typeof CompilerSfc;
  return compiler;
}

const nodeRequire = createRequire(import.meta.url);

/** Style languages compiled with the `sass` package (Dart Sass), when the extension has it installed. */
const SASS_LANGS = new Set(['scss', 'sass']);

/**
 * The `sass` package the extension installed (as Vite asks, it is the extension's own
 * devDependency, not the SDK's), else one the SDK can reach; undefined when there is none.
 */
function loadSass(cwd: string): unknown {
  for (const from of [join(cwd, 'package.json'), import.meta.url]) {
    try {
      return createRequire(from)('sass');
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** JS that appends a <style> element when the module is evaluated in a browser. */
export function styleInjection(css: string): string {
  return `if (typeof document !== 'undefined') { const s = document.createElement('style'); s.textContent = ${JSON.stringify(css)}; document.head.appendChild(s); }\n`;
}

/**
 * Where a script error is in the .vue file. Babel's position is relative to the script block it
 * parsed; compiler-sfc's code frame (in the message) already numbers the file's lines, so its
 * marked line is used when present, the block's offset otherwise.
 */
function scriptErrorLocation(
  d: CompilerSfc.SFCDescriptor,
  e: { message: string; loc?: { line: number; column: number } },
): { loc?: SfcErrorLocation } {
  if (!e.loc) return {};
  const framed = /^\s*(\d+)\s*\|.*\n\s*\|\s*\^/m.exec(e.message);
  if (framed) return { loc: { line: Number(framed[1]), column: e.loc.column } };
  const block = d.scriptSetup ?? d.script;
  if (!block) return {};
  const start = block.loc.start;
  const column = e.loc.line === 1 ? start.column - 1 + e.loc.column : e.loc.column;
  return { loc: { line: start.line + e.loc.line - 1, column } };
}

/**
 * Compiles one Vue SFC (script or `<script setup>`, template, plain or scoped CSS) into one ES
 * module in the script's language; styles become injection code. Pure: the bundler plugins
 * (esbuild's and rollup's) only wrap it.
 */
export function compileSfc(source: string, file: string, cwd: string, sourceMap: boolean): SfcResult {
  const { parse, compileScript, compileTemplate, compileStyle } = getCompiler();
  const { descriptor, errors } = parse(source, { filename: file, sourceMap });
  if (errors.length > 0) {
    const e = errors[0]!;
    const loc = 'loc' in e && e.loc ? { line: e.loc.start.line, column: e.loc.start.column - 1 } : undefined;
    return { ok: false, message: e.message, ...(loc ? { loc } : {}) };
  }
  const scopeId = createHash('sha256').update(relative(cwd, file)).digest('hex').slice(0, 8);
  const scoped = descriptor.styles.some((s) => s.scoped);
  const dataV = `data-v-${scopeId}`;
  let code = '';
  let map: string | undefined;
  let bindings: CompilerSfc.BindingMetadata | undefined;
  try {
    if (descriptor.script || descriptor.scriptSetup) {
      const script = compileScript(descriptor, {
        id: scopeId,
        isProd: true,
        sourceMap,
        inlineTemplate: Boolean(descriptor.scriptSetup),
        genDefaultAs: '_sfc_main',
        templateOptions: { scoped, compilerOptions: scoped ? { scopeId: dataV } : {} },
      });
      bindings = script.bindings;
      code += script.content + '\n';
      // The script comes first, so its map stays valid for the whole module.
      if (script.map) map = JSON.stringify(script.map);
    } else {
      code += 'const _sfc_main = {};\n';
    }
  } catch (error) {
    const e = error as { message: string; loc?: { line: number; column: number } };
    return { ok: false, message: e.message.split('\n')[0]!, ...scriptErrorLocation(descriptor, e) };
  }
  if (descriptor.template && !descriptor.scriptSetup) {
    const template = compileTemplate({
      source: descriptor.template.content,
      filename: file,
      id: scopeId,
      scoped,
      isProd: true,
      compilerOptions: { ...(scoped ? { scopeId: dataV } : {}), ...(bindings ? { bindingMetadata: bindings } : {}) },
    });
    if (template.errors.length > 0) {
      const e = template.errors[0]!;
      const start = descriptor.template.loc.start;
      // The error's position is inside the template's content, which begins on the tag's line.
      const at = typeof e === 'object' && e.loc ? e.loc.start : undefined;
      const loc = at
        ? { line: start.line + at.line - 1, column: at.line === 1 ? start.column - 1 + at.column - 1 : at.column - 1 }
        : { line: start.line, column: 0 };
      return { ok: false, message: typeof e === 'string' ? e : e.message, loc };
    }
    code +=
      template.code.replace(/export function render/, 'function _sfc_render') + '\n_sfc_main.render = _sfc_render;\n';
  }
  for (const style of descriptor.styles) {
    const loc = { line: style.loc.start.line, column: 0 };
    const lang = style.lang && style.lang !== 'css' ? style.lang : undefined;
    if (lang && !SASS_LANGS.has(lang))
      return {
        ok: false,
        code: 'SDK_BUILD_ERROR',
        message: `<style lang="${lang}"> has no preprocessor here; use CSS, or scss/sass with the sass package installed`,
        loc,
      };
    const sass = lang ? loadSass(cwd) : undefined;
    if (lang && !sass)
      return {
        ok: false,
        code: 'SDK_BUILD_ERROR',
        message: `<style lang="${lang}"> needs the sass package: npm install --save-dev sass`,
        loc,
      };
    const compiled = compileStyle({
      source: style.content,
      filename: file,
      id: dataV,
      scoped: Boolean(style.scoped),
      isProd: true,
      ...(lang
        ? {
            preprocessLang: lang as 'scss' | 'sass',
            preprocessCustomRequire: (id: string) => (id === 'sass' ? sass : nodeRequire(id)),
          }
        : {}),
    });
    if (compiled.errors.length > 0) return { ok: false, message: String(compiled.errors[0]), loc };
    code += styleInjection(compiled.code);
  }
  if (scoped) code += `_sfc_main.__scopeId = ${JSON.stringify(dataV)};\n`;
  code += 'export default _sfc_main;\n';
  const lang = descriptor.scriptSetup?.lang ?? descriptor.script?.lang ?? 'js';
  return {
    ok: true,
    code,
    lang: lang === 'ts' || lang === 'tsx' || lang === 'jsx' ? lang : 'js',
    ...(map ? { map } : {}),
  };
}
