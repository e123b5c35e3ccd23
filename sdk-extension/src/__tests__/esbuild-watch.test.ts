import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createEsbuildTargetWatch, type TargetRebuild } from '../internal/build/esbuild-watch.js';
import { makeExtension } from './fixture.js';

describe('createEsbuildTargetWatch', () => {
  it('drops a build whose input changed while it ran and writes only the next one', async () => {
    const dir = await makeExtension(
      { name: 'w', version: '1.0.0' },
      {
        'src/index.js': "export { word } from './word.js';\n",
        'src/word.js': "export const word = 'w0';\n",
      },
    );
    const word = join(dir, 'src/word.js');
    // Simulates a save landing in two parts around the build's read: the build reads 'half', then
    // the rest of the save ('whole') is written before the build ends.
    const racing: Plugin = {
      name: 'racing-save',
      setup(b) {
        b.onLoad({ filter: /word\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (text.includes('half')) await writeFile(word, "export const word = 'whole';\n");
          return { contents: text, loader: 'js' };
        });
      },
    };
    const finalized: string[] = [];
    const events: TargetRebuild[] = [];
    let wake: (() => void) | undefined;
    const watch = await createEsbuildTargetWatch({
      cwd: dir,
      root: join(dir, 'src'),
      polling: false,
      options: {
        entryPoints: [join(dir, 'src/index.js')],
        outfile: join(dir, 'dist/index.js'),
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        logLevel: 'silent',
        absWorkingDir: dir,
        plugins: [racing],
      },
      finalize: async (result) => {
        finalized.push(result.outputFiles!.map((f) => f.text).join(''));
        return [];
      },
      onRebuild: (e) => {
        events.push(e);
        wake?.();
      },
    });
    try {
      await watch.ready;
      expect(finalized).toHaveLength(1);
      await writeFile(word, "export const word = 'half';\n");
      while (!finalized.some((t) => t.includes('whole'))) await new Promise<void>((r) => (wake = r));
      expect(finalized.slice(1).filter((t) => t.includes('half'))).toEqual([]);
      expect(events.every((e) => e.ok)).toBe(true);
    } finally {
      await watch.close();
    }
  });
});
