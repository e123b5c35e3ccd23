import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readConfig } from '../config.js';
import { createDatabase } from '../db/connection.js';
import { migrate } from '../db/migrations.js';
import { errors } from '../errors.js';
import { applySnapshotDiff } from '../schema/apply-diff.js';
import { createSchemaStore } from '../schema/schema-store.js';
import {
  type Change,
  checkSnapshot,
  diffSnapshots,
  formatSnapshot,
  isEmptyDiff,
  parseSchemaText,
  type SnapshotDiff,
  snapshotHash,
  snapshotOf,
  vendorOf,
} from '../schema/snapshot.js';

export const SCHEMA_HELP = `annex schema — move a project's schema between hosts (Directus's schema snapshot)

Usage:
  annex schema snapshot [file] [--format yaml|json] [--yes]
      Write the project's collections, fields and relations to <file> (YAML unless --format json
      or a .json name), or to standard output without a file. --yes overwrites an existing file.
  annex schema apply <file> [--dry-run] [--yes] [--force]
      Compare <file> (a snapshot, JSON or YAML) with this database, list the changes, and make
      them in one transaction after you confirm (--yes: without asking). --dry-run only lists them.
      --force compares a snapshot of another Directus version or database vendor.

Runs on the database the environment names (DB_CLIENT, DB_FILENAME, DB_CONNECTION_STRING). A host
that is running keeps its schema in memory: restart it after \`apply\`, or use POST /schema/apply.
`;

/** The changes of a diff, one line each: `+` created, `-` deleted, `~` changed (with the paths). */
export function describeDiff(diff: SnapshotDiff): string[] {
  const line = (name: string, changes: Change[]) => {
    const first = changes[0]!;
    if (!first.path?.length) return `${first.kind === 'N' ? '+' : '-'} ${name}`;
    const paths = [...new Set(changes.map((c) => (c.path ?? []).join('.')))];
    return `~ ${name} (${paths.join(', ')})`;
  };
  return [
    ...diff.collections.map((c) => line(`collection ${c.collection}`, c.diff)),
    ...diff.fields.map((f) => line(`field ${f.collection}.${f.field}`, f.diff)),
    ...diff.relations.map((r) => line(`relation ${r.collection}.${r.field} → ${r.related_collection}`, r.diff)),
  ];
}

function readSnapshotFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw errors.INVALID_PAYLOAD({ reason: `Cannot read ${file}: ${(err as Error).message}` });
  }
  return parseSchemaText(text, { source: file, json: file.endsWith('.json') });
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** `annex schema <snapshot|apply> ...`: exit code 0 done, 1 refused or failed, 2 usage. */
export async function runSchemaCommand(args: string[], flags: Record<string, string | boolean>): Promise<number> {
  const [sub, file] = args;
  const out = process.stdout;
  if (flags.help || flags.h || !sub) {
    (sub ? out : process.stderr).write(SCHEMA_HELP);
    return sub ? 0 : 2;
  }
  if (sub !== 'snapshot' && sub !== 'apply') {
    process.stderr.write(`Unknown schema command "${sub}".\n\n${SCHEMA_HELP}`);
    return 2;
  }
  if (sub === 'apply' && !file) {
    process.stderr.write(`annex schema apply needs a snapshot file.\n\n${SCHEMA_HELP}`);
    return 2;
  }
  const config = readConfig();
  const knex = createDatabase(config.db);
  try {
    await migrate(knex);
    const store = createSchemaStore(knex);
    const vendor = vendorOf(knex.client.config.client);
    const current = snapshotOf(await store.get(), vendor);
    if (sub === 'snapshot') {
      const format = flags.format ?? (file?.endsWith('.json') ? 'json' : 'yaml');
      if (format !== 'json' && format !== 'yaml') {
        process.stderr.write('--format must be yaml or json.\n');
        return 2;
      }
      const text = formatSnapshot(current, format);
      if (!file) {
        out.write(text);
        return 0;
      }
      if (fs.existsSync(file) && !flags.yes) {
        process.stderr.write(`${file} exists; pass --yes to overwrite it.\n`);
        return 1;
      }
      // Written beside and renamed: an interrupted write never leaves half a snapshot.
      const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file);
      out.write(
        `Snapshot of ${current.collections.length} collections, ${current.fields.length} fields and ${current.relations.length} relations written to ${file}.\n`,
      );
      return 0;
    }
    const wanted = checkSnapshot(readSnapshotFile(file!), vendor, flags.force === true);
    const diff = diffSnapshots(current, wanted);
    if (isEmptyDiff(diff)) {
      out.write('The schema already matches the snapshot; nothing to do.\n');
      return 0;
    }
    const lines = describeDiff(diff);
    out.write(`${lines.length} change${lines.length === 1 ? '' : 's'}:\n${lines.map((l) => `  ${l}\n`).join('')}`);
    if (flags['dry-run']) return 0;
    if (!flags.yes) {
      if (!process.stdin.isTTY) {
        process.stderr.write('Not applied: pass --yes to apply without a terminal to confirm in.\n');
        return 1;
      }
      if (!(await confirm('Apply these changes? [y/N] '))) {
        out.write('Not applied.\n');
        return 1;
      }
    }
    await applySnapshotDiff({ knex, schema: store, vendor }, { hash: snapshotHash(current), diff });
    out.write('Applied.\n');
    return 0;
  } finally {
    await knex.destroy();
  }
}
