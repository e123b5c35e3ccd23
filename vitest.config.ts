import os from 'node:os';
import { defineConfig } from 'vitest/config';

// isolated-vm on Node 20 needs --no-node-snapshot in every process that creates isolates;
// vitest's forked workers get it through execArgv (not NODE_OPTIONS, which rejects it).
export default defineConfig({
  test: {
    include: ['*/src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'bench/**'],
    pool: 'forks',
    // Most files wait (hosts booting, sandbox workers, child CLIs, timers) far more than they compute:
    // vitest's default on a 2-core machine (cores - 1 = one file at a time) leaves a core idle for most
    // of the run. Not more files than cores: isolated-vm's CPU budgets count wall time, so a sandbox
    // starved by contention fails with RT_TIMEOUT (seen with 4 files at once on 2 cores).
    // ANNEX_TEST_WORKERS overrides (1 to debug a timing-sensitive file).
    maxWorkers: Number(process.env.ANNEX_TEST_WORKERS) || Math.max(2, os.availableParallelism()),
    execArgv: ['--no-node-snapshot', '--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
