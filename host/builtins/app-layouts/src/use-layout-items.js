// @ts-check
import { computed, toRefs } from 'vue';
import { useRouter } from 'vue-router';
import { getItemRoute, useCollection, useItems } from '@directus/extensions-sdk';

/**
 * What every built-in layout needs: the collection's fields, its items for the layout query
 * (search, filter, sort, limit) and a way to open an item.
 */
export function useLayoutItems(props) {
  const { collection, layoutQuery, search, filter } = toRefs(props);
  const { fields, primaryKeyField, info } = useCollection(collection);
  const query = computed(() => ({
    limit: 100,
    ...(layoutQuery?.value ?? {}),
    ...(search?.value ? { search: search.value } : {}),
    ...(filter?.value ? { filter: filter.value } : {}),
  }));
  const { items, loading, error, itemCount, getItems } = useItems(collection, query);
  const router = useRouter();
  const pk = computed(() => primaryKeyField.value?.field ?? 'id');
  const visibleFields = computed(() => fields.value.filter((f) => f.meta?.hidden !== true && f.type !== 'alias'));
  const open = (item) => router.push(getItemRoute(props.collection, item[pk.value]));
  return { items, loading, error, itemCount, getItems, fields, visibleFields, primaryKeyField, pk, info, open };
}
