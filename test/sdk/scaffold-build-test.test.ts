import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  linkWorkspaceDependencies,
  runPackageScript,
  runSdkScriptInProcess,
  scaffoldProject,
  type ScaffoldCase,
} from './helpers.js';
import { createBatchedTestRun } from './batched-tests.js';
import { describeHostLoad } from './host-load-suite.js';
import { typeCheck } from './type-check.js';

// Every type × language (plus the sandboxed variants of hook/endpoint/operation): scaffold
// non-interactively, link the workspace SDK, then run its `build`, `validate` and `test` scripts.
const TYPES = ['interface', 'display', 'layout', 'module', 'panel', 'theme', 'hook', 'endpoint', 'operation', 'bundle'];
const only = process.env.ANNEX_SDK_E2E_ONLY?.split(',');
const CASES: ScaffoldCase[] = [
  ...TYPES.flatMap((type) => (['ts', 'js'] as const).map((language) => ({ type, language }))),
  ...['hook', 'endpoint', 'operation'].flatMap((type) =>
    (['ts', 'js'] as const).map((language) => ({ type, language, sandbox: true })),
  ),
].filter((c) => !only || only.includes(c.type));

/*
 * `build` and `validate` run in this process (the SDK CLI's entry, with the project as its folder),
 * and the other projects' tests in one vitest process (createBatchedTestRun), but for this case,
 * whose three scripts run as real processes (`annex-extension test` starting the project's vitest).
 */
const SPAWNED: ScaffoldCase = { type: 'endpoint', language: 'ts' };
const isSpawned = (c: ScaffoldCase) => c.type === SPAWNED.type && c.language === SPAWNED.language && !c.sandbox;
const runScript = (c: ScaffoldCase, dir: string, script: string) =>
  isSpawned(c) ? runPackageScript(dir, script) : runSdkScriptInProcess(dir, script);

const caseKey = (c: ScaffoldCase) => `${c.type}${c.sandbox ? '-sandboxed' : ''}-${c.language}`;
/** The projects whose case passed: built, validated and tested, ready to load into a host. */
const passed = new Map<string, string>();

let root: string;
let batch: ReturnType<typeof createBatchedTestRun>;
/** The projects that built and validated, whose tests the batched run takes. */
const built = new Map<string, string>();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'annex-sdk-e2e-'));
  batch = createBatchedTestRun(root);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.concurrent('scaffold → build → validate', () => {
  for (const c of CASES) {
    it(`${c.type}${c.sandbox ? ' (sandboxed)' : ''} ${c.language}`, async () => {
      const dir = await scaffoldProject(c, root);
      await linkWorkspaceDependencies(dir);
      for (const script of isSpawned(c) ? ['build', 'validate', 'test'] : ['build', 'validate']) {
        const result = await runScript(c, dir, script);
        expect(result.code, `npm run ${script} in ${dir}\n${result.stdout}\n${result.stderr}`).toBe(0);
      }
      if (c.language === 'ts') {
        // The TypeScript templates (sources and tests) type-check against the SDK's types.
        expect(typeCheck(dir), `tsc -p ${dir}`).toBe('');
      }
      built.set(caseKey(c), dir);
      if (!isSpawned(c)) batch.add(dir);
      else passed.set(caseKey(c), dir);
    }, 180_000);
  }
});

// After the suite above (a plain describe: two concurrent ones side by side would run together):
// every project that built is tested, all in one vitest run that the first case starts. A case that
// did not build failed above and is not tested again here.
describe('→ test', () => {
  for (const c of CASES.filter((c) => !isSpawned(c))) {
    it(`${c.type}${c.sandbox ? ' (sandboxed)' : ''} ${c.language}`, async (ctx) => {
      const dir = built.get(caseKey(c));
      if (!dir) return ctx.skip();
      const tested = await batch.resultOf(dir);
      expect(tested.failures, `the tests of ${dir}\n${tested.output}`).toEqual([]);
      expect(tested.files.length, `test files run in ${dir}\n${tested.output}`).toBeGreaterThan(0);
      expect(tested.passed, `tests passed in ${dir}`).toBeGreaterThan(0);
      passed.set(caseKey(c), dir);
    }, 180_000);
  }
});

// After the cases above (suites run in order): the same projects, loaded into one host.
describeHostLoad(async (c) => passed.get(caseKey(c)));
