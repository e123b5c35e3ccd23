import { lstat, mkdtemp, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../node/build.js';
import { cli, makeExtension, manifest } from './fixture.js';

describe('add', () => {
  it('turns a single extension into a bundle and adds an entry that builds', async () => {
    const dir = await makeExtension(manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js' }), {
      'src/index.js': 'export default () => {};\n',
    });
    const out = await cli(
      dir,
      'add',
      '--type',
      'operation',
      '--name',
      'shout',
      '--language',
      'js',
      '--convert-name',
      'audit',
      '--json',
    );
    expect(out.code).toBe(0);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg['directus:extension']).toMatchObject({
      type: 'bundle',
      path: { app: 'dist/app.js', api: 'dist/api.js' },
      host: '^10.10.0',
      entries: [
        { type: 'hook', name: 'audit', source: 'src/audit/index.js' },
        { type: 'operation', name: 'shout', source: { app: 'src/shout/app.js', api: 'src/shout/api.js' } },
      ],
    });
    const report = await build({ cwd: dir });
    expect(report.diagnostics).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('requires flags without a terminal and rejects duplicate names', async () => {
    const dir = await makeExtension(
      manifest({
        type: 'bundle',
        path: { app: 'dist/app.js', api: 'dist/api.js' },
        entries: [{ type: 'hook', name: 'a', source: 'src/a/index.js' }],
      }),
      {},
    );
    expect((await cli(dir, 'add')).code).toBe(2);
    expect((await cli(dir, 'add', '--type', 'hook', '--name', 'a', '--language', 'js')).code).toBe(1);
  });
});

describe('link', () => {
  it('symlinks the folder into the extensions path with "/" replaced by "-"', async () => {
    const dir = await makeExtension({ ...manifest({ type: 'hook', path: 'dist/index.js' }), name: '@acme/thing' }, {});
    const target = await mkdtemp(join(tmpdir(), 'annex-link-'));
    expect((await cli(dir, 'link', target)).code).toBe(0);
    expect((await lstat(join(target, '@acme-thing'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(target, '@acme-thing'))).toBe(dir);
    expect((await cli(dir, 'link', target)).code).toBe(0);
    expect((await cli(dir, 'link')).code).toBe(2);
  });
});
