import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { compileScript, compileStyle, compileTemplate, parse, type SFCDescriptor } from '@vue/compiler-sfc';
import { transform } from 'esbuild';
import type { Plugin } from 'rollup';
import { sdkEntryPath } from '../sdk-entry.js';

function styleInjection(css: string): string {
  return `if (typeof document !== 'undefined') { const s = document.createElement('style'); s.textContent = ${JSON.stringify(css)}; document.head.appendChild(s); }\n`;
}

function scriptLang(d: SFCDescriptor): string {
  return d.scriptSetup?.lang ?? d.script?.lang ?? 'js';
}

/** A small Vue SFC compiler for rollup: script (incl. `<script setup>`), template, styles (scoped). */
export function vueSfcPlugin(cwd: string): Plugin {
  return {
    name: 'annex-vue-sfc',
    async transform(code, id) {
      if (!id.endsWith('.vue')) return null;
      const { descriptor, errors } = parse(code, { filename: id });
      if (errors.length > 0) {
        const e = errors[0]!;
        const loc =
          'loc' in e && e.loc ? { file: id, line: e.loc.start.line, column: e.loc.start.column - 1 } : undefined;
        this.error({ message: e.message, ...(loc ? { loc } : {}) });
      }
      const scopeId = createHash('sha256').update(relative(cwd, id)).digest('hex').slice(0, 8);
      const scoped = descriptor.styles.some((s) => s.scoped);
      const dataV = `data-v-${scopeId}`;
      let out = '';
      let bindings;
      if (descriptor.script || descriptor.scriptSetup) {
        const script = compileScript(descriptor, {
          id: scopeId,
          isProd: true,
          inlineTemplate: Boolean(descriptor.scriptSetup),
          genDefaultAs: '_sfc_main',
          templateOptions: { scoped, compilerOptions: scoped ? { scopeId: dataV } : {} },
        });
        bindings = script.bindings;
        out += script.content + '\n';
      } else {
        out += 'const _sfc_main = {};\n';
      }
      if (descriptor.template && !descriptor.scriptSetup) {
        const template = compileTemplate({
          source: descriptor.template.content,
          filename: id,
          id: scopeId,
          scoped,
          isProd: true,
          compilerOptions: {
            ...(scoped ? { scopeId: dataV } : {}),
            ...(bindings ? { bindingMetadata: bindings } : {}),
          },
        });
        if (template.errors.length > 0)
          this.error({
            message: String(template.errors[0]),
            loc: { file: id, line: descriptor.template.loc.start.line, column: 0 },
          });
        out +=
          template.code.replace(/export function render/, 'function _sfc_render') +
          '\n_sfc_main.render = _sfc_render;\n';
      }
      for (const style of descriptor.styles) {
        if (style.lang && style.lang !== 'css')
          this.error({
            message: `<style lang="${style.lang}"> needs a preprocessor; use plain CSS`,
            loc: { file: id, line: style.loc.start.line, column: 0 },
          });
        const compiled = compileStyle({
          source: style.content,
          filename: id,
          id: dataV,
          scoped: Boolean(style.scoped),
          isProd: true,
        });
        if (compiled.errors.length > 0)
          this.error({ message: String(compiled.errors[0]), loc: { file: id, line: style.loc.start.line, column: 0 } });
        out += styleInjection(compiled.code);
      }
      if (scoped) out += `_sfc_main.__scopeId = ${JSON.stringify(dataV)};\n`;
      out += 'export default _sfc_main;\n';
      const lang = scriptLang(descriptor);
      if (lang === 'ts' || lang === 'tsx') {
        const result = await transform(out, { loader: lang, sourcefile: id, format: 'esm', target: 'es2022' });
        return { code: result.code, map: null };
      }
      return { code: out, map: null };
    },
  };
}

/** TypeScript / JSON / CSS inside rollup, through esbuild's transform (fast, no type check). */
export function transformPlugin(): Plugin {
  return {
    name: 'annex-transform',
    async transform(code, id) {
      if (/\.(m|c)?tsx?$/.test(id)) {
        try {
          const result = await transform(code, {
            loader: id.endsWith('x') ? 'tsx' : 'ts',
            sourcefile: id,
            sourcemap: true,
            format: 'esm',
            target: 'es2022',
          });
          return { code: result.code, map: result.map };
        } catch (error) {
          const e = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
          if (e)
            this.error({
              message: e.text,
              ...(e.location ? { loc: { file: id, line: e.location.line, column: e.location.column } } : {}),
            });
          throw error;
        }
      }
      if (id.endsWith('.json')) return { code: `export default ${code};`, map: null };
      if (id.endsWith('.css')) return { code: styleInjection(code), map: null };
      if (id.includes('/node_modules/') && code.includes('process.env.NODE_ENV')) {
        return { code: code.replace(/process\.env\.NODE_ENV/g, '"production"'), map: null };
      }
      return null;
    },
  };
}

/** Minifies the rendered chunk with esbuild (rollup chains the source maps). */
export function minifyPlugin(): Plugin {
  return {
    name: 'annex-minify',
    async renderChunk(code) {
      const result = await transform(code, {
        minify: true,
        format: 'esm',
        target: 'es2022',
        sourcemap: true,
        legalComments: 'none',
      });
      return { code: result.code, map: result.map };
    },
  };
}

const SDK_ENTRY = sdkEntryPath();

/** `@annex/sdk-extension` (define* identity helpers) resolves to this SDK's browser-safe entry. */
export function sdkAliasPlugin(): Plugin {
  return {
    name: 'annex-sdk-alias',
    resolveId(id) {
      return id === '@annex/sdk-extension' ? SDK_ENTRY : null;
    },
  };
}

/** Modules generated in memory (bundle entrypoints). */
export function virtualPlugin(modules: Record<string, string>): Plugin {
  const PREFIX = '\0annex-virtual:';
  return {
    name: 'annex-virtual',
    resolveId(id) {
      return id in modules ? PREFIX + id : null;
    },
    load(id) {
      return id.startsWith(PREFIX) ? modules[id.slice(PREFIX.length)] : null;
    },
  };
}
