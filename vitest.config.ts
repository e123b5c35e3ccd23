import { defineConfig } from 'vitest/config';

// isolated-vm on Node 20 needs --no-node-snapshot in every process that creates isolates;
// vitest's forked workers get it through execArgv (not NODE_OPTIONS, which rejects it).
export default defineConfig({
  test: {
    include: ['*/src/**/__tests__/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'bench/**'],
    pool: 'forks',
    execArgv: ['--no-node-snapshot', '--expose-gc'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
