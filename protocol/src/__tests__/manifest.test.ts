import { describe, expect, it } from 'vitest';
import { getRequestedScopes, isSandboxed, parseManifest } from '../manifest.js';

const pkg = (options: Record<string, unknown>) => ({ name: 'x', version: '1.0.0', 'directus:extension': options });

describe('manifest', () => {
  it('accepts every Directus shape unchanged', () => {
    expect(
      parseManifest(pkg({ type: 'interface', path: 'dist/index.js', source: 'src/index.ts', host: '^10.10.0' })).ok,
    ).toBe(true);
    expect(parseManifest(pkg({ type: 'operation', path: { app: 'a.js', api: 'b.js' }, host: '^10.10.0' })).ok).toBe(
      true,
    );
    expect(
      parseManifest(
        pkg({
          type: 'bundle',
          path: { app: 'a.js', api: 'b.js' },
          entries: [{ type: 'hook', name: 'h', source: 'src/h.ts' }],
          host: '*',
        }),
      ).ok,
    ).toBe(true);
  });

  it('names the offending field', () => {
    const result = parseManifest(pkg({ type: 'widget', path: 'x.js' }));
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toContain('directus:extension.type');
    expect(paths).toContain('directus:extension.host');
  });

  it('rejects a package that is not an extension and a non-object', () => {
    expect(parseManifest({ name: 'x', version: '1.0.0' })).toMatchObject({
      ok: false,
      issues: [{ path: 'directus:extension' }],
    });
    expect(parseManifest([])).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
  });

  it('merges sandbox.requestedScopes with annex.scopes and never sandboxes a bundle', () => {
    const result = parseManifest(
      pkg({
        type: 'hook',
        path: 'x.js',
        host: '*',
        sandbox: { enabled: true, requestedScopes: { log: {}, emit: ['a.*'] } },
        annex: { scopes: { emit: ['b.*'], storage: {} } },
      }),
    );
    if (!result.ok) throw new Error('expected a valid manifest');
    const options = result.manifest['directus:extension'];
    expect(getRequestedScopes(options)).toEqual({ log: {}, emit: ['a.*', 'b.*'], storage: {} });
    expect(isSandboxed(options)).toBe(true);
  });
});

describe('app extension lists', () => {
  it('names the list of every app and hybrid type, as the Directus app does', async () => {
    const { APP_EXTENSION_LISTS, APP_EXTENSION_TYPES, HYBRID_EXTENSION_TYPES } = await import('../constants.js');
    expect(Object.keys(APP_EXTENSION_LISTS).sort()).toEqual([...APP_EXTENSION_TYPES, ...HYBRID_EXTENSION_TYPES].sort());
    expect(Object.values(APP_EXTENSION_LISTS).sort()).toEqual([
      'displays',
      'interfaces',
      'layouts',
      'modules',
      'operations',
      'panels',
      'themes',
    ]);
  });
});
