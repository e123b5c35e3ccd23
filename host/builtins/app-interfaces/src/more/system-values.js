// @ts-check
/*
 * The pure part of Directus's system interfaces that extensions' option forms name
 * (`system-collection`, `system-folder`, `system-language`, `system-raw-editor`,
 * `system-field-tree`…): which choices each offers and how a value is shown and read back.
 */

/**
 * The collections a `system-collection` / `system-collections` offers, as Directus's do: the
 * project's own collections (singletons unless `includeSingleton` is false), then, with
 * `includeSystem`, the system collections an extension may read and write. `tablesOnly` leaves out
 * folders (collections without a table), as `system-collections` does.
 * @param {any[]} collections the collections store's `collections`
 * @param {{ includeSystem?: boolean; includeSingleton?: boolean; tablesOnly?: boolean; crudSafeSystem?: any[] }} options
 * @returns {{ text: string; value: string }[]}
 */
export function collectionChoices(collections, options = {}) {
  const { includeSystem = false, includeSingleton = true, tablesOnly = false } = options;
  const isSystem = (/** @type {any} */ c) => c.collection.startsWith('directus_');
  let own = collections.filter((c) => !isSystem(c));
  if (tablesOnly) own = own.filter((c) => Boolean(c.schema));
  if (!includeSingleton) own = own.filter((c) => c.meta?.singleton !== true);
  const system = includeSystem ? (options.crudSafeSystem ?? collections.filter(isSystem)) : [];
  return [...own, ...system].map((c) => ({ text: c.name ?? c.collection, value: c.collection }));
}

/**
 * Folders as a tree (`children` on each), the way `system-folder` lists them.
 * @param {{ id: string; name: string; parent?: string | null }[]} folders
 * @returns {{ id: string; name: string; children: any[] }[]}
 */
export function nestFolders(folders) {
  const byParent = new Map();
  for (const f of folders) {
    const parent = f.parent && folders.some((o) => o.id === f.parent) ? f.parent : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), f]);
  }
  /** @param {string | null} parent @param {Set<string>} seen @returns {any[]} */
  const level = (parent, seen) =>
    (byParent.get(parent) ?? [])
      .filter((/** @type {any} */ f) => !seen.has(f.id))
      .sort((/** @type {any} */ a, /** @type {any} */ b) => String(a.name).localeCompare(String(b.name)))
      .map((/** @type {any} */ f) => ({ id: f.id, name: f.name, children: level(f.id, new Set([...seen, f.id])) }));
  return level(null, new Set());
}

/**
 * A folder's place as Directus's `system-folder` shows it: `Parent / Child`; the root when there is
 * no value; the id itself when the folder is not (or no longer) there.
 * @param {string | null | undefined} id @param {{ id: string; name: string; parent?: string | null }[]} folders
 */
export function folderPath(id, folders, rootName = 'File Library') {
  if (!id) return rootName;
  const byId = new Map(folders.map((f) => [f.id, f]));
  const names = [];
  const seen = new Set();
  for (let f = byId.get(id); f && !seen.has(f.id); f = f.parent ? byId.get(f.parent) : undefined) {
    seen.add(f.id);
    names.unshift(f.name);
  }
  return names.length ? names.join(' / ') : id;
}

/**
 * The language tags `system-language` offers (Directus's app languages): the value is the tag, the
 * text its English name from the browser's `Intl.DisplayNames`.
 */
export const LANGUAGE_TAGS = [
  'af-ZA',
  'ar-SA',
  'bg-BG',
  'bn-BD',
  'ca-ES',
  'cs-CZ',
  'cy-GB',
  'da-DK',
  'de-AT',
  'de-CH',
  'de-DE',
  'el-GR',
  'en-CA',
  'en-GB',
  'en-US',
  'eo-UY',
  'es-419',
  'es-CL',
  'es-ES',
  'es-MX',
  'et-EE',
  'eu-ES',
  'fa-IR',
  'fi-FI',
  'fil-PH',
  'fr-CA',
  'fr-FR',
  'he-IL',
  'hi-IN',
  'hr-HR',
  'hu-HU',
  'id-ID',
  'is-IS',
  'it-IT',
  'ja-JP',
  'ko-KR',
  'lt-LT',
  'lv-LV',
  'ms-MY',
  'nb-NO',
  'nl-NL',
  'nn-NO',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'ro-RO',
  'ru-RU',
  'sk-SK',
  'sl-SI',
  'sr-CS',
  'sv-SE',
  'th-TH',
  'tr-TR',
  'uk-UA',
  'vi-VN',
  'zh-CN',
  'zh-TW',
];

/** @param {string} locale the language the names are written in @returns {{ text: string; value: string }[]} */
export function languageChoices(locale = 'en') {
  let names = null;
  try {
    names = new Intl.DisplayNames([locale], { type: 'language' });
  } catch {
    names = null;
  }
  return LANGUAGE_TAGS.map((tag) => ({ text: names?.of(tag) ?? tag, value: tag }));
}

/** Whether `system-raw-editor` reads and writes a field of this type as JSON. @param {string | undefined} type */
export const isObjectLike = (type) => type === 'json' || type === 'csv' || Boolean(type?.startsWith('geometry'));

/** The raw editor's text for a value. @param {unknown} value @param {boolean} objectLike */
export function rawText(value, objectLike) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return objectLike || typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value);
}

/**
 * The value the raw editor emits for its text: null when empty, parsed JSON for a JSON-like field
 * when the text is JSON (the text as it is while it is not yet), the text otherwise.
 * @param {string} text @param {boolean} objectLike
 */
export function rawValue(text, objectLike) {
  if (text === '') return null;
  if (!objectLike) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The collection a field leads to through its relation (a many-to-one's target, a one-to-many's
 * related collection), or null.
 * @param {string} collection @param {string} field @param {any[]} relations the relations store's
 */
export function relatedCollection(collection, field, relations) {
  for (const r of relations) {
    if (r.collection === collection && r.field === field && r.related_collection) return r.related_collection;
    if (r.related_collection === collection && r.meta?.one_field === field) return r.collection;
  }
  return null;
}

/**
 * The field tree `system-field-tree` shows: a collection's fields (not groups or presentation
 * fields), each relational one with its related collection's fields below it once its path is in
 * `opened` (an empty `children` until then, so it can be opened). Keys are dotted paths
 * (`author.name`), Directus's field-tree values.
 * @param {string} collection
 * @param {{ fieldsOf: (collection: string) => any[]; relations: any[]; opened?: Set<string> }} schema
 * @returns {{ name: string; field: string; key: string; collection: string; relatedCollection?: string; children?: any[] }[]}
 */
export function fieldTree(collection, schema, prefix = '', seen = [collection]) {
  const nodes = [];
  for (const f of schema.fieldsOf(collection) ?? []) {
    const related = relatedCollection(collection, f.field, schema.relations);
    if (f.type === 'alias' && !related) continue;
    const key = prefix ? `${prefix}.${f.field}` : f.field;
    /** @type {any} */
    const node = { name: f.meta?.name ?? f.name ?? f.field, field: f.field, key, collection };
    if (related && seen.length < 8) {
      node.relatedCollection = related;
      node.children = schema.opened?.has(key) ? fieldTree(related, schema, key, [...seen, related]) : [];
    }
    nodes.push(node);
  }
  return nodes;
}

/** `list` with the entry at `from` moved to `to` (a new array). @template T @param {T[]} list @param {number} from @param {number} to */
export function moveEntry(list, from, to) {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return [...list];
  const out = [...list];
  const [entry] = out.splice(from, 1);
  out.splice(to, 0, entry);
  return out;
}

/**
 * How `system-fields` names a picked field path: each step's field name, joined with arrows
 * (`Author -> Name`). `getField(collection, path)` is the fields store's.
 * @param {string} collection @param {string} path @param {(collection: string, path: string) => any} getField
 */
export function fieldPathName(collection, path, getField) {
  const parts = path.split('.');
  return parts
    .map((part, i) => {
      const f = getField(collection, parts.slice(0, i + 1).join('.'));
      return f?.meta?.name ?? f?.name ?? part;
    })
    .join(' -> ');
}
