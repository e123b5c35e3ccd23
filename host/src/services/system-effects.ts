import type { Knex } from 'knex';
import { errors } from '../errors.js';

/** How deep folders may nest (a walk up the tree stops there). */
const MAX_FOLDER_DEPTH = 1000;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a create or update of system rows implies beyond the rows themselves, done in the same
 * transaction after they were written. A new password ends every session of its user, so a
 * stolen refresh token does not outlive the password it was issued under (as in Directus since
 * 10.11). The references these tables do not enforce (no foreign keys on the columns) must point
 * at something real: a folder's parent (never itself or a subfolder) and a file's folder.
 */
export async function applySystemEffects(
  db: Knex,
  collection: string,
  keys: (string | number)[],
  row: Record<string, unknown>,
): Promise<void> {
  if (collection === 'directus_users' && row.password !== undefined)
    await db('directus_sessions').whereIn('user', keys).delete();
  if (collection === 'directus_folders' && row.parent !== undefined && row.parent !== null)
    await assertNoFolderCycle(db, keys, String(row.parent));
  if (collection === 'directus_files' && row.folder !== undefined && row.folder !== null)
    await assertFolderExists(db, String(row.folder));
}

/** INVALID_PAYLOAD unless `id` names a folder (a malformed id is refused before the database sees it). */
export async function assertFolderExists(db: Knex, id: string): Promise<void> {
  if (!UUID_TEXT.test(id) || !(await db('directus_folders').where({ id }).first('id')))
    throw errors.INVALID_PAYLOAD({ reason: `Folder "${id}" does not exist.` });
}

/**
 * Before rows of a system collection are deleted, in the same transaction: a deleted folder's
 * files and subfolders move up to its parent (to the root for a top folder), as in Directus, so
 * deleting a folder never deletes or strands what was in it.
 */
export async function beforeSystemDelete(db: Knex, collection: string, keys: (string | number)[]): Promise<void> {
  if (collection !== 'directus_folders') return;
  const deleted = new Set(keys.map(String));
  const folders = (await db('directus_folders').whereIn('id', keys).select('id', 'parent')) as {
    id: string;
    parent: string | null;
  }[];
  const parentOf = new Map(folders.map((f) => [String(f.id), f.parent === null ? null : String(f.parent)]));
  // The nearest ancestor that survives this delete.
  const survivor = (id: string): string | null => {
    let at: string | null = parentOf.get(id) ?? null;
    for (let i = 0; at !== null && deleted.has(at) && i < MAX_FOLDER_DEPTH; i++) at = parentOf.get(at) ?? null;
    return at !== null && deleted.has(at) ? null : at;
  };
  for (const id of deleted) {
    await db('directus_files')
      .where({ folder: id })
      .update({ folder: survivor(id) });
    await db('directus_folders')
      .where({ parent: id })
      .whereNotIn('id', keys)
      .update({ parent: survivor(id) });
  }
}

/** INVALID_PAYLOAD when `parent` is one of `keys` or lies inside one of them. */
async function assertNoFolderCycle(db: Knex, keys: (string | number)[], parent: string): Promise<void> {
  const moved = new Set(keys.map(String));
  let at: string | null = parent;
  for (let depth = 0; at !== null; depth++) {
    if (moved.has(at))
      throw errors.INVALID_PAYLOAD({ reason: 'A folder cannot be moved into itself or one of its subfolders.' });
    if (depth >= MAX_FOLDER_DEPTH)
      throw errors.INVALID_PAYLOAD({ reason: `Folders nest at most ${MAX_FOLDER_DEPTH} levels.` });
    const row = (await db('directus_folders').where({ id: at }).first('parent')) as
      | { parent: string | null }
      | undefined;
    if (!row) throw errors.INVALID_PAYLOAD({ reason: `Folder "${at}" does not exist.` });
    at = row.parent === null ? null : String(row.parent);
  }
}
