import { computed, isRef, ref, unref, watch } from 'vue';
import { useApi, useStores } from './context.js';
import { getEndpoint } from '../components/composables/endpoint.js';

/** The query keys Directus's `useItems` sends (others, such as `filterSystem`, stay in the browser). */
const SENT = ['fields', 'limit', 'sort', 'search', 'filter', 'page', 'alias', 'deep', 'version'];
/** A change of these starts again from the first page, as Directus's `useItems` does. */
const FIRST_PAGE_ON = ['filter', 'search', 'sort', 'limit'];

/**
 * Directus's `useItems(collection, query, fetchOnInit = true)`: the items of a collection for a
 * query (`fields`, `limit`, `sort`, `search`, `filter`, `page`, `alias`, `deep`), refetched when
 * the collection or the query changes, back to the first page when the filter, search, sort or
 * limit changes (a writable `page` ref is set to 1), with the counts for paging.
 * `changeManualSort({ item, to })` moves the item in place, then saves the order.
 */
export function useItems(collection, query = {}, fetchOnInit = true) {
  const api = useApi();
  const items = ref([]);
  const loading = ref(false);
  const loadingItemCount = ref(false);
  const error = ref(null);
  const totalCount = ref(null);
  const itemCount = ref(null);
  const raw = () => (isRef(query) ? query.value : query) ?? {};
  const q = computed(() => {
    const out = {};
    for (const k of SENT) {
      const v = unref(raw()[k]);
      if (v !== undefined && v !== null) out[k] = v;
    }
    return out;
  });
  const totalPages = computed(() =>
    itemCount.value && q.value.limit && q.value.limit > 0 ? Math.ceil(itemCount.value / q.value.limit) : 1,
  );
  let seq = 0;

  async function getItems() {
    const name = unref(collection);
    if (!name) return;
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const res = await api.get(getEndpoint(name), { params: { ...q.value, meta: 'total_count,filter_count' } });
      if (mine !== seq) return;
      items.value = res.data.data ?? [];
      totalCount.value = res.data.meta?.total_count ?? items.value.length;
      itemCount.value = res.data.meta?.filter_count ?? items.value.length;
    } catch (e) {
      if (mine === seq) error.value = e;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  const narrowing = () => JSON.stringify(FIRST_PAGE_ON.map((k) => q.value[k] ?? null));
  watch(
    [() => unref(collection), narrowing, () => JSON.stringify(q.value)],
    ([name, narrow], before) => {
      // A narrower or reordered list starts again from its first page.
      const page = raw().page;
      const first = !before || before[1] === undefined;
      if (!first && (name !== before[0] || narrow !== before[1]) && isRef(page) && page.value !== 1) {
        page.value = 1;
        return; // the page's own change fetches
      }
      void getItems();
    },
    { immediate: fetchOnInit },
  );

  /** The primary key field of the collection, as the fields store knows it. */
  const primaryKey = () =>
    useStores()?.useFieldsStore?.()?.getPrimaryKeyFieldForCollection?.(unref(collection))?.field ?? 'id';

  return {
    items,
    loading,
    loadingItemCount,
    error,
    totalCount,
    itemCount,
    totalPages,
    getItems,
    getTotalCount: getItems,
    getItemCount: getItems,
    /** Moves `item` to where `to` is, in the list at once, then saves it (Directus's POST /utils/sort). */
    async changeManualSort({ item, to }) {
      const name = unref(collection);
      if (!name) return;
      const pk = primaryKey();
      const from = items.value.findIndex((i) => i?.[pk] === item);
      const at = items.value.findIndex((i) => i?.[pk] === to);
      const moved = from !== -1 && at !== -1;
      if (moved) {
        const next = [...items.value];
        next.splice(at, 0, ...next.splice(from, 1));
        items.value = next;
      }
      try {
        await api.post(`/utils/sort/${name}`, { item, to });
        // Either item not on this page: the saved order is read back.
        if (!moved) await getItems();
      } catch (e) {
        // The order on the host stays as it was: show that one.
        await getItems();
        throw e;
      }
    },
  };
}
