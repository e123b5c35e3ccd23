import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../node/build.js';
import { cli, makeExtension, manifest } from './fixture.js';

const sandboxed = (files: Record<string, string>) =>
  makeExtension(
    manifest({
      type: 'endpoint',
      path: 'dist/index.js',
      source: 'src/index.js',
      sandbox: { enabled: true, requestedScopes: { log: {} } },
    }),
    files,
  );

describe('build diagnostics', () => {
  it('reports a syntax error with file:line:column and exits 1', async () => {
    const dir = await makeExtension(manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.ts' }), {
      'src/index.ts': 'export default () => {\n  const x = ;\n};\n',
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ code: 'SDK_SYNTAX_ERROR', file: 'src/index.ts', line: 2 });
    const out = await cli(dir, 'build');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('src/index.ts:2:');
  });

  it('rejects node built-ins in a sandboxed build at the import site', async () => {
    const dir = await sandboxed({
      'src/index.js':
        "import { log } from 'directus:api';\nimport fs from 'node:fs';\nexport default (router) => router.get('/', () => ({ status: 200, body: fs.existsSync('x') }));\n",
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'SDK_SANDBOX_FORBIDDEN_IMPORT', file: 'src/index.js', line: 2 }),
    );
  });

  it('rejects __dirname and dynamic require in a sandboxed build with their source line', async () => {
    const dir = await sandboxed({
      'src/index.js':
        "export default (router) => {\n  const a = 1;\n  router.get('/', () => ({ status: 200, body: __dirname }));\n  const m = require(String(a));\n};\n",
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(false);
    const codes = report.diagnostics.map((d) => [d.code, d.line]);
    expect(codes).toContainEqual(['SDK_SANDBOX_FORBIDDEN_GLOBAL', 3]);
    expect(codes).toContainEqual(['SDK_SANDBOX_FORBIDDEN_GLOBAL', 4]);
  });

  it('inlines a local import() and rejects one computed at run time, at its source line', async () => {
    const local = "  router.get('/a', async () => ({ status: 200, body: (await import('./lazy.js')).answer }));\n";
    const dir = await sandboxed({
      'src/lazy.js': 'export const answer = 42;\n',
      'src/index.js': `export default (router) => {\n${local}  const name = './' + 'lazy.js';\n  router.get('/b', async () => ({ status: 200, body: await import(name) }));\n};\n`,
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['SDK_SANDBOX_DYNAMIC_IMPORT', 'src/index.js', 4],
    ]);

    await writeFile(join(dir, 'src/index.js'), `export default (router) => {\n${local}};\n`);
    const fixed = await build({ cwd: dir });
    expect(fixed.ok).toBe(true);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).toContain('42');
  });

  it('bundles a sandboxed extension into one ES module importing only directus:api, with a source map', async () => {
    const dir = await sandboxed({
      'src/util.js': 'export const greet = (n) => `hi ${n}`;\n',
      'src/index.js':
        "import { log } from 'directus:api';\nimport { greet } from './util.js';\nexport default (router) => router.get('/', () => { log(greet('x')); return { status: 200, body: 'ok' }; });\n",
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(true);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect([...code.matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1])).toEqual(['directus:api']);
    expect(code).toContain('export');
    expect(JSON.parse(await readFile(join(dir, 'dist/index.js.map'), 'utf8')).sources).toContain('../src/util.js');
  });

  it('names the manifest field and exits 1 on a bad manifest', async () => {
    const dir = await makeExtension(
      {
        name: 'x',
        version: '1.0.0',
        'directus:extension': { type: 'hook', path: 'dist/index.js', source: 'src/index.js' },
      },
      {},
    );
    const out = await cli(dir, 'build', '--json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.diagnostics[0]).toMatchObject({ code: 'SDK_MANIFEST_INVALID', field: 'directus:extension.host' });
  });

  it('emits CJS for a trusted api extension without "type": "module" (as Directus)', async () => {
    const dir = await makeExtension(
      { ...manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js' }), type: undefined },
      { 'src/index.js': 'export default ({ action }) => action("x", () => {});\n' },
    );
    expect((await build({ cwd: dir })).ok).toBe(true);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toContain('module.exports');
  });

  it('builds a bundle into app and api entrypoints exporting every entry', async () => {
    const dir = await makeExtension(
      manifest({
        type: 'bundle',
        path: { app: 'dist/app.js', api: 'dist/api.js' },
        entries: [
          { type: 'hook', name: 'h', source: 'src/h.js' },
          { type: 'display', name: 'd', source: 'src/d.js' },
          { type: 'operation', name: 'o', source: { app: 'src/o-app.js', api: 'src/o-api.js' } },
        ],
      }),
      {
        'src/h.js': 'export default () => {};\n',
        'src/d.js': "export default { id: 'd' };\n",
        'src/o-app.js': "export default { id: 'o' };\n",
        'src/o-api.js': "export default { id: 'o', handler: () => 1 };\n",
      },
    );
    expect((await build({ cwd: dir, minify: false })).ok).toBe(true);
    const api = await import(join(dir, 'dist/api.js'));
    expect(api.hooks.map((h: { name: string }) => h.name)).toEqual(['h']);
    expect(api.operations[0].config.id).toBe('o');
    expect(api.endpoints).toEqual([]);
    const app = await readFile(join(dir, 'dist/app.js'), 'utf8');
    expect(app).toMatch(/displays/);
  });

  it('compiles Vue SFCs for app extensions and keeps vue external', async () => {
    const dir = await makeExtension(manifest({ type: 'interface', path: 'dist/index.js', source: 'src/index.ts' }), {
      'src/index.ts': "import C from './c.vue';\nexport default { id: 'i', component: C };\n",
      'src/c.vue':
        '<template><b>{{ n }}</b></template>\n<script setup lang="ts">\nconst n: number = 1;\n</script>\n<style scoped>b { color: red }</style>\n',
    });
    const report = await build({ cwd: dir });
    expect(report.ok).toBe(true);
    const code = await readFile(join(dir, 'dist/index.js'), 'utf8');
    expect(code).toMatch(/from\s*["']vue["']/);
    expect(code).toContain('data-v-');
  });

  it('builds from -t -i -o without reading the manifest entry', async () => {
    const dir = await makeExtension({ name: 'x', version: '1.0.0' }, { 'in.js': 'export default () => {};\n' });
    const out = await cli(dir, 'build', '-t', 'hook', '-i', 'in.js', '-o', 'out/x.js');
    expect(out.code).toBe(0);
    expect(await readFile(join(dir, 'out/x.js'), 'utf8')).toContain('export');
  });
});
