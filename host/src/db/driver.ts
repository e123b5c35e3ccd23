import { createRequire } from 'node:module';
import type { knex as knexFactory } from 'knex';
import type * as Objection from 'objection';

const require = createRequire(import.meta.url);

export interface DbLibraries {
  knex: typeof knexFactory;
  objection: typeof Objection;
  /** `bundle`: dist/vendor/db.cjs (made by scripts/bundle-db.mjs at build); `packages`: node_modules. */
  source: 'bundle' | 'packages';
}

/**
 * knex and objection, from the one-file bundle the build makes when it matches the installed
 * versions, otherwise from their packages (a build that skipped the bundle step, an upgrade
 * without a rebuild). One file instead of about 700 is what makes the difference at boot (issue 20).
 */
function loadDbLibraries(): DbLibraries {
  try {
    const bundle = require('../vendor/db.cjs') as {
      versions: Record<string, string>;
      knex: typeof knexFactory;
      objection: typeof Objection;
    };
    const installed = {
      knex: (require('knex/package.json') as { version: string }).version,
      objection: (require('objection/package.json') as { version: string }).version,
    };
    if (bundle.versions.knex === installed.knex && bundle.versions.objection === installed.objection)
      return { knex: bundle.knex, objection: bundle.objection, source: 'bundle' };
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
  }
  return {
    knex: require('knex') as typeof knexFactory,
    objection: require('objection') as typeof Objection,
    source: 'packages',
  };
}

export const db: DbLibraries = loadDbLibraries();
