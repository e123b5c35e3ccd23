import { describe, expect, it } from 'vitest';
import { validate } from '../node/validate.js';
import { cli, makeExtension, manifest } from './fixture.js';

describe('validate', () => {
  it('passes a complete, built extension', async () => {
    const dir = await makeExtension(
      manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js', sandbox: { enabled: true } }),
      { 'README.md': '# x', 'dist/index.js': "import { log } from 'directus:api';\nexport default () => log('x');\n" },
    );
    const report = await validate(dir);
    expect(report.ok).toBe(true);
    expect((await cli(dir, 'validate')).code).toBe(0);
  });

  it('fails (exit 1) on missing README, license, build output and an invalid host range, naming fields', async () => {
    const dir = await makeExtension(
      {
        ...manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js', host: 'not a range' }),
        license: undefined,
      },
      {},
    );
    const report = await validate(dir);
    expect(report.ok).toBe(false);
    const codes = report.checks.flatMap((c) => c.diagnostics.map((d) => d.code));
    expect(codes).toEqual(
      expect.arrayContaining([
        'SDK_VALIDATE_README',
        'SDK_VALIDATE_LICENSE',
        'SDK_VALIDATE_HOST_RANGE',
        'SDK_VALIDATE_MISSING_BUILD',
      ]),
    );
    const out = await cli(dir, 'validate', '--json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { checks: { check: string; diagnostics: { field?: string }[] }[] };
    expect(json.checks.find((c) => c.check === 'directus-config')!.diagnostics[0]!.field).toBe(
      'directus:extension.host',
    );
  });

  it('checks annex.migrations: trusted only, present, and published by "files"', async () => {
    const codes = async (m: object, files: Record<string, string>) =>
      (
        await validate(await makeExtension(m, { 'README.md': '#', ...files }), ['directus-config'])
      ).checks[0]!.diagnostics.map((d) => d.code);
    const trusted = (extra: object = {}) => ({
      ...manifest({ type: 'endpoint', path: 'dist/index.js', annex: { migrations: 'migrations' } }),
      ...extra,
    });
    const migration = { 'migrations/001-init.js': 'export async function up() {}\n' };
    expect(await codes(trusted({ files: ['dist', 'migrations'] }), migration)).not.toContain(
      'SDK_VALIDATE_MIGRATIONS_NOT_PACKED',
    );
    expect(await codes(trusted({ files: ['dist'] }), migration)).toContain('SDK_VALIDATE_MIGRATIONS_NOT_PACKED');
    expect(await codes(trusted(), {})).toContain('SDK_VALIDATE_MIGRATIONS_MISSING');
    const sandboxed = manifest({
      type: 'endpoint',
      path: 'dist/index.js',
      sandbox: { enabled: true },
      annex: { migrations: 'migrations' },
    });
    expect(await codes(sandboxed, migration)).toContain('SDK_VALIDATE_MIGRATIONS_SANDBOXED');
  });

  it('runs only the checks named with -c', async () => {
    const dir = await makeExtension(manifest({ type: 'hook', path: 'dist/index.js' }), {});
    const out = await cli(dir, 'validate', '-c', 'license', '--json');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).checks.map((c: { check: string }) => c.check)).toEqual(['license']);
    expect((await cli(dir, 'validate', '-c', 'nope')).code).toBe(2);
  });

  it('reports manifest issues by field', async () => {
    const dir = await makeExtension(manifest({ type: 'widget', path: 'dist/index.js' }), { 'README.md': '#' });
    const report = await validate(dir, ['directus-config']);
    expect(report.ok).toBe(false);
    expect(report.checks[0]!.diagnostics[0]).toMatchObject({
      code: 'SDK_MANIFEST_INVALID',
      field: 'directus:extension.type',
    });
  });

  it('flags imports other than directus:api in a sandboxed build', async () => {
    const dir = await makeExtension(manifest({ type: 'endpoint', path: 'dist/index.js', sandbox: { enabled: true } }), {
      'README.md': '#',
      'dist/index.js': "import x from 'lodash';\nexport default x;\n",
    });
    const report = await validate(dir, ['built-code']);
    expect(report.checks[0]!.diagnostics[0]!.code).toBe('SDK_SANDBOX_FORBIDDEN_IMPORT');
  });
});
