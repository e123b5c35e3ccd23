import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { readConfig, type HostConfig } from '../config.js';
import { BUILTINS_PATH } from '../paths.js';
import { MARKET_COMMANDS, runMarketplaceCommand } from './marketplace-command.js';
import { hostRequest, remoteFrom, type Remote } from './remote.js';
import { createDatabase } from '../db/connection.js';
import { migrate } from '../db/migrations.js';
import { ExtensionSettingModel } from '../db/models.js';
import { recordExtensionChange } from '../audit/activity.js';
import { createLogger } from '../logger.js';
import { errors } from '../errors.js';

export const EXTENSIONS_HELP = `annex extensions — manage installed extensions

Usage:
  annex extensions list [--json]
  annex extensions enable <id>
  annex extensions disable <id>
  annex extensions grant <id> [--scopes JSON]
  annex extensions revoke <id>
  annex extensions reset <id>                            lift a quarantine (on every host of a cluster)
  annex extensions roles <id> <role>... | --everyone     limit to roles (names or ids, "public"), or open again
  annex extensions activity [<id>] [--limit N] [--json]  who changed which extension, newest first

Marketplace (MARKETPLACE_REGISTRY, MARKETPLACE_TRUST):
  annex extensions search [text] [--type T] [--json]
  annex extensions info <name> [--json]
  annex extensions install <name>[@version] [--force]   any version: exact, range or version id
  annex extensions update <name>[@version] [--force]    new scopes wait for 'approve'
  annex extensions approve <name>                        grant a staged update's new scopes and switch
  annex extensions rollback <name>[@versionId]
  annex extensions uninstall <name>
  annex extensions export [--out FILE]                   lock of the installed set (JSON)
  annex extensions import <FILE> [--prune]

<id> is the extension name (package name or <package>/<entry>) or its settings row id.

With --url URL --token TOKEN (or ANNEX_URL / ANNEX_TOKEN) the command talks to a running host,
and the change takes effect at once. Without them it edits the database directly; a running
host applies it on its next start.
Exit codes: 0 ok, 1 failure (e.g. unknown extension, locked built-in), 2 usage error.
`;

/** Role names (or ids, or `public`) → the ids `allowed_roles` stores; unknown ones are an error. */
function resolveRoles(wanted: string[], roles: { id: string; name: string }[]): string[] {
  return wanted.map((w) => {
    if (w === 'public' || w === '$public') return '$public';
    const role = roles.find((r) => r.id === w) ?? roles.find((r) => r.name.toLowerCase() === w.toLowerCase());
    if (!role) throw errors.INVALID_PAYLOAD({ reason: `no role "${w}"` });
    return role.id;
  });
}

/** Offline commands work on the database directly: opened (and migrated) for `fn`, always closed. */
async function withDatabase<T>(fn: (knex: Knex, config: HostConfig) => Promise<T>): Promise<T> {
  const config = readConfig();
  const knex = createDatabase(config.db);
  try {
    await migrate(knex);
    return await fn(knex, config);
  } finally {
    await knex.destroy();
  }
}

function notFound(id: string): number {
  process.stderr.write(
    `error [HOST_EXTENSION_NOT_FOUND]: no extension "${id}" in the database (has the host loaded it once?)\n`,
  );
  return 1;
}

/** An offline change goes to the activity log like the same change made through a running host. */
function recordCliChange(
  knex: Knex,
  config: HostConfig,
  action: string,
  item: string,
  details: unknown,
): Promise<void> {
  return recordExtensionChange(
    knex,
    createLogger(config.logLevel),
    { user: null, origin: 'cli' },
    action,
    item,
    details,
  );
}

async function runRolesCommand(
  id: string | undefined,
  wanted: string[],
  flags: Record<string, string | boolean>,
  remote: Remote | undefined,
): Promise<number> {
  const everyone = flags.everyone === true;
  if (!id || (wanted.length === 0) === !everyone) {
    process.stderr.write('usage: annex extensions roles <id> <role>... | --everyone\n');
    return 2;
  }
  const label = (roles: string[] | null, all: { id: string; name: string }[]) =>
    roles
      ? roles.map((r) => (r === '$public' ? 'public' : (all.find((x) => x.id === r)?.name ?? r))).join(', ')
      : 'everyone';
  if (remote) {
    const all = (await hostRequest(remote, 'GET', '/roles?fields=id,name&limit=-1')).data as {
      id: string;
      name: string;
    }[];
    const roles = everyone ? null : resolveRoles(wanted, all);
    await hostRequest(remote, 'PATCH', `/extensions/${encodeURIComponent(id)}`, { meta: { roles } });
    process.stdout.write(`roles: ${id} → ${label(roles, all)}\n`);
    return 0;
  }
  return withDatabase(async (knex, config) => {
    const all = (await knex('directus_roles').select('id', 'name')) as { id: string; name: string }[];
    const roles = everyone ? null : resolveRoles(wanted, all);
    const row = (await ExtensionSettingModel.query(knex)).find((r) => !r.bundle && (r.id === id || r.name === id));
    if (!row) return notFound(id);
    if (row.source === 'builtin' && isLockedBuiltin(row.folder)) {
      process.stderr.write(`error [HOST_EXTENSION_LOCKED]: "${row.name}" is locked: its roles cannot be limited\n`);
      return 1;
    }
    await ExtensionSettingModel.query(knex)
      .patch({ allowed_roles: roles } as any)
      .where({ id: row.id });
    await recordCliChange(knex, config, 'update', row.name ?? row.folder, { roles });
    process.stdout.write(
      `roles: ${row.name ?? row.folder} → ${label(roles, all)} (applies on the next start of the host; use --url/--token for a running host)\n`,
    );
    return 0;
  });
}

interface ActivityLine {
  timestamp: string;
  action: string;
  item: string | null;
  user: string | null;
  origin: string | null;
  details: unknown;
}

async function runActivityCommand(
  id: string | undefined,
  flags: Record<string, string | boolean>,
  remote: Remote | undefined,
): Promise<number> {
  const limit = typeof flags.limit === 'string' ? Number(flags.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write('--limit must be a positive integer\n');
    return 2;
  }
  let lines: ActivityLine[];
  if (remote) {
    const item = id ? `&filter[item][_eq]=${encodeURIComponent(id)}` : '';
    lines = (
      await hostRequest(
        remote,
        'GET',
        `/activity?filter[collection][_eq]=directus_extensions${item}&sort=-id&limit=${limit}`,
      )
    ).data;
  } else {
    lines = await withDatabase(async (knex) => {
      const q = knex('directus_activity')
        .where({ collection: 'directus_extensions' })
        .orderBy('id', 'desc')
        .limit(limit);
      if (id) q.andWhere({ item: id });
      return ((await q) as (ActivityLine & { details: string | null })[]).map((r) => ({
        ...r,
        details: r.details ? JSON.parse(r.details) : null,
      }));
    });
  }
  if (flags.json === true) {
    process.stdout.write(JSON.stringify(lines, null, 2) + '\n');
    return 0;
  }
  for (const l of lines) {
    const who = l.user ?? (l.origin ? `system (${l.origin})` : 'system');
    process.stdout.write(
      `${new Date(l.timestamp).toISOString()}  ${l.action.padEnd(9)} ${String(l.item ?? '').padEnd(40)} ${who}${l.details ? `  ${JSON.stringify(l.details)}` : ''}\n`,
    );
  }
  return 0;
}

function printList(
  rows: {
    name: string;
    type: string | null;
    source: string;
    enabled: boolean;
    state: string | null;
    error?: string | null;
  }[],
  json: boolean,
): void {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  for (const r of rows) {
    process.stdout.write(
      `${r.enabled ? '●' : '○'} ${r.name.padEnd(48)} ${String(r.type ?? '?').padEnd(10)} ${r.source.padEnd(9)} ${r.state ?? ''}${r.error ? `  ${r.error}` : ''}\n`,
    );
  }
}

/** Reads `annex.locked` from the built-in's manifest (the database does not store it). */
function isLockedBuiltin(folder: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(BUILTINS_PATH, folder, 'package.json'), 'utf8'));
    return pkg['directus:extension']?.annex?.locked === true;
  } catch {
    return false;
  }
}

export async function runExtensionsCommand(args: string[], flags: Record<string, string | boolean>): Promise<number> {
  const [sub, id] = args;
  const remote = remoteFrom(flags);
  if (sub && MARKET_COMMANDS.has(sub)) return runMarketplaceCommand(sub, id, flags, remote);
  if (sub === 'roles') return runRolesCommand(id, args.slice(2), flags, remote);
  if (sub === 'activity') return runActivityCommand(id, flags, remote);
  if (!sub || !['list', 'enable', 'disable', 'grant', 'revoke', 'reset'].includes(sub) || (sub !== 'list' && !id)) {
    process.stderr.write(EXTENSIONS_HELP);
    return 2;
  }
  let scopes: unknown;
  if (typeof flags.scopes === 'string') {
    try {
      scopes = JSON.parse(flags.scopes);
    } catch {
      process.stderr.write('--scopes must be JSON, e.g. \'{"log":{}}\'\n');
      return 2;
    }
  }
  if (remote) {
    if (sub === 'list') {
      const data = (await hostRequest(remote, 'GET', '/extensions')).data as any[];
      printList(
        data.map((e) => ({
          name: e.annex?.name ?? e.meta.folder,
          type: e.schema?.type ?? null,
          source: e.meta.source,
          enabled: e.meta.enabled,
          state: e.annex?.state ?? null,
          error: e.annex?.last_error?.message ?? null,
        })),
        flags.json === true,
      );
      return 0;
    }
    if (sub === 'enable' || sub === 'disable')
      await hostRequest(remote, 'PATCH', `/extensions/${encodeURIComponent(id!)}`, {
        meta: { enabled: sub === 'enable' },
      });
    else
      await hostRequest(
        remote,
        'POST',
        `/extensions/${encodeURIComponent(id!)}/${sub}`,
        sub === 'grant' && scopes !== undefined ? { scopes } : {},
      );
    process.stdout.write(`${sub}: ${id}\n`);
    return 0;
  }

  return withDatabase(async (knex, config) => {
    const rows = await ExtensionSettingModel.query(knex);
    if (sub === 'list') {
      printList(
        rows.map((r) => ({
          name: r.name ?? r.folder,
          type: r.type,
          source: r.source,
          enabled: r.enabled,
          state: r.state,
          error: r.last_error?.message ?? null,
        })),
        flags.json === true,
      );
      return 0;
    }
    const row = rows.find((r) => r.id === id || r.name === id);
    if (!row) return notFound(id!);
    if (sub === 'disable' && row.source === 'builtin' && isLockedBuiltin(row.folder)) {
      process.stderr.write(`error [HOST_EXTENSION_LOCKED]: "${row.name}" is locked and cannot be disabled\n`);
      return 1;
    }
    if (sub === 'enable' || sub === 'disable') {
      const enabled = sub === 'enable';
      await ExtensionSettingModel.query(knex)
        .patch({ enabled } as any)
        .where({ id: row.id })
        .orWhere({ bundle: row.id });
      if (row.bundle) {
        const siblings = await ExtensionSettingModel.query(knex).where({ bundle: row.bundle });
        await ExtensionSettingModel.query(knex)
          .patch({ enabled: siblings.some((s) => s.enabled) } as any)
          .where({ id: row.bundle });
      }
    } else if (sub === 'reset') {
      await ExtensionSettingModel.query(knex)
        .patch({ quarantine: null } as any)
        .where({ id: row.id });
    } else if (sub === 'grant') {
      await ExtensionSettingModel.query(knex)
        .patch({ granted_scopes: (scopes ?? row.requested_scopes ?? {}) as any })
        .where({ id: row.id });
    } else {
      await ExtensionSettingModel.query(knex)
        .patch({ granted_scopes: {} as any })
        .where({ id: row.id });
    }
    const action = sub === 'enable' || sub === 'disable' ? 'update' : sub;
    const details =
      action === 'update'
        ? { enabled: sub === 'enable' }
        : sub === 'grant'
          ? { scopes: scopes ?? row.requested_scopes ?? {} }
          : undefined;
    await recordCliChange(knex, config, action, row.name ?? row.folder, details);
    process.stdout.write(
      `${sub}: ${row.name ?? row.folder} (applies on the next start of the host; use --url/--token for a running host)\n`,
    );
    return 0;
  });
}
