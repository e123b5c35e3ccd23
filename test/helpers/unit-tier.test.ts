import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRESH_PROCESS, LOAD_SENSITIVE, NOT_UNIT } from '../../vitest.config.js';
import { ROOT } from './host.js';

/** What a unit test does not do: start a child process or a browser, boot a host, need PostgreSQL. */
const NOT_A_UNIT = /playwright-core|node:child_process|startHost\(|ANNEX_TEST_PG|PG_URL/;

/** Every test file under <package>/src/**\/__tests__/ (the unit project's include), relative to the root. */
function srcTests(): string[] {
  const out: string[] = [];
  const walk = (dir: string, inTests: boolean) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory() && e.name !== 'node_modules') walk(rel, inTests || e.name === '__tests__');
      else if (inTests && e.name.endsWith('.test.ts')) out.push(rel);
    }
  };
  for (const pkg of fs.readdirSync(ROOT, { withFileTypes: true })) {
    if (pkg.isDirectory() && fs.existsSync(path.join(ROOT, pkg.name, 'src'))) walk(`${pkg.name}/src`, false);
  }
  return out.sort();
}

describe('npm run test:unit (the unit project)', () => {
  const elsewhere = new Set([...NOT_UNIT, ...LOAD_SENSITIVE, ...FRESH_PROCESS]);
  const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

  it('runs no test file that starts a process or a browser, boots a host or needs PostgreSQL', () => {
    const unit = srcTests().filter((f) => !elsewhere.has(f));
    expect(unit.length).toBeGreaterThan(40);
    expect(unit.filter((f) => NOT_A_UNIT.test(read(f)))).toEqual([]);
  });

  it('leaves out only files that exist and do one of those (the check above can tell)', () => {
    expect(NOT_UNIT.filter((f) => !fs.existsSync(path.join(ROOT, f)) || !NOT_A_UNIT.test(read(f)))).toEqual([]);
  });
});
