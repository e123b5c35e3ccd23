import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { run, WORKSPACE } from './helpers.js';

/** One project's share of a batched run: its test files, how many tests passed, and every failure. */
export interface ProjectTestResult {
  files: string[];
  passed: number;
  failures: string[];
  /** The whole run's output, for a failure message. */
  output: string;
}

interface VitestJson {
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status: string; fullName: string; failureMessages: string[] }[];
  }[];
}

/**
 * Runs the tests of many scaffolded projects in one vitest process instead of one `vitest run` per
 * project: what each project's `npm test` runs (vitest with no config of its own, in node), the tests
 * found by the project's own folder, without starting vitest and its fork for each of 25 projects.
 * The real script still runs for one project in the scaffold test, and `npm test` in a fresh clone.
 *
 * `--no-isolate`: a worker runs file after file and imports vitest and the SDK's testing harness
 * once, instead of a fresh worker per file that imports them again (a project has one test file, so
 * its own `npm test` has no second file to isolate it from). That took the batch from 19 s of CPU to
 * 3.5 s; each file still makes its own harness, and a failure is still reported against its file.
 *
 * Projects are `add`ed first; the first `resultOf` runs all of them once, and each caller gets its
 * own project's share.
 */
export function createBatchedTestRun(root: string) {
  const projects: string[] = [];
  let results: ReturnType<typeof runAll> | undefined;
  return {
    add(dir: string): void {
      if (results) throw new Error('the batched run has already started');
      projects.push(dir);
    },
    async resultOf(dir: string): Promise<ProjectTestResult> {
      results ??= runAll(root, projects);
      const all = await results;
      const prefix = `${dir}${sep}`;
      const mine = all.json.testResults.filter((f) => f.name.startsWith(prefix));
      const tests = mine.flatMap((f) => f.assertionResults);
      return {
        files: mine.map((f) => f.name),
        passed: tests.filter((t) => t.status === 'passed').length,
        failures: [
          ...mine.filter((f) => f.status !== 'passed' && f.message).map((f) => `${f.name}: ${f.message}`),
          ...tests.filter((t) => t.status !== 'passed').map((t) => `${t.fullName}: ${t.failureMessages.join('\n')}`),
        ],
        output: all.output,
      };
    },
  };
}

async function runAll(root: string, projects: string[]): Promise<{ json: VitestJson; output: string }> {
  const empty = { json: { testResults: [] }, output: 'no project reached its tests' };
  if (projects.length === 0) return empty;
  const outputFile = join(root, 'batched-tests.json');
  // Path filters: each project's folder (with its separator, so one name that prefixes another does not match).
  const result = await run(
    process.execPath,
    [
      join(WORKSPACE, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--root',
      root,
      '--reporter=json',
      '--no-isolate',
      `--outputFile=${outputFile}`,
      ...projects.map((dir) => `${dir}${sep}`),
    ],
    root,
    undefined,
    180_000,
  );
  const output = `${result.stdout}\n${result.stderr}`;
  try {
    return { json: JSON.parse(await readFile(outputFile, 'utf8')) as VitestJson, output };
  } catch {
    return { ...empty, output };
  }
}
