// @ts-check
// The value list-o2m and list-m2m emit, as Directus's relational interfaces do: a change set
// `{ create, update, delete }` applied by the server to the related (o2m) or junction (m2m) rows.
// An untouched field keeps its loaded value (an array of keys), so saving sends nothing for it.

/** @typedef {{ create: Record<string, any>[], update: Record<string, any>[], delete: (string|number)[] }} Changes */
/** @typedef {{ kind: 'o2m'|'m2m', pk: string, reverseField: string, junctionField?: string|null, relatedPk?: string|null }} ListRelation */

/** The change set held in `value` (a fresh empty one when the value is the loaded key list or null). */
export function getChanges(value) {
  if (!value || Array.isArray(value) || typeof value !== 'object') return { create: [], update: [], delete: [] };
  return { create: [...(value.create ?? [])], update: [...(value.update ?? [])], delete: [...(value.delete ?? [])] };
}

/** What the interface emits: the change set, or the untouched value back when nothing changed. */
export function toValue(changes, untouched) {
  const empty = changes.create.length === 0 && changes.update.length === 0 && changes.delete.length === 0;
  return empty ? (Array.isArray(untouched) ? untouched : null) : changes;
}

/** Whether an update entry links an item that was not in the list (o2m "add existing"). */
const isLink = (rel, entry, fetched) =>
  rel.kind === 'o2m' && entry[rel.reverseField] !== undefined && !fetched.some((f) => f[rel.pk] === entry[rel.pk]);

/**
 * The rows to show: the loaded rows with their pending edits merged (and deletions marked), the
 * items linked by this change set, then the created ones. Each row carries `$type` and `$index`
 * (its place in the change set) so an edit or removal can find its entry again.
 */
export function getDisplayItems(rel, fetched, changes, selectedDetails = []) {
  const rows = fetched.map((item) => {
    const u = changes.update.findIndex((e) => e[rel.pk] === item[rel.pk]);
    const d = changes.delete.indexOf(item[rel.pk]);
    const row = u === -1 ? { ...item } : { ...mergeDeep(item, changes.update[u]), $type: 'updated', $index: u };
    return d === -1 ? row : { ...row, $type: 'deleted', $index: d, ...(u === -1 ? {} : { $edits: u }) };
  });
  const linked = changes.update
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => isLink(rel, entry, fetched))
    .map(({ entry, index }) => ({
      ...mergeDeep(selectedDetails.find((s) => s[rel.pk] === entry[rel.pk]) ?? {}, entry),
      $type: 'updated',
      $index: index,
    }));
  const created = changes.create.map((entry, index) => ({
    ...withDetails(rel, entry, selectedDetails),
    $type: 'created',
    $index: index,
  }));
  return [...rows, ...linked, ...created];
}

/** An m2m entry picking an existing related item shows that item's loaded fields. */
function withDetails(rel, entry, details) {
  if (rel.kind !== 'm2m' || !rel.junctionField || !rel.relatedPk) return entry;
  const picked = entry[rel.junctionField];
  const key = picked && typeof picked === 'object' ? picked[rel.relatedPk] : undefined;
  const found = key === undefined ? null : details.find((d) => d[rel.relatedPk] === key);
  return found ? { ...entry, [rel.junctionField]: { ...found, ...picked } } : entry;
}

function mergeDeep(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && base?.[k] && typeof base[k] === 'object'
        ? mergeDeep(base[k], v)
        : v;
  }
  return out;
}

const clean = (item) => Object.fromEntries(Object.entries(item).filter(([k]) => !k.startsWith('$')));

/** Adds newly created items. */
export function create(changes, ...items) {
  return { ...changes, create: [...changes.create, ...items.map(clean)] };
}

/** Records edits of a shown row: a created row's entry is replaced, a loaded row gets (or replaces) its update entry. */
export function update(changes, row, edits) {
  const next = getChanges(changes);
  const merged = clean({ ...clean(row), ...edits });
  if (row.$type === 'created') next.create[row.$index] = clean(mergeDeep(next.create[row.$index] ?? {}, edits));
  else if (row.$type === 'updated') next.update[row.$index] = clean(mergeDeep(next.update[row.$index] ?? {}, edits));
  else if (row.$type === 'deleted' && row.$edits !== undefined)
    next.update[row.$edits] = clean(mergeDeep(next.update[row.$edits] ?? {}, edits));
  else next.update.push(merged);
  return next;
}

/** Removes a shown row: a created one is dropped, a linked one unlinked again, a loaded one deleted (or restored when already deleted). */
export function remove(rel, changes, row, fetched = []) {
  const next = getChanges(changes);
  if (row.$type === 'created') next.create.splice(row.$index, 1);
  else if (row.$type === 'deleted') next.delete.splice(row.$index, 1);
  else if (row.$type === 'updated' && isLink(rel, next.update[row.$index] ?? {}, fetched))
    next.update.splice(row.$index, 1);
  else next.delete.push(row[rel.pk]);
  return next;
}

/** Picks existing related items: o2m links them to the parent (update), m2m creates junction rows pointing at them. */
export function select(rel, changes, keys, parentKey) {
  const next = getChanges(changes);
  for (const key of keys) {
    if (rel.kind === 'o2m') next.update.push({ [rel.reverseField]: parentKey, [rel.pk]: key });
    else next.create.push({ [rel.reverseField]: parentKey, [rel.junctionField]: { [rel.relatedPk]: key } });
  }
  return next;
}

/** Keys already in the list, so the picker can leave them out: o2m related keys, m2m related keys behind the junction. */
export function getSelectedKeys(rel, rows) {
  const live = rows.filter((r) => r.$type !== 'deleted');
  if (rel.kind === 'o2m') return live.map((r) => r[rel.pk]).filter((k) => k !== undefined);
  return live
    .map((r) => {
      const j = r[rel.junctionField];
      return j && typeof j === 'object' ? j[rel.relatedPk] : j;
    })
    .filter((k) => k !== undefined && k !== null);
}
