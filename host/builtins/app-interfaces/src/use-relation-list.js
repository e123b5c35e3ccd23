// @ts-check
import { computed, ref, unref, watch } from 'vue';
import { getEndpoint, useApi, useStores } from '@directus/extensions-sdk';

/**
 * The relation behind a one-to-many alias (o2m: the related collection and its foreign key back)
 * or a many-to-many alias (m2m: the junction, its key back, and the junction field to the other side).
 */
export function useListRelation(collection, field) {
  const { useRelationsStore, useFieldsStore } = useStores();
  const relations = useRelationsStore();
  const fields = useFieldsStore();
  const pkOf = (c) => fields.getPrimaryKeyFieldForCollection(c)?.field ?? 'id';
  return computed(() => {
    const c = unref(collection);
    const f = unref(field);
    const all = relations.getRelationsForField(c, f);
    const back = all.find((r) => r.related_collection === c && r.meta?.one_field === f);
    if (!back) return null;
    const junctionField = back.meta?.junction_field ?? null;
    if (!junctionField)
      return {
        kind: 'o2m',
        collection: back.collection,
        pk: pkOf(back.collection),
        reverseField: back.field,
        junctionField: null,
        relatedCollection: back.collection,
        relatedPk: pkOf(back.collection),
        sortField: back.meta?.sort_field ?? null,
      };
    const other =
      all.find((r) => r.collection === back.collection && r.field === junctionField) ??
      relations.relations.find((r) => r.collection === back.collection && r.field === junctionField);
    const related = other?.related_collection ?? null;
    return {
      kind: 'm2m',
      collection: back.collection,
      pk: pkOf(back.collection),
      reverseField: back.field,
      junctionField,
      relatedCollection: related,
      relatedPk: related ? pkOf(related) : null,
      sortField: back.meta?.sort_field ?? null,
    };
  });
}

/** The rows linked to the parent item today (a page of them), as the server has them. */
export function useLinkedItems(relation, parentKey, options) {
  const api = useApi();
  const items = ref([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref(null);
  async function load() {
    const rel = relation.value;
    const key = unref(parentKey);
    if (!rel || key === null || key === undefined || key === '+') return ((items.value = []), (total.value = 0));
    loading.value = true;
    error.value = null;
    try {
      const { page, limit, filter, search, fields: shown = [] } = unref(options);
      // Shown columns may reach further than the related item (`tags_id.category.name`).
      const fields = [...new Set([...(rel.kind === 'm2m' ? ['*', `${rel.junctionField}.*`] : ['*']), ...shown])];
      const where = filter
        ? { _and: [{ [rel.reverseField]: { _eq: key } }, filter] }
        : { [rel.reverseField]: { _eq: key } };
      const res = await api.get(getEndpoint(rel.collection), {
        params: {
          fields: fields.join(','),
          filter: JSON.stringify(where),
          limit,
          page,
          meta: 'filter_count',
          ...(search ? { search } : {}),
        },
      });
      items.value = res.data?.data ?? [];
      total.value = Number(res.data?.meta?.filter_count ?? items.value.length);
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  watch(() => [relation.value, unref(parentKey), JSON.stringify(unref(options))], load, { immediate: true });
  return { items, total, loading, error, reload: load };
}

/** Loads the related items picked but not saved yet, so their rows show their fields. */
export function usePickedDetails(relation, keys) {
  const api = useApi();
  const details = ref([]);
  watch(
    () => [relation.value, JSON.stringify(unref(keys))],
    async () => {
      const rel = relation.value;
      const list = unref(keys);
      if (!rel?.relatedCollection || list.length === 0) return (details.value = []);
      try {
        const filter = { [rel.relatedPk]: { _in: list } };
        details.value =
          (await api.get(getEndpoint(rel.relatedCollection), { params: { filter: JSON.stringify(filter), limit: -1 } }))
            .data?.data ?? [];
      } catch {
        details.value = [];
      }
    },
    { immediate: true },
  );
  return details;
}
