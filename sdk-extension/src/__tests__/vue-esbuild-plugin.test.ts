import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compileSfc } from '../internal/build/sfc-compile.js';
import { vueEsbuildPlugin } from '../internal/build/vue-esbuild-plugin.js';
import { makeExtension } from './fixture.js';

// Counts the compiler's calls (the plugin takes the compile function, compileSfc by default).
const compiled: string[] = [];
const counting: typeof compileSfc = (source, file, cwd, sourceMap) => {
  compiled.push(file.split('/').pop()!);
  return compileSfc(source, file, cwd, sourceMap);
};

describe('vueEsbuildPlugin in a rebuilt context (dev)', () => {
  it('compiles again only the SFCs whose text changed', async () => {
    const dir = await makeExtension(
      { name: 'v', version: '1.0.0' },
      {
        'src/index.js': "import A from './a.vue';\nimport B from './b.vue';\nexport default [A, B];\n",
        'src/a.vue': '<template><i>a</i></template>\n',
        'src/b.vue': '<template><i>b</i></template>\n',
      },
    );
    const ctx = await esbuild.context({
      entryPoints: [join(dir, 'src/index.js')],
      bundle: true,
      write: false,
      format: 'esm',
      external: ['vue'],
      logLevel: 'silent',
      plugins: [vueEsbuildPlugin(dir, false, counting)],
    });
    try {
      await ctx.rebuild();
      expect(compiled.sort()).toEqual(['a.vue', 'b.vue']);
      compiled.length = 0;
      await writeFile(join(dir, 'src/b.vue'), '<template><i>b2</i></template>\n');
      const result = await ctx.rebuild();
      expect(compiled).toEqual(['b.vue']);
      expect(result.outputFiles![0]!.text).toContain('b2');
    } finally {
      await ctx.dispose();
    }
  });
});
