// @ts-check
/*
 * The pure part of the built-in layouts: Directus's layout query (`fields`, `sort`, `limit`,
 * `page`) and options (cards: `imageSource`, `title`, `subtitle`, `imageFit`, `icon`), and what
 * they ask the API for.
 */
/** The sort after a click on a column: ascending, then descending, then ascending again. @param {string[] | undefined} sort @param {string} field */
export function nextSort(sort, field) {
  const current = sort?.[0];
  return [current === field ? `-${field}` : field];
}

/** Which way a column is sorted: 'asc', 'desc' or null. @param {string[] | undefined} sort @param {string} field */
export function sortOf(sort, field) {
  const current = sort?.[0];
  if (current === field) return 'asc';
  if (current === `-${field}`) return 'desc';
  return null;
}

/** A value at a dotted path (`author.name`) of an item, null on the way. @param {any} item @param {string} path */
export function pathValue(item, path) {
  let value = item;
  for (const part of path.split('.')) {
    if (value === null || value === undefined) return null;
    value = value[part];
  }
  return value ?? null;
}

/** Directus's `$thumbnail`: on directus_files, the card's image is the file itself. */
export const THUMBNAIL = '$thumbnail';

/**
 * The fields a layout asks the API for: every field of the item (`*`), plus the related ones its
 * columns, templates and image reach through relations (`author.name`, `cover.type`).
 * `templateFields` are the fields the cards' templates name (getFieldsFromTemplate).
 * @param {{ columns?: string[] | null; templateFields?: string[]; imageSource?: string | null }} wants
 */
export function requestFields(wants) {
  const related = new Set();
  const add = (/** @type {string} */ path) => {
    if (path.includes('.') && !path.startsWith('$')) related.add(path);
  };
  for (const c of wants.columns ?? []) add(c);
  for (const f of wants.templateFields ?? []) add(f);
  if (wants.imageSource && wants.imageSource !== THUMBNAIL)
    for (const sub of ['id', 'type']) related.add(`${wants.imageSource}.${sub}`);
  return ['*', ...related];
}

/**
 * The file a card shows, or null: the item itself on directus_files with `$thumbnail`, else the
 * file its image field holds (loaded as an object, or only its key).
 * @param {any} item @param {string | null | undefined} imageSource @param {string} collection
 * @returns {{ id: string; type: string | null } | null}
 */
export function cardFile(item, imageSource, collection) {
  if (!imageSource) return null;
  if (imageSource === THUMBNAIL)
    return collection === 'directus_files' && item?.id ? { id: item.id, type: item.type ?? null } : null;
  const value = item?.[imageSource];
  if (!value) return null;
  if (typeof value === 'object') return value.id ? { id: value.id, type: value.type ?? null } : null;
  return { id: String(value), type: null };
}

/** Whether /assets can draw a thumbnail of this file (a raster image; an unknown type is tried). @param {{ type: string | null }} file */
export const hasThumbnail = (file) =>
  file.type === null || (file.type.startsWith('image/') && !file.type.includes('svg'));

/**
 * The thumbnail of an item's card image (`imageSource`, as `cardFile` reads it) from /assets,
 * `side` pixels square, or null when there is none to draw.
 * @param {any} item @param {string | null | undefined} imageSource @param {string} collection
 * @param {number} side @param {'cover' | 'contain'} fit @param {string} token the app's access token
 */
export function cardImageUrl(item, imageSource, collection, side, fit, token) {
  const file = cardFile(item, imageSource, collection);
  if (!file || !hasThumbnail(file)) return null;
  return `/assets/${encodeURIComponent(file.id)}?width=${side}&height=${side}&fit=${fit}&access_token=${encodeURIComponent(token)}`;
}

/** Pages for a count and a page size (at least one). @param {number | null | undefined} count @param {number} limit */
export const pageCount = (count, limit) => (limit > 0 && count ? Math.max(1, Math.ceil(count / limit)) : 1);

/** What a dragged card or row carries: its collection and keys (the file library's folders take files). */
export const ITEMS_MIME = 'application/x-annex-items';

/**
 * Starts dragging `keys` of `collection` (a row that is part of the selection drags the selection).
 * @param {DragEvent} event @param {string} collection @param {unknown[]} keys
 */
export function dragItems(event, collection, keys) {
  if (!event.dataTransfer) return;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData(ITEMS_MIME, JSON.stringify({ collection, keys }));
}
