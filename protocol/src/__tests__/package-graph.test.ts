import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|js|mjs)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

describe('package graph', () => {
  it('is the first workspace and depends on nothing but zod and tar (for npm packing), neither built natively', () => {
    expect(readJson('package.json').workspaces[0]).toBe('protocol');
    const deps = Object.keys(readJson('protocol/package.json').dependencies).sort();
    expect(deps).toEqual(['tar', 'zod']);
    for (const dep of deps) {
      const pkg = readJson(`node_modules/${dep}/package.json`);
      expect(fs.existsSync(path.join(root, 'node_modules', dep, 'binding.gyp')), dep).toBe(false);
      expect(pkg.gypfile ?? false, dep).toBe(false);
      expect(pkg.scripts?.install ?? null, dep).toBeNull();
    }
  });

  it('is what the scaffolder and the marketplace depend on, not the runtime', () => {
    for (const pkg of ['create-extension', 'marketplace']) {
      const deps = readJson(`${pkg}/package.json`).dependencies;
      expect(deps).toHaveProperty('@annex/protocol');
      expect(deps).not.toHaveProperty('@annex/runtime');
    }
  });

  it("no source imports the runtime's removed protocol subpath", () => {
    const offenders = [
      'protocol/src',
      'runtime/src',
      'host/src',
      'host/builtins',
      'sdk-extension/src',
      'create-extension/src',
      'marketplace/src',
      'test',
      'bench',
    ]
      .flatMap(sources)
      .filter((file) => fs.readFileSync(file, 'utf8').includes(['@annex/runtime', 'protocol'].join('/')));
    expect(offenders).toEqual([]);
  });
});
