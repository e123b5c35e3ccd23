import { errors } from '../errors.js';

type Item = Record<string, unknown>;

/**
 * System collections, or columns of them, that only the host's own code writes. The items
 * service refuses them to everyone else — REST, GraphQL, nested writes, extensions — because a
 * row there is a claim the host makes: who did what (the activity log), and which bytes a file
 * row stands for (a client choosing `filename_disk` could point a row at another upload).
 */
const HOST_ONLY: Record<string, string> = {
  directus_activity: 'The activity log is written by the host.',
  directus_revisions: 'Revisions are written by the host.',
};

/** In MutationOptions: the host's own code writing such rows (the file upload). Not reachable from requests. */
export const HOST_WRITE = Symbol('annex.hostWrite');

/** The columns of a file's row only the host writes: which bytes it stands for, and what was read of them. */
export const FILE_COLUMNS: readonly string[] = [
  'storage',
  'filename_disk',
  'filesize',
  'uploaded_by',
  'uploaded_on',
  'width',
  'height',
];

/**
 * Flows and their operations run with whatever rights their options name (`permissions: "$full"`
 * acts as the system): whoever writes them holds those rights, so only administrators may.
 */
const ADMIN_ONLY = new Set(['directus_flows', 'directus_operations']);

/**
 * Throws INVALID_PAYLOAD when `action` on `collection` with `payload` is the host's alone, and
 * FORBIDDEN when it is an administrator's alone and `actor` is not one.
 */
export function assertClientWrite(
  collection: string,
  action: 'create' | 'update' | 'delete',
  payload: Item | null,
  actor: { admin: boolean },
): void {
  if (ADMIN_ONLY.has(collection) && !actor.admin) throw errors.FORBIDDEN();
  // A two-factor secret is set by proving a code of it (/users/me/tfa/enable); clearing it is an update like any.
  const secret = payload?.tfa_secret;
  if (collection === 'directus_users' && secret !== undefined && secret !== null && secret !== '**********')
    throw errors.INVALID_PAYLOAD({ reason: 'tfa_secret is set through /users/me/tfa/enable.' });
  const only = Object.hasOwn(HOST_ONLY, collection) ? HOST_ONLY[collection] : undefined;
  if (only) throw errors.INVALID_PAYLOAD({ reason: only });
  if (collection !== 'directus_files') return;
  if (action === 'create')
    throw errors.INVALID_PAYLOAD({
      reason: 'Files are created by uploading them (multipart/form-data to POST /files).',
    });
  const managed = Object.keys(payload ?? {}).filter((k) => FILE_COLUMNS.includes(k));
  if (managed.length)
    throw errors.INVALID_PAYLOAD({
      reason: `${managed.join(', ')} ${managed.length === 1 ? 'is' : 'are'} set by the host.`,
    });
}

/** `filtered` with the host-written columns of `collection` as the host set them in `original`. */
export function keepHostColumns(collection: string, original: Item, filtered: Item): Item {
  if (collection !== 'directus_files' || !filtered || typeof filtered !== 'object') return filtered;
  const out: Item = { ...filtered };
  for (const column of FILE_COLUMNS) {
    if (Object.hasOwn(original, column)) out[column] = original[column];
    else delete out[column];
  }
  return out;
}
