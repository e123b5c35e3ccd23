import type { Knex } from 'knex';
import type { Logger } from '../logger.js';

/** One row of `directus_activity`: who did what to which item, from where. */
export interface ActivityEntry {
  /** Directus verbs (`login`, `update`, `delete`) and Annex's for extensions (`grant`, `install`, …). */
  action: string;
  collection: string;
  item: string | null;
  user: string | null;
  ip?: string | null;
  userAgent?: string | null;
  origin?: string | null;
  /** What changed, as JSON (`{ enabled: false }`, the granted scopes, the new version). */
  details?: unknown;
}

/** Who made a request, as the activity log records it. */
export interface ActivityRequest {
  accountability?: { user?: string | null; ip?: string | null } | null;
  get?(name: string): string | undefined;
}

/** The `directus_activity` row for `entry`. */
export function activityRow(entry: ActivityEntry): Record<string, unknown> {
  return {
    action: entry.action,
    collection: entry.collection,
    item: entry.item,
    user: entry.user,
    ip: entry.ip ?? null,
    user_agent: entry.userAgent?.slice(0, 1024) ?? null,
    origin: entry.origin?.slice(0, 255) ?? null,
    timestamp: new Date().toISOString(),
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
  };
}

/** Inserts one activity row with `db` (a transaction, when the entry must commit with its change); returns its id. */
export async function insertActivity(db: Knex, entry: ActivityEntry): Promise<number> {
  const [inserted] = await db('directus_activity').insert(activityRow(entry)).returning('id');
  return Number(typeof inserted === 'object' ? (inserted as { id: number }).id : inserted);
}

/**
 * Appends to the activity log. The change it records has already happened, so a failure to
 * record is logged and swallowed: it must not turn a done change into an error.
 */
export async function recordActivity(knex: Knex, logger: Logger, entry: ActivityEntry): Promise<void> {
  try {
    await insertActivity(knex, entry);
  } catch (err) {
    logger.warn({ err, activity: entry.action, item: entry.item }, 'could not record activity');
  }
}

/** A change to an extension (item = its name), by `actor`, in the activity log. */
export function recordExtensionChange(
  knex: Knex,
  logger: Logger,
  actor: Pick<ActivityEntry, 'user' | 'ip' | 'userAgent' | 'origin'>,
  action: string,
  item: string | null,
  details?: unknown,
): Promise<void> {
  return recordActivity(knex, logger, { ...actor, action, collection: 'directus_extensions', item, details });
}

/** The request's user, address, user agent and origin for an activity entry. */
export function requestActor(req: ActivityRequest): Pick<ActivityEntry, 'user' | 'ip' | 'userAgent' | 'origin'> {
  return {
    user: req.accountability?.user ?? null,
    ip: req.accountability?.ip ?? null,
    userAgent: req.get?.('user-agent') ?? null,
    origin: req.get?.('origin') ?? null,
  };
}
