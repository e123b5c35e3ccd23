import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scaffold } from '../scaffold.js';
import { getSdkDependency } from '../sdk-source.js';

const CHECKOUT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

async function layout(files: Record<string, unknown>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'annex-sdk-source-'));
  for (const [rel, json] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), JSON.stringify(json));
  }
  return root;
}

describe('getSdkDependency', () => {
  it('links the checkout SDK when run from an Annex checkout', () => {
    expect(getSdkDependency(join(CHECKOUT, 'create-extension'))).toBe(`file:${join(CHECKOUT, 'sdk-extension')}`);
  });

  it('uses the registry version released with the scaffolder when installed from a registry', async () => {
    // node_modules/create-annex-extension: the parent is no workspace root holding the SDK.
    const root = await layout({
      'package.json': { name: 'someone-elses-app', dependencies: {} },
      'node_modules/create-annex-extension/package.json': { name: 'create-annex-extension', version: '1.4.2' },
    });
    expect(getSdkDependency(join(root, 'node_modules/create-annex-extension'))).toBe('^1.4.2');
  });

  it('does not mistake a workspace without the SDK for a checkout', async () => {
    const root = await layout({
      'package.json': { workspaces: ['create-extension', 'sdk-extension'] },
      'create-extension/package.json': { name: 'create-annex-extension', version: '0.3.0' },
      'sdk-extension/package.json': { name: 'not-the-sdk' },
    });
    expect(getSdkDependency(join(root, 'create-extension'))).toBe('^0.3.0');
  });

  it('a scaffolded project depends on what it returns', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'annex-sdk-source-scaffold-'));
    const result = await scaffold({ name: 'linked', type: 'hook', language: 'typescript', sandbox: false, cwd });
    const pkg = JSON.parse(await readFile(join(result.dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@annex/sdk-extension']).toBe(getSdkDependency());
    expect(pkg.devDependencies['@annex/sdk-extension']).toMatch(/^file:/);
  });
});
