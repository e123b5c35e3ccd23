import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXTENSION_TYPES, parseManifest } from '@annex/protocol';
import { runCreate, type CreateIO } from '../cli.js';
import { detectPackageManager } from '../package-manager.js';
import { extensionId, scaffold } from '../scaffold.js';

async function create(argv: string[], input = '', env: Record<string, string> = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'annex-create-'));
  let stdout = '';
  let stderr = '';
  const installs: string[] = [];
  const io: CreateIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: Readable.from([input]),
    isTTY: false,
    env,
    cwd,
    install: async (pm, dir) => (installs.push(`${pm} ${dir}`), 0),
  };
  const code = await runCreate(argv, io);
  return { code, stdout, stderr, cwd, installs };
}

async function snapshot(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = join(rel, e.name);
    if (e.isDirectory()) Object.assign(out, await snapshot(dir, p));
    else out[p] = await readFile(join(dir, p), 'utf8');
  }
  return out;
}

describe('create-annex-extension', () => {
  it('scaffolds every type in both languages with a Directus-shaped, valid manifest', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'annex-create-all-'));
    for (const type of EXTENSION_TYPES) {
      for (const language of ['typescript', 'javascript'] as const) {
        const result = await scaffold({ name: `x-${type}-${language}`, type, language, sandbox: false, cwd });
        const pkg = JSON.parse(await readFile(join(result.dir, 'package.json'), 'utf8'));
        expect(parseManifest(pkg).ok).toBe(true);
        expect(pkg['directus:extension'].host).toBe('^10.10.0');
        expect(Object.keys(pkg['directus:extension'])[0]).toBe('type');
        expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'dev', 'validate', 'test', 'link']));
        expect(result.files).toContain('README.md');
        expect(result.files.some((f) => f.startsWith('test/'))).toBe(true);
        const sources = Object.values(await snapshot(result.dir)).join('\n');
        expect(sources).not.toMatch(/__[A-Z_]+__/);
        expect(sources).not.toContain("id: 'custom'");
      }
    }
  });

  it('writes the sandbox manifest for sandboxed api types and refuses it for app types', async () => {
    const ok = await create(['my-hook', '--type', 'hook', '--language', 'js', '--sandbox', '--no-install']);
    expect(ok.code).toBe(0);
    const pkg = JSON.parse(await readFile(join(ok.cwd, 'my-hook/package.json'), 'utf8'));
    expect(pkg['directus:extension']).toEqual({
      type: 'hook',
      path: 'dist/index.js',
      source: 'src/index.js',
      host: '^10.10.0',
      sandbox: { enabled: true, requestedScopes: { log: {} } },
    });
    expect((await create(['my-panel', '--type', 'panel', '--sandbox', '--no-install'])).code).toBe(1);
  });

  it('produces the same project from piped answers as from flags', async () => {
    const flags = await create(['word-count', '--type', 'endpoint', '--language', 'ts', '--sandbox', '--no-install']);
    const piped = await create([], 'endpoint\nword-count\nts\ny\nn\n');
    expect(piped.code).toBe(0);
    expect(await snapshot(join(piped.cwd, 'word-count'))).toEqual(await snapshot(join(flags.cwd, 'word-count')));
    expect(piped.stderr).toContain('Extension type');
  });

  it('accepts the type by number and re-asks invalid answers', async () => {
    const r = await create([], '99\n7\nmy-hook\nxx\njs\nn\nn\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(r.cwd, 'my-hook/package.json'), 'utf8'))['directus:extension'].type).toBe(
      'hook',
    );
  });

  it('fails with exit 2 instead of hanging when stdin ends before all answers', async () => {
    const r = await create([], 'hook\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass it as a flag');
  });

  it('installs with the package manager that invoked it', async () => {
    const r = await create(['p', '--type', 'theme', '--yes'], '', {
      npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.19.0 linux x64',
    });
    expect(r.code).toBe(0);
    expect(r.installs[0]).toMatch(/^pnpm /);
    expect(detectPackageManager('yarn/1.22.0 npm/? node/v20')).toBe('yarn');
    expect(detectPackageManager(undefined)).toBe('npm');
  });

  it('refuses a non-empty target folder and invalid names', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'annex-create-busy-'));
    await mkdir(join(cwd, 'busy'));
    await writeFile(join(cwd, 'busy/file'), 'x');
    await expect(
      scaffold({ name: 'busy', type: 'hook', language: 'javascript', sandbox: false, cwd }),
    ).rejects.toMatchObject({ code: 'CREATE_DIR_NOT_EMPTY' });
    expect((await create(['Bad Name', '--type', 'hook', '--yes'])).code).toBe(2);
    expect((await create(['x', '--type', 'widget', '--yes'])).code).toBe(2);
  });

  it('derives meaningful ids from package names', () => {
    expect(extensionId('@acme/directus-extension-word-count')).toBe('word-count');
    expect(extensionId('annex-extension-slugs')).toBe('slugs');
    expect(extensionId('my-panel')).toBe('my-panel');
  });
});
