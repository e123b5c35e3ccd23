import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer } from './test/helpers/heavy-first-sequencer.js';

const SRC_TESTS = ['*/src/**/__tests__/**/*.test.ts'];
const INCLUDE = [...SRC_TESTS, 'test/**/*.test.ts'];
const EXCLUDE = ['**/node_modules/**', '**/dist/**', 'bench/**'];

// Load-sensitive files: each compares a timing or a CPU/wall budget with what the same machine did a
// moment before (ping p95 idle vs loaded, RT_CPU_HOG budgets, a reload storm under load, an event-loop
// stall against a control: a nested flow, a JSON bomb). A second file on the other core turns those
// comparisons into noise, so these run one at a time, alone, after everything else. Keep this list
// short: each entry adds its whole duration to the wall time. Not here: the worker-kill and fault
// isolation files (sandbox-faults, redteam-worker-kill), whose deadlines are seconds long; they passed
// 4 runs of 4 with two other files beside them at load average 5–6.5.
export const LOAD_SENSITIVE = [
  'runtime/src/__tests__/cpu-hog.test.ts',
  // Its isolates' CPU budgets (150 ms) and load timeouts count wall time in isolated-vm: beside the
  // heaviest files at the start of a run it failed two CI runs of the thirteenth session.
  'runtime/src/__tests__/limits.test.ts',
  'test/bench/**/*.test.ts',
  'test/fault/background-load-ping.test.ts',
  'test/hot-reload/reload-under-load.test.ts',
  'test/perf/boot-overlap.test.ts',
  'test/security/sandbox/timer-storm.test.ts',
  'test/security/admin-api/flows-graphql-redteam.test.ts',
  'test/security/hardening/request-amplification.test.ts',
  // Not timed itself, but it pushes megabytes through a stalled socket: beside a timed file
  // (runtime/src/__tests__/limits.test.ts's 150 ms CPU budgets) it made that one fail.
  'test/security/graphql-socket-attacks.test.ts',
];

/** Load-sensitive files that also inspect the test process itself (boot-overlap watches its children): last, each in a process of its own. */
export const LOAD_SENSITIVE_OWN_PROCESS = ['test/perf/boot-overlap.test.ts'];

// Files that inspect the test process itself (its child processes, RSS and fds: the soak test bounds
// the process's growth; worker-env reads its workers), which a parallel worker fills with earlier files'
// children (a kept Chromium) and state (the soak test hung after two other files): each gets a fresh process.
// test/perf/ asserts what a fresh process has loaded (no app bundler) and counts queries; nothing in it
// is timed except boot-overlap, which is in LOAD_SENSITIVE.
export const FRESH_PROCESS = [
  'test/security/hardening/worker-env.test.ts',
  'test/soak/soak.test.ts',
  'test/perf/**/*.test.ts',
];

// Package tests under */src/ that are not unit tests: they start child processes (a CLI, a node that
// checks what an import loads, the registry fetch), a browser, or need PostgreSQL. They run in the
// parallel project; every other */src/ test is the `unit` project (`npm run test:unit`), which
// test/helpers/unit-tier.test.ts keeps free of them.
export const NOT_UNIT = [
  'host/src/boot/__tests__/bundle-dedupe.test.ts',
  'host/src/boot/__tests__/bundled-host.test.ts',
  'host/src/boot/__tests__/prestart-sandbox.test.ts',
  'host/src/db/__tests__/driver-bundle.test.ts',
  'host/src/extensions/__tests__/boot-settings-writes.test.ts',
  'marketplace/src/__tests__/cli.test.ts',
  'marketplace/src/__tests__/postgres.test.ts',
  'runtime/src/__tests__/directus-compat.test.ts',
  'runtime/src/__tests__/lazy-esbuild.test.ts',
  'runtime/src/__tests__/lazy-isolated-vm.test.ts',
  'runtime/src/__tests__/prespawn.test.ts',
  'sdk-extension/src/__tests__/app-browser.test.ts',
];

// isolated-vm on Node 20 needs --no-node-snapshot in every process that creates isolates;
// vitest's forked workers get it through execArgv (not NODE_OPTIONS, which rejects it).
const shared = {
  pool: 'forks' as const,
  execArgv: ['--no-node-snapshot', '--expose-gc'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

const PARALLEL_WORKERS = Number(process.env.ANNEX_TEST_WORKERS) || Math.max(2, os.availableParallelism());

export default defineConfig({
  test: {
    reporters: ['default'],
    // One cache folder (V8 code cache, transformed entries) for every host the run starts.
    globalSetup: ['test/helpers/run-cache.ts'],
    // The longest files start first (a clean clone has no timings cache to order by): see the sequencer.
    sequence: { sequencer: HeavyFirstSequencer },
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: SRC_TESTS,
          exclude: [...EXCLUDE, ...LOAD_SENSITIVE, ...FRESH_PROCESS, ...NOT_UNIT],
          // Same pool as `parallel` (projects of one group must agree on it); they run together.
          maxWorkers: PARALLEL_WORKERS,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts', ...NOT_UNIT],
          exclude: [...EXCLUDE, ...LOAD_SENSITIVE, ...FRESH_PROCESS],
          // Most files wait (hosts booting, sandbox workers, child CLIs, timers) more than they compute:
          // two files at once keep both cores busy. Not more files than cores: isolated-vm's CPU budgets
          // count wall time, so a sandbox starved by contention fails with RT_TIMEOUT (seen with 4).
          // ANNEX_TEST_WORKERS overrides (1 to debug a timing-sensitive file).
          maxWorkers: PARALLEL_WORKERS,
          // A worker process runs file after file with its module cache kept: importing the host and
          // the runtime again for each of ~150 files was a quarter of the suite's CPU time. Files
          // still get their own hosts, temp folders and sandboxes (those that inspect the process itself
          // are in FRESH_PROCESS or LOAD_SENSITIVE).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'fresh-process',
          include: FRESH_PROCESS,
          exclude: [...EXCLUDE, ...LOAD_SENSITIVE],
          // Runs alongside the parallel project (same group, same worker count), isolated.
          maxWorkers: PARALLEL_WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'load-sensitive',
          include: LOAD_SENSITIVE,
          exclude: [...EXCLUDE, ...LOAD_SENSITIVE_OWN_PROCESS],
          maxWorkers: 1,
          // One process for the files one after the other: a new process and a new import of the host
          // for each had left the second core idle for 1–2 s between files.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'load-sensitive-own-process',
          include: LOAD_SENSITIVE_OWN_PROCESS,
          exclude: EXCLUDE,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
