import { computed, isRef, ref, unref, watch } from 'vue';
import { useApi } from './context.js';
import { getEndpoint } from '../components/composables/endpoint.js';

/**
 * Items of a collection for a query (fields, filter, sort, limit, page, search), refetched when
 * the collection or the query changes (Directus's `useItems`).
 */
export function useItems(collection, query = {}) {
  const api = useApi();
  const items = ref([]);
  const loading = ref(false);
  const loadingItemCount = ref(false);
  const error = ref(null);
  const totalCount = ref(null);
  const itemCount = ref(null);
  const q = computed(() => {
    const raw = isRef(query) ? query.value : query;
    const out = {};
    for (const [k, v] of Object.entries(raw ?? {})) out[k] = unref(v);
    return out;
  });
  const totalPages = computed(() =>
    itemCount.value && q.value.limit ? Math.ceil(itemCount.value / q.value.limit) : 1,
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

  watch([() => unref(collection), () => JSON.stringify(q.value)], () => getItems(), { immediate: true });
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
    /** Moves `item` to where `to` is (Directus's POST /utils/sort), then reloads. */
    async changeManualSort({ item, to }) {
      const name = unref(collection);
      if (!name) return;
      await api.post(`/utils/sort/${name}`, { item, to });
      await getItems();
    },
  };
}
