import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneRunCache } from './run-cache.js';

const HOUR = 3600_000;
let folder: string;

/** A transformed-entry folder last written `ageMs` before `now`. */
function entry(name: string, now: number, ageMs: number): string {
  const dir = path.join(folder, 'transforms', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'x.cjs'), '//annex-transform\n');
  const at = (now - ageMs) / 1000;
  fs.utimesSync(dir, at, at);
  return dir;
}

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-run-cache-'));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

/* The run's shared cache keeps what tests transformed in temporary folders; it must not grow run after run. */
describe('the test run cache folder', () => {
  it('removes transformed entries not written for a day, and keeps the others and the code cache', () => {
    const now = Date.now();
    const stale = entry('stale', now, 25 * HOUR);
    const fresh = entry('fresh', now, 2 * HOUR);
    fs.mkdirSync(path.join(folder, 'code'));
    fs.writeFileSync(path.join(folder, 'code', 'host.cjs-0.v8'), 'bytes');
    pruneRunCache(folder, now);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.readdirSync(path.join(folder, 'code'))).toEqual(['host.cjs-0.v8']);
  });

  it('looks at most once an hour', () => {
    const now = Date.now();
    pruneRunCache(folder, now);
    const stale = entry('stale', now, 25 * HOUR);
    pruneRunCache(folder, now + HOUR / 2);
    expect(fs.existsSync(stale)).toBe(true);
    pruneRunCache(folder, now + HOUR + 1);
    expect(fs.existsSync(stale)).toBe(false);
  });
});
