import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOST = fileURLToPath(new URL('../../../', import.meta.url));
const DRIVER = path.join(HOST, 'dist', 'db', 'driver.js');
const SCRATCH = path.join(HOST, '.driver-test');

/** Imports a built driver.js in a fresh node; opens a SQLite database through it and reads 1 + 1. */
function probe(driver: string): { source: string; packageFiles: number; sum: number } {
  const script = `
    import { createRequire } from 'node:module';
    const { db } = await import(${JSON.stringify(driver)});
    const knex = db.knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    const [row] = await knex.raw('select 1 + 1 as sum');
    await knex.destroy();
    const packageFiles = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\\\/](knex|objection|lodash)[\\\\/].*\\.js$/.test(f)).length;
    console.log(JSON.stringify({ source: db.source, packageFiles, sum: row.sum }));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
}

/* knex and objection come from one bundled file at boot (issue 20); the packages remain the fallback. */
describe('database libraries: the build bundle, or the packages', () => {
  beforeAll(() => {
    // The bundle is a build output (npm run build); make it here when only tsc ran.
    if (!fs.existsSync(path.join(HOST, 'dist', 'vendor', 'db.cjs')))
      execFileSync(process.execPath, [path.join(HOST, 'scripts', 'bundle-db.mjs')]);
    fs.rmSync(SCRATCH, { recursive: true, force: true });
  });
  afterAll(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

  it('loads the bundle when it matches the installed versions, without a file of the packages', () => {
    expect(probe(DRIVER)).toEqual({ source: 'bundle', packageFiles: 0, sum: 2 });
  });

  it('falls back to the packages when the bundle was made from other versions', () => {
    fs.mkdirSync(path.join(SCRATCH, 'db'), { recursive: true });
    fs.mkdirSync(path.join(SCRATCH, 'vendor'), { recursive: true });
    fs.copyFileSync(DRIVER, path.join(SCRATCH, 'db', 'driver.js'));
    fs.writeFileSync(path.join(SCRATCH, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(
      path.join(SCRATCH, 'vendor', 'db.cjs'),
      `module.exports = { versions: { knex: '0.0.1', objection: '0.0.1' }, knex: null, objection: null };\n`,
    );
    const out = probe(path.join(SCRATCH, 'db', 'driver.js'));
    expect(out.source).toBe('packages');
    expect(out.packageFiles).toBeGreaterThan(100);
    expect(out.sum).toBe(2);
  });

  it('falls back to the packages when there is no bundle', () => {
    fs.rmSync(path.join(SCRATCH, 'vendor'), { recursive: true, force: true });
    fs.mkdirSync(path.join(SCRATCH, 'db'), { recursive: true });
    fs.copyFileSync(DRIVER, path.join(SCRATCH, 'db', 'driver.js'));
    fs.writeFileSync(path.join(SCRATCH, 'package.json'), JSON.stringify({ type: 'module' }));
    expect(probe(path.join(SCRATCH, 'db', 'driver.js'))).toMatchObject({ source: 'packages', sum: 2 });
  });
});
