import { describe, it } from 'vitest';

/** CI=true (or any value but "false"/"0"): a suite whose dependency is missing fails instead of skipping. */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

export class MissingDependencyError extends Error {
  code = 'TEST_DEPENDENCY_MISSING';
  constructor(dependency: string, reason: string) {
    super(`${dependency} is required in CI (CI=true) and is not available: ${reason}`);
  }
}

/**
 * Whether a suite needing `dependency` should be skipped (`reason` says why it cannot run, or is null
 * when it can). Locally the skip is printed with its reason; under CI a failing test naming the
 * missing dependency is registered instead, so CI cannot stay green on a suite that never ran.
 */
export function skipWithout(dependency: string, reason: string | null | undefined): boolean {
  if (!reason) return false;
  if (IN_CI) {
    describe(`requires ${dependency}`, () => {
      it(`${dependency} is available`, () => {
        throw new MissingDependencyError(dependency, reason);
      });
    });
  } else {
    console.warn(`[skipped] ${dependency}: ${reason}`);
  }
  return true;
}

/** Why the PostgreSQL suites cannot run, or null. */
export const PG_MISSING = process.env.ANNEX_TEST_PG
  ? null
  : 'ANNEX_TEST_PG is unset: set it to a postgres:// URL to run the PostgreSQL suites (.ci/run starts one)';
