// @ts-check
import { ref } from 'vue';

/*
 * The file library's folders, shared by its navigation and its pages: a page that creates, renames
 * or deletes a folder reloads them and the navigation shows the change.
 */
const folders = ref(/** @type {{ id: string; name: string; parent: string | null }[]} */ ([]));

/** @param {any} api the app's API client (useApi()) */
export function useFolders(api) {
  async function reload() {
    try {
      folders.value = (await api.get('/folders', { params: { fields: 'id,name,parent', limit: -1 } })).data.data ?? [];
    } catch {
      folders.value = [];
    }
  }
  return { folders, reload };
}

/**
 * The folders depth-first, by name, each with its depth; a folder whose parent is not there (or
 * that sits in a loop) is shown at the top.
 * @param {{ id: string; name: string; parent: string | null }[]} list
 */
export function folderRows(list) {
  const ids = new Set(list.map((f) => f.id));
  const children = (/** @type {string | null} */ parent) =>
    list
      .filter((f) => (f.parent && ids.has(f.parent) ? f.parent : null) === parent)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  /** @type {{ id: string; name: string; parent: string | null; depth: number }[]} */
  const out = [];
  const walk = (/** @type {string | null} */ parent, /** @type {number} */ depth, /** @type {Set<string>} */ seen) => {
    for (const f of children(parent)) {
      if (seen.has(f.id)) continue;
      out.push({ ...f, depth });
      walk(f.id, depth + 1, new Set([...seen, f.id]));
    }
  };
  walk(null, 0, new Set());
  return out;
}
