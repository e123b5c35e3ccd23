import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { recordExtensionChange } from '../audit/activity.js';
import { errors } from '../errors.js';
import { importUrl } from './import-url.js';
import type { Logger } from '../logger.js';
import { isInside } from './validation.js';
import type { ExtensionDescriptor } from './types.js';

const MIGRATION_FILE = /\.(c|m)?js$/;

export interface AppliedMigration {
  extension: string;
  name: string;
}

/**
 * Runs the package's pending migrations (`annex.migrations`), in file-name order, each in its own
 * transaction with the row that records it: a failure rolls that migration back and fails the
 * activation with HOST_MIGRATION_FAILED; what ran before it stays applied. Several hosts may
 * activate at once: the recording row's key lets one of them run each migration. Returns what ran.
 */
export async function runMigrations(knex: Knex, desc: ExtensionDescriptor): Promise<AppliedMigration[]> {
  if (!desc.migrations) return [];
  const files = (await fs.readdir(desc.migrations)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const applied = new Set(
    (await knex('annex_extension_migrations').where({ extension: desc.id }).select('name')).map(
      (r: { name: string }) => r.name,
    ),
  );
  const ran: AppliedMigration[] = [];
  for (const name of files.filter((f) => !applied.has(f))) {
    const file = path.join(desc.migrations, name);
    let up: (knex: Knex) => unknown;
    try {
      if (!isInside(desc.migrations, file)) throw new Error('it links outside the migrations folder');
      // Keyed by content: an edited migration file is not served from the module cache.
      const hash = createHash('sha256')
        .update(await fs.readFile(file))
        .digest('hex')
        .slice(0, 16);
      const mod = (await importUrl(`${pathToFileURL(file).href}?v=${hash}`)) as {
        up?: unknown;
        default?: { up?: unknown };
      };
      const fn = mod.up ?? mod.default?.up;
      if (typeof fn !== 'function') throw new Error('it exports no up(knex) function');
      up = fn as (knex: Knex) => unknown;
    } catch (cause) {
      throw errors.HOST_MIGRATION_FAILED(
        { id: desc.id, migration: name, reason: cause instanceof Error ? cause.message : String(cause) },
        { cause },
      );
    }
    let claimed = false;
    try {
      await knex.transaction(async (trx) => {
        const token = randomUUID();
        await trx('annex_extension_migrations')
          .insert({ extension: desc.id, name, applied_at: new Date().toISOString(), claimed_by: token })
          .onConflict(['extension', 'name'])
          .ignore();
        /* Another host recorded it first (and ran it, or is running it in its own transaction). */
        const row = await trx('annex_extension_migrations').where({ extension: desc.id, name }).first('claimed_by');
        if (row?.claimed_by !== token) return;
        claimed = true;
        await up(trx);
      });
    } catch (cause) {
      throw errors.HOST_MIGRATION_FAILED(
        { id: desc.id, migration: name, reason: cause instanceof Error ? cause.message : String(cause) },
        { cause },
      );
    }
    if (claimed) ran.push({ extension: desc.id, name });
  }
  return ran;
}

/** Runs the package's pending migrations and records each one that ran (log and activity audit). */
export async function applyMigrations(knex: Knex, log: Logger, desc: ExtensionDescriptor): Promise<void> {
  for (const m of await runMigrations(knex, desc)) {
    log.info({ extension: desc.id, migration: m.name }, `migration ${m.name} of ${desc.id} applied`);
    await recordExtensionChange(knex, log, { user: null, origin: 'host' }, 'migrate', desc.id, { migration: m.name });
  }
}
