import { transform } from 'esbuild';
import type { Plugin } from 'rollup';
import { sdkEntryPath } from '../sdk-entry.js';
import { compileSfc, styleInjection } from './sfc-compile.js';

/** Vue SFCs for rollup (the `--bundler rollup` path): the shared compiler, then esbuild for TypeScript. */
export function vueSfcPlugin(cwd: string, sourceMap = false): Plugin {
  return {
    name: 'annex-vue-sfc',
    async transform(code, id) {
      if (!id.endsWith('.vue')) return null;
      const result = compileSfc(code, id, cwd, sourceMap);
      if (!result.ok)
        this.error({ message: result.message, ...(result.loc ? { loc: { file: id, ...result.loc } } : {}) });
      if (result.lang === 'js') return { code: result.code, map: result.map ?? null };
      const out = await transform(result.code, {
        loader: result.lang,
        sourcefile: id,
        format: 'esm',
        target: 'es2022',
      });
      // A map of the compiled module, not of the .vue file, would mislead: none, as before.
      return { code: out.code, map: null };
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
