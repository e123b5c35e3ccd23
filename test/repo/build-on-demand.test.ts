import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// A bin shim in a checkout whose package was never built: it builds the package, then runs it; when
// it cannot, it exits 1 with a message instead of a module-not-found stack.

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A miniature checkout: scripts/build-on-demand.mjs, and each package of `packages` (`pkg`) with a committed shim. */
function createCheckout(source: string, withTypeScript: boolean, packages = ['pkg']): string {
  const root = mkdtempSync(join(tmpdir(), 'annex-build-on-demand-'));
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts/build-on-demand.mjs'), join(root, 'scripts/build-on-demand.mjs'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'mini', private: true, type: 'module' }));
  for (const pkg of packages) {
    mkdirSync(join(root, pkg, 'src'), { recursive: true });
    mkdirSync(join(root, pkg, 'bin'));
    writeFileSync(join(root, pkg, 'package.json'), JSON.stringify({ name: pkg, type: 'module' }));
    const tsconfig = {
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        module: 'nodenext',
        target: 'es2022',
        // Not the default lib (es2022 + the DOM): parsing lib.dom.d.ts was two thirds of each tsc run.
        lib: ['es2022'],
        strict: true,
        composite: true,
        types: [],
      },
      include: ['src'],
    };
    writeFileSync(join(root, pkg, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(root, pkg, 'src/main.ts'), source);
    writeFileSync(join(root, pkg, 'src/console.d.ts'), 'declare const console: { log(text: string): void };\n');
    copyFileSync(join(REPO_ROOT, 'create-extension/bin/create-annex-extension.js'), join(root, pkg, 'bin/cli.js'));
  }
  if (withTypeScript) {
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(REPO_ROOT, 'node_modules/typescript'), join(root, 'node_modules/typescript'), 'dir');
  }
  return root;
}

function runShim(root: string, pkg = 'pkg') {
  return spawnSync(process.execPath, [join(root, pkg, 'bin/cli.js')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('bin shims in a never-built checkout', () => {
  it("build the package once, with the extension author's other CLIs, then run it", () => {
    // create-extension, sdk-extension, marketplace: the CLIs a fresh clone runs one after another,
    // built together by the first of them (one tsc -b), so the others then run without a build.
    const root = createCheckout("const greeting: string = 'ran';\nconsole.log(greeting);\n", true, [
      'create-extension',
      'sdk-extension',
      'marketplace',
    ]);
    const first = runShim(root, 'create-extension');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('ran\n');
    for (const pkg of ['create-extension', 'sdk-extension', 'marketplace']) {
      expect(existsSync(join(root, pkg, 'dist/main.js')), `${pkg} built`).toBe(true);
      const next = runShim(root, pkg);
      expect(next.status, next.stderr).toBe(0);
      expect(next.stdout).toBe('ran\n');
      expect(next.stderr, `${pkg} built nothing more`).toBe('');
    }
  });

  it('exit 1 without a stack when the build fails', () => {
    const root = createCheckout("const n: number = 'not a number';\nexport { n };\n", true);
    const result = runShim(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('pkg');
    expect(result.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
  });

  it('exit 1 without a stack when TypeScript is not installed', () => {
    const root = createCheckout('export {};\n', false);
    const result = runShim(root);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
    expect(existsSync(join(root, 'pkg/dist'))).toBe(false);
  });
});
