// Rollup plugin for the icon set: ships Material Symbols (the names Directus uses) locally.
// - `virtual:annex-icon-names` exports the set of ligature names the font draws, loaded lazily by v-icon so the first page does not pay for it;
// - the woff2 font is emitted once as assets/fonts/material-symbols-outlined.woff2 and
//   `virtual:annex-icon-font` exports its URL.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ligatureNames } from './ligatures.js';

const NAMES = 'virtual:annex-icon-names';
const FONT = 'virtual:annex-icon-font';
const FONT_FILE = 'fonts/material-symbols-outlined.woff2';

export function fontPackageDir() {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@material-symbols/font-400/package.json'));
}

/** Every ligature name the shipped font draws (read from the font itself, aliases included). */
export function readIconNames(dir = fontPackageDir()) {
  return [...ligatureNames(fs.readFileSync(path.join(dir, 'material-symbols-outlined.woff2')))].sort();
}

export function iconsPlugin({ base = '/admin/assets/' } = {}) {
  return {
    name: 'annex-icons',
    resolveId: (id) => (id === NAMES || id === FONT ? `\0${id}` : null),
    load(id) {
      if (id === `\0${NAMES}`) return `export default new Set(${JSON.stringify(readIconNames())});`;
      if (id === `\0${FONT}`) return `export default ${JSON.stringify(base + FONT_FILE)};`;
      return null;
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: FONT_FILE,
        source: fs.readFileSync(path.join(fontPackageDir(), 'material-symbols-outlined.woff2')),
      });
    },
  };
}
