import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { isBundleFresh } from '@annex/protocol/bundle';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.js';

/*
 * scripts/bundle-cjs.mjs bundles one copy of each package name and version (issue 20: footprint):
 * npm nests a package once per dependent when the hoisted copy has another version (mime-db 1.52.0
 * sat four times in the host's bundle), and each bundled copy is one more instance in memory.
 */

type BundleCommonJs = (options: {
  build: typeof build;
  root: string;
  entry: string;
  outfile: string;
}) => Promise<{ inputs: number; bytes: number }>;

function writePackage(dir: string, name: string, version: string, main: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), main);
}

/** node_modules with `a` and `b` each nesting dup@1.0.0, `c` nesting dup@1.1.0, and dup@2.0.0 hoisted. */
function createTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-dedupe-'));
  const nm = path.join(root, 'node_modules');
  const dup = (version: string) => `module.exports = { version: ${JSON.stringify(version)}, instance: {} };\n`;
  for (const user of ['a', 'b', 'c']) {
    writePackage(path.join(nm, user), user, '1.0.0', "module.exports = require('dup');\n");
    writePackage(path.join(nm, user, 'node_modules', 'dup'), 'dup', user === 'c' ? '1.1.0' : '1.0.0', '');
    fs.writeFileSync(path.join(nm, user, 'node_modules', 'dup', 'index.js'), dup(user === 'c' ? '1.1.0' : '1.0.0'));
  }
  writePackage(path.join(nm, 'dup'), 'dup', '2.0.0', dup('2.0.0'));
  return root;
}

describe('bundleCommonJs takes one copy of each package name and version', () => {
  it('shares one instance of identical nested copies and keeps other versions apart', async () => {
    const { bundleCommonJs } = (await import(path.join(REPO_ROOT, 'scripts', 'bundle-cjs.mjs'))) as {
      bundleCommonJs: BundleCommonJs;
    };
    const root = createTree();
    const outfile = path.join(root, 'out', 'bundle.cjs');
    await bundleCommonJs({
      build,
      root,
      entry: "module.exports = { a: require('a'), b: require('b'), c: require('c'), top: require('dup') };",
      outfile,
    });
    const { inputs } = JSON.parse(fs.readFileSync(outfile.replace(/\.cjs$/, '.json'), 'utf8')) as {
      inputs: [string, number, number][];
    };
    const dupFiles = inputs
      .map(([file]) => file)
      .filter((file) => /node_modules\/([abc]\/node_modules\/)?dup\//.test(file));
    // dup@1.0.0 once (a's and b's copies are the same code), dup@1.1.0 and dup@2.0.0 each once.
    expect(dupFiles.filter((f) => f.endsWith('index.js'))).toHaveLength(3);
    const report = execFileSync(
      process.execPath,
      [
        '-e',
        `const m = require(${JSON.stringify(outfile)}); process.stdout.write(JSON.stringify({ same: m.a === m.b, versions: [m.a.version, m.b.version, m.c.version, m.top.version] }));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(report)).toEqual({ same: true, versions: ['1.0.0', '1.0.0', '1.1.0', '2.0.0'] });
  });
});

describe("bundleCommonJs's freshness manifest", () => {
  it("stands for an npm-installed tree's files by npm's hidden lockfile, a project's output by its build info, other files by themselves", async () => {
    const { bundleCommonJs } = (await import(path.join(REPO_ROOT, 'scripts', 'bundle-cjs.mjs'))) as {
      bundleCommonJs: BundleCommonJs;
    };
    const root = createTree();
    fs.writeFileSync(path.join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3}\n');
    fs.writeFileSync(
      path.join(root, 'own.js'),
      "module.exports = { a: require('a'), lib: require('./lib/dist/lib.js') };\n",
    );
    fs.mkdirSync(path.join(root, 'lib', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'dist', 'lib.js'), 'module.exports = 1;\n');
    fs.writeFileSync(path.join(root, 'lib', 'tsconfig.tsbuildinfo'), '{"version":"5"}\n');
    const outfile = path.join(root, 'out', 'bundle.cjs');
    const { inputs: count } = await bundleCommonJs({
      build,
      root,
      entry: "module.exports = require('./own.js');",
      outfile,
    });
    const { format, inputs } = JSON.parse(fs.readFileSync(outfile.replace(/\.cjs$/, '.json'), 'utf8')) as {
      format: number;
      inputs: [string, number, number][];
    };
    expect(format).toBe(2);
    expect(count).toBeGreaterThan(3); // own.js, lib.js, a, and the dup copy a requires
    expect(inputs.map(([file]) => file).sort()).toEqual([
      '../lib/tsconfig.tsbuildinfo',
      '../node_modules/.package-lock.json',
      '../own.js',
    ]);
    expect(isBundleFresh(outfile)).toBe(true);
    // An install rewrites the lockfile: the bundle is older than the tree.
    fs.writeFileSync(path.join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    expect(isBundleFresh(outfile)).toBe(false);
    await bundleCommonJs({ build, root, entry: "module.exports = require('./own.js');", outfile });
    expect(isBundleFresh(outfile)).toBe(true);
    // A build of the project rewrites its build info.
    fs.writeFileSync(path.join(root, 'lib', 'tsconfig.tsbuildinfo'), '{"version":"5.1"}\n');
    expect(isBundleFresh(outfile)).toBe(false);
    await bundleCommonJs({ build, root, entry: "module.exports = require('./own.js');", outfile });
    fs.writeFileSync(path.join(root, 'own.js'), "module.exports = require('b');\n");
    expect(isBundleFresh(outfile)).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
