import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import setup, { getRunCacheDir } from './run-cache.js';
import { testHostEnv } from './host.js';

describe('the test run cache folder', () => {
  it('is one private folder for the run, handed to every test host, and removed at the end', () => {
    // This file runs under the global setup: every worker of the run sees the same folder.
    const dir = getRunCacheDir();
    expect(dir).toBe(process.env.ANNEX_TEST_RUN_CACHE);
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
    expect(testHostEnv('/tmp/x').ANNEX_CACHE_DIR).toBe(dir);

    const saved = process.env.ANNEX_TEST_RUN_CACHE;
    try {
      const teardown = setup();
      const made = process.env.ANNEX_TEST_RUN_CACHE!;
      expect(made).not.toBe(saved);
      expect(fs.existsSync(made)).toBe(true);
      teardown();
      expect(fs.existsSync(made)).toBe(false);
    } finally {
      process.env.ANNEX_TEST_RUN_CACHE = saved;
    }
  });
});
