import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files, longest first (measured: `npx vitest run --reporter=json`). Vitest orders
 * files by their last durations, which a clean clone (CI) does not have: it falls back to file size,
 * and a short file that runs for two minutes (the scaffold test) then starts last and runs alone
 * while the other worker idles. Starting these first lets the many short files fill in beside them.
 */
export const HEAVY_FILES = [
  'test/repo/fresh-clone.test.ts',
  'test/sdk/scaffold-build-test.test.ts',
  'test/soak/soak.test.ts',
  'test/hot-reload/leak.test.ts',
  'test/fault/install-crash.test.ts',
  'test/fault/sandbox-faults.test.ts',
  'test/security/sandbox/redteam-worker-kill.test.ts',
  'test/security/app-sdk-redteam.test.ts',
  'test/host/cli.test.ts',
  'test/host/cli-marketplace.test.ts',
  'test/security/loading-files-redteam.test.ts',
];

/** Its index in HEAVY_FILES, or HEAVY_FILES.length for every other file. */
export function heavyRank(root: string, file: string): number {
  const rank = HEAVY_FILES.indexOf(path.relative(root, file).split(path.sep).join('/'));
  return rank < 0 ? HEAVY_FILES.length : rank;
}

/** Vitest's order (groups, then cached durations or size), with the HEAVY_FILES first in each group. */
export class HeavyFirstSequencer extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const group = (f: TestSpecification) => f.project.config.sequence.groupOrder;
    // Array.prototype.sort is stable: within one rank the base order stays.
    return sorted.sort((a, b) => group(a) - group(b) || heavyRank(root, a.moduleId) - heavyRank(root, b.moduleId));
  }
}
