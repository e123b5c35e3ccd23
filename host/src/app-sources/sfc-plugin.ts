import { createHash } from 'node:crypto';
import { compileScript, compileStyle, compileTemplate, parse, type BindingMetadata } from '@vue/compiler-sfc';
import { transform } from 'esbuild';
import type { Plugin } from 'rollup';

/** JS that appends a <style> element once per module evaluation. */
export function injectCss(css: string): string {
  return `if (typeof document !== 'undefined') { const el = document.createElement('style'); el.textContent = ${JSON.stringify(css)}; document.head.appendChild(el); }\n`;
}

/**
 * Compiles Vue single-file components (`<script setup>` or `<script>` + `<template>`, plain or
 * scoped CSS, `lang="ts"`) for rollup; also turns `.css` imports into style injection.
 */
export function vueSfcPlugin(): Plugin {
  return {
    name: 'annex-vue-sfc',
    async transform(code, id) {
      if (id.endsWith('.css')) return { code: injectCss(code), map: null };
      if (!id.endsWith('.vue')) return null;
      const { descriptor, errors } = parse(code, { filename: id });
      if (errors.length) this.error(errors[0] as Error);
      const scopeId = createHash('sha256').update(id).digest('hex').slice(0, 8);
      const scoped = descriptor.styles.some((s) => s.scoped);
      const compilerOptions = scoped ? { scopeId: `data-v-${scopeId}` } : {};
      let out = '';
      let bindings: BindingMetadata | undefined;
      if (descriptor.script || descriptor.scriptSetup) {
        const script = compileScript(descriptor, {
          id: scopeId,
          isProd: true,
          inlineTemplate: Boolean(descriptor.scriptSetup),
          genDefaultAs: '__sfc',
          templateOptions: { scoped, compilerOptions },
        });
        bindings = script.bindings;
        out += script.content + '\n';
      } else {
        out += 'const __sfc = {};\n';
      }
      if (descriptor.template && !descriptor.scriptSetup) {
        const t = compileTemplate({
          source: descriptor.template.content,
          filename: id,
          id: scopeId,
          scoped,
          isProd: true,
          compilerOptions: { ...compilerOptions, bindingMetadata: bindings },
        });
        if (t.errors.length) this.error(String(t.errors[0]));
        out += t.code.replace(/export function render/, 'function __render') + '\n__sfc.render = __render;\n';
      }
      for (const style of descriptor.styles) {
        const css = compileStyle({
          source: style.content,
          filename: id,
          id: `data-v-${scopeId}`,
          scoped: Boolean(style.scoped),
          isProd: true,
        });
        if (css.errors.length) this.error(String(css.errors[0]));
        out += injectCss(css.code);
      }
      if (scoped) out += `__sfc.__scopeId = "data-v-${scopeId}";\n`;
      out += 'export default __sfc;\n';
      const lang = descriptor.scriptSetup?.lang ?? descriptor.script?.lang;
      if (lang === 'ts')
        out = (await transform(out, { loader: 'ts', sourcefile: id, format: 'esm', target: 'es2022' })).code;
      return { code: out, map: null };
    },
  };
}
