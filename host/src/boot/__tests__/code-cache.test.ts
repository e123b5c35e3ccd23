import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCodeCacheFile, runCommonJsWithCodeCache } from '../code-cache.js';

let dir: string;
let file: string;
let cacheDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-code-cache-'));
  file = path.join(dir, 'lib.cjs');
  cacheDir = path.join(dir, 'cache');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A module whose export depends on a function V8 compiles lazily (so the cache has something to hold). */
const source = (n: number) =>
  `'use strict';\nfunction value() { return ${n} + require('node:path').sep.length * 0; }\nmodule.exports = { value: value(), file: __filename };\n`;

function run(secret = 'one') {
  return runCommonJsWithCodeCache(file, { cacheDir, secret });
}

describe('V8 code cache for a CommonJS file', () => {
  it('compiles without a cache first, keeps the bytecode, and the next load takes it', () => {
    fs.writeFileSync(file, source(1));
    const first = run();
    expect(first.cache).toBe('miss');
    expect(first.exports).toEqual({ value: 1, file });
    first.persist();
    expect(fs.existsSync(getCodeCacheFile(cacheDir, file, source(1)))).toBe(true);
    const second = run();
    expect(second.cache).toBe('hit');
    expect(second.exports).toEqual({ value: 1, file });
  });

  it('reads a file that is not ASCII as UTF-8 (the ASCII fast path does not mangle it), cached under the same entry', () => {
    const text = `module.exports = { text: 'h\u00e9llo \u2713 \u{1F600}' };\n`;
    fs.writeFileSync(
      file,
      text.replace(/\\u\{?([0-9a-fA-F]+)\}?/g, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16))),
    );
    const first = run();
    expect(first.exports).toEqual({ text: 'h\u00e9llo \u2713 \u{1F600}' });
    first.persist();
    expect(fs.existsSync(getCodeCacheFile(cacheDir, file, fs.readFileSync(file, 'utf8')))).toBe(true);
    expect(run()).toMatchObject({ cache: 'hit', exports: { text: 'h\u00e9llo \u2713 \u{1F600}' } });
  });

  it('an edited file of the same length does not run the old bytecode, and its old entry is replaced', () => {
    fs.writeFileSync(file, source(1));
    run().persist();
    fs.writeFileSync(file, source(2));
    expect(source(2).length).toBe(source(1).length); // V8 alone would accept the old cache
    const edited = run();
    expect(edited.cache).toBe('miss');
    expect(edited.exports).toEqual({ value: 2, file });
    edited.persist();
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(getCodeCacheFile(cacheDir, file, source(2)))]);
    expect(run().cache).toBe('hit');
  });

  it('ignores an entry whose signature does not match: another secret, or bytes changed on disk', () => {
    fs.writeFileSync(file, source(1));
    run('one').persist();
    expect(run('two').cache).toBe('miss');
    const entry = getCodeCacheFile(cacheDir, file, source(1));
    const bytes = fs.readFileSync(entry);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(entry, bytes);
    const tampered = run('one');
    expect(tampered.cache).toBe('miss');
    expect(tampered.exports).toEqual({ value: 1, file });
  });

  it('without a cache folder compiles every time and writes nothing', () => {
    fs.writeFileSync(file, source(3));
    const loaded = runCommonJsWithCodeCache(file, { secret: 'one' });
    loaded.persist();
    expect(loaded.cache).toBe('off');
    expect(loaded.exports).toEqual({ value: 3, file });
    expect(fs.existsSync(cacheDir)).toBe(false);
  });
});
