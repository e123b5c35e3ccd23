import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typeCheck } from './type-check.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function project(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'annex-type-check-'));
  dirs.push(dir);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022'], types: [] },
      include: ['index.ts'],
    }),
  );
  await writeFile(join(dir, 'index.ts'), source);
  return dir;
}

describe('typeCheck (tsc -p without a process per project)', () => {
  it('reports what tsc reports, for each project, with the shared declaration files', async () => {
    const clean = await project('export const n: number = [1, 2].length;\n');
    const broken = await project("export const n: number = 'one';\n");
    expect(typeCheck(clean)).toBe('');
    // The second program reuses the first one's lib files and still sees its own error.
    expect(typeCheck(broken)).toMatch(/index\.ts\(1,14\): error TS2322/);
    expect(typeCheck(clean)).toBe('');
  });
});
