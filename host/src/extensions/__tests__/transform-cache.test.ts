import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTrustedModule, setTransformCache } from '../loader.js';
import { createTransformCache } from '../transform-cache.js';

const SECRET = 'test-secret';

/** The cached outputs under `dir` (one folder per entry file). */
const cachedFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).flatMap((f) => fs.readdirSync(path.join(dir, f)).map((name) => path.join(dir, f, name)))
    : [];

/* Trusted ES-module entries are transformed once and read back on later loads (issue 20: boot). */
describe('trusted entries: the transform cache', () => {
  let root: string;
  let cache: string;
  let entry: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-transform-cache-'));
    cache = path.join(root, 'data', 'cache', 'transforms');
    entry = path.join(root, 'ext', 'index.js');
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, 'export default { answer: 1, url: import.meta.url };\n');
    setTransformCache(cache, SECRET);
  });
  afterEach(() => setTransformCache(undefined));

  it('keeps the transformed module and evaluates the kept copy on the next load', async () => {
    const first = (await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number; url: string } };
    expect(first.default.answer).toBe(1);
    expect(first.default.url.endsWith('/ext/index.js')).toBe(true);
    const [kept] = cachedFiles(cache);
    expect(kept).toBeDefined();
    // A copy kept under the same secret (here: altered) is what the next load evaluates.
    const code = fs.readFileSync(kept!, 'utf8').replace(/^.*\n/, '');
    await createTransformCache(cache, SECRET).set(
      entry,
      fs.readFileSync(entry, 'utf8'),
      code.replace('answer: 1', 'answer: 100'),
    );
    expect(((await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number } }).default.answer).toBe(
      100,
    );
  });

  it('a kept copy edited on disk, or signed with another secret, is transformed again', async () => {
    await loadTrustedModule(entry, 'module', 'ext');
    const [kept] = cachedFiles(cache);
    fs.writeFileSync(kept!, fs.readFileSync(kept!, 'utf8').replace('answer: 1', 'answer: 666'));
    expect(((await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number } }).default.answer).toBe(
      1,
    );
    await createTransformCache(cache, 'another-secret').set(
      entry,
      fs.readFileSync(entry, 'utf8'),
      'module.exports = { default: { answer: 777 } };',
    );
    expect(((await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number } }).default.answer).toBe(
      1,
    );
  });

  it('a changed source is transformed again and replaces the kept copy of that file', async () => {
    await loadTrustedModule(entry, 'module', 'ext');
    fs.writeFileSync(entry, 'export default { answer: 2 };\n');
    expect(((await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number } }).default.answer).toBe(
      2,
    );
    expect(cachedFiles(cache)).toHaveLength(1);
  });

  it('writes nothing with the cache off, and CommonJS entries are never cached', async () => {
    setTransformCache(undefined);
    await loadTrustedModule(entry, 'module', 'ext');
    expect(cachedFiles(cache)).toEqual([]);
    setTransformCache(cache, SECRET);
    const cjs = path.join(root, 'ext', 'plain.cjs');
    fs.writeFileSync(cjs, 'module.exports = { answer: 3 };\n');
    expect(((await loadTrustedModule(cjs, undefined, 'ext')) as { answer: number }).answer).toBe(3);
    expect(cachedFiles(cache)).toEqual([]);
  });

  it('an unwritable cache folder only costs the transform', async () => {
    fs.mkdirSync(path.join(root, 'data', 'cache'), { recursive: true });
    fs.writeFileSync(cache, 'not a folder');
    expect(((await loadTrustedModule(entry, 'module', 'ext')) as { default: { answer: number } }).default.answer).toBe(
      1,
    );
  });
});
