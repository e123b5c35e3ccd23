import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';
import { sdkEntryPath } from '../sdk-entry.js';
import { compileSfc, styleInjection, type SfcResult } from './sfc-compile.js';

/**
 * Vue SFCs and CSS inside one esbuild build: a `.vue` file is compiled by `@vue/compiler-sfc`
 * and handed back to esbuild in its script's language, so TypeScript is stripped by esbuild itself
 * in the same pass (no transform round-trip per file); `.css` becomes injection code, as in the
 * rollup build.
 */
export function vueEsbuildPlugin(cwd: string, sourceMap: boolean, compile = compileSfc): Plugin {
  // esbuild calls onLoad again for every file on each rebuild of a context (`dev`): an SFC whose
  // text did not change reuses its compiled module instead of being compiled again.
  const compiled = new Map<string, { source: string; result: SfcResult }>();
  return {
    name: 'annex-vue-sfc',
    setup(build) {
      build.onLoad({ filter: /\.vue$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const cached = compiled.get(args.path);
        const result = cached?.source === source ? cached.result : compile(source, args.path, cwd, sourceMap);
        compiled.set(args.path, { source, result });
        if (!result.ok) {
          const lineText = result.loc ? (source.split('\n')[result.loc.line - 1] ?? '') : '';
          return {
            errors: [
              {
                text: `${result.message} [${result.code ?? 'SDK_SYNTAX_ERROR'}]`,
                ...(result.loc ? { location: { file: args.path, ...result.loc, lineText } } : {}),
              },
            ],
            watchFiles: [args.path],
          };
        }
        // esbuild chains an inline input map, so the output maps .vue scripts to their source.
        const map = result.map
          ? `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(result.map).toString('base64')}\n`
          : '';
        return { contents: result.code + map, loader: result.lang, resolveDir: dirname(args.path) };
      });
      build.onLoad({ filter: /\.css$/ }, async (args) => ({
        contents: styleInjection(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

const SDK_ENTRY = sdkEntryPath();

/** `@annex/sdk-extension` (define* identity helpers) resolves to this SDK's browser-safe entry. */
export function sdkAliasEsbuildPlugin(): Plugin {
  return {
    name: 'annex-sdk-alias',
    setup(build) {
      build.onResolve({ filter: /^@annex\/sdk-extension$/ }, () => ({ path: SDK_ENTRY }));
    },
  };
}
