import type { Knex } from 'knex';

/**
 * What a write to a system collection implies beyond its own row, done in the same transaction.
 * A new password ends every session of its user, so a stolen refresh token does not outlive the
 * password it was issued under (as in Directus since 10.11).
 */
export async function applySystemEffects(db: Knex, collection: string, keys: (string | number)[], row: Record<string, unknown>): Promise<void> {
  if (collection === 'directus_users' && row.password !== undefined) await db('directus_sessions').whereIn('user', keys).delete();
}
