import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

const BIOME = join(REPO_ROOT, 'node_modules/@biomejs/biome/bin/biome');

/** Lints `code` as a file of this repository (removed afterwards), with the repository's config. */
function lint(code: string): { status: number | null; rules: string[] } {
  const path = join('test/repo', `.lint-probe-${process.pid}.ts`);
  writeFileSync(join(REPO_ROOT, path), code);
  let result;
  try {
    result = spawnSync(process.execPath, [BIOME, 'lint', '--error-on-warnings', '--reporter=json', path], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
  } finally {
    rmSync(join(REPO_ROOT, path), { force: true });
  }
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    diagnostics?: { category?: string }[];
  };
  return { status: result.status, rules: (report.diagnostics ?? []).map((d) => d.category ?? '') };
}

describe('npm run lint', () => {
  it('fails on a real bug pattern (a comparison with NaN, a duplicate key)', () => {
    const result = lint('export const isMissing = (v: number) => v === NaN;\nexport const o = { a: 1, a: 2 };\n');
    expect(result.status).not.toBe(0);
    expect(result.rules).toEqual(
      expect.arrayContaining(['lint/correctness/useIsNan', 'lint/suspicious/noDuplicateObjectKeys']),
    );
  });

  it('passes clean code', () => {
    expect(lint('export const isMissing = (v: number) => Number.isNaN(v);\n')).toEqual({ status: 0, rules: [] });
  });
});
