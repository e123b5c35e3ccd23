import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { installSdk } from '../../host/app/src/sdk/context.js';
import { useItems } from '../../host/app/src/sdk/use-items.js';

/** An api client over one collection of numbered items, recording what was asked. */
function fakeApi() {
  const calls: { method: string; url: string; params?: Record<string, unknown>; data?: unknown }[] = [];
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
  return {
    calls,
    get: async (url: string, config?: { params?: Record<string, unknown> }) => {
      calls.push({ method: 'GET', url, params: config?.params });
      return { data: { data: rows, meta: { total_count: 30, filter_count: 12 } }, status: 200 };
    },
    post: async (url: string, data: unknown) => {
      calls.push({ method: 'POST', url, data });
      return { data: { data: null }, status: 204 };
    },
  };
}
const settle = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
};

describe("useItems, as Directus's", () => {
  it('sends only the query keys Directus sends, and counts pages', async () => {
    const api = fakeApi();
    installSdk({ api, stores: {}, registry: { state: {} } });
    const state = useItems(ref('notes'), {
      fields: ['id'],
      limit: 5,
      filterSystem: { id: { _gt: 0 } },
      groupBy: ['x'],
    });
    await settle();
    expect(api.calls[0]!.params).toEqual({ fields: ['id'], limit: 5, meta: 'total_count,filter_count' });
    expect([state.totalCount.value, state.itemCount.value, state.totalPages.value]).toEqual([30, 12, 3]);
  });

  it('goes back to the first page when the filter, search, sort or limit changes', async () => {
    const api = fakeApi();
    installSdk({ api, stores: {}, registry: { state: {} } });
    const page = ref(3);
    const search = ref<string | null>(null);
    useItems(ref('notes'), { limit: 5, page, search });
    await settle();
    expect(api.calls.at(-1)!.params).toMatchObject({ page: 3 });
    search.value = 'tea';
    await settle();
    expect(page.value).toBe(1);
    expect(api.calls.at(-1)!.params).toMatchObject({ page: 1, search: 'tea' });
    // Turning the page itself keeps it.
    page.value = 2;
    await settle();
    expect(api.calls.at(-1)!.params).toMatchObject({ page: 2, search: 'tea' });
  });

  it('does not fetch on init when asked not to; changeManualSort moves the item at once, then saves it', async () => {
    const api = fakeApi();
    installSdk({ api, stores: {}, registry: { state: {} } });
    const state = useItems(ref('notes'), {}, false);
    await settle();
    expect(api.calls).toEqual([]);
    await state.getItems();
    await state.changeManualSort({ item: 3, to: 1 });
    expect(state.items.value.map((i: { id: number }) => i.id)).toEqual([3, 1, 2]);
    expect(api.calls.at(-1)).toEqual({ method: 'POST', url: '/utils/sort/notes', data: { item: 3, to: 1 } });
  });
});
