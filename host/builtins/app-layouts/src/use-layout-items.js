// @ts-check
import { computed, toRefs } from 'vue';
import { useRouter } from 'vue-router';
import {
  getFieldsFromTemplate,
  getItemRoute,
  useCollection,
  useExtensions,
  useItems,
  useStores,
} from '@directus/extensions-sdk';
import { pageCount, requestFields, THUMBNAIL } from './layout-query.js';

/**
 * What every built-in layout needs: the collection's fields, its items for the layout query
 * (Directus's `fields`, `sort`, `limit`, `page`, plus the page's search and filter), the layout
 * options, and ways to change them and to open an item. `defaultLimit` is the page size until the
 * user picks one (Directus's 25 for the table and the cards; -1 is all); `extraFilter` narrows
 * the items further (the calendar's month).
 * @param {any} props @param {{ emit?: (event: string, value: unknown) => void }} [context]
 * @param {{ defaultLimit?: number; extraFilter?: import('vue').Ref<object | null> | null; extraFields?: import('vue').Ref<string[]> | null }} [settings]
 */
export function useLayoutItems(
  props,
  context = {},
  { defaultLimit = 25, extraFilter = null, extraFields = null } = {},
) {
  const { collection, layoutQuery, layoutOptions, search, filter } = toRefs(props);
  const { fields, primaryKeyField, info } = useCollection(collection);
  const pk = computed(() => primaryKeyField.value?.field ?? 'id');
  const visibleFields = computed(() => fields.value.filter((f) => f.meta?.hidden !== true && f.type !== 'alias'));
  const layoutQueryValue = computed(() => layoutQuery?.value ?? {});
  const saved = computed(() => layoutOptions?.value ?? {});
  // A preset may name fields the collection no longer has (or, a default, one a project has not
  // added): asking for those would fail the whole list, so they are left out.
  const fieldsStore = useStores().useFieldsStore();
  const has = (path) =>
    typeof path === 'string' &&
    fields.value.length > 0 &&
    (path.includes('.')
      ? Boolean(fieldsStore.getField(props.collection, path))
      : fields.value.some((f) => f.field === path));
  // The table's columns: the user's choice, else the visible fields.
  const columns = computed(() => {
    const chosen = Array.isArray(layoutQueryValue.value.fields) ? layoutQueryValue.value.fields.filter(has) : [];
    return chosen.length ? chosen : visibleFields.value.map((f) => f.field);
  });
  // The related fields each column's display asks for (Directus's display `fields`: the user
  // display's name and avatar, the related-values template's fields), those the schema has.
  const { displays } = useExtensions();
  const displayFields = computed(() => {
    const out = [];
    for (const column of columns.value) {
      const f = fieldsStore.getField(props.collection, column);
      const config = f?.meta?.display ? displays.value.find((d) => d.id === f.meta.display) : null;
      let wanted = config?.fields;
      if (typeof wanted === 'function') {
        try {
          wanted = wanted(f.meta.display_options ?? {}, { collection: f.collection, field: f.field, type: f.type });
        } catch {
          wanted = [];
        }
      }
      for (const sub of Array.isArray(wanted) ? wanted : []) if (has(`${column}.${sub}`)) out.push(`${column}.${sub}`);
    }
    return out;
  });
  const imageSource = computed(() => {
    const source = saved.value.imageSource;
    return source === THUMBNAIL || has(source) ? source : null;
  });
  // The options the layout draws with (an image source that is not there is none).
  const options = computed(() => ({ ...saved.value, imageSource: imageSource.value }));
  const limit = computed(() => Number(layoutQueryValue.value.limit ?? defaultLimit));
  const page = computed(() => Number(layoutQueryValue.value.page ?? 1));
  const sort = computed(() => {
    const chosen = (Array.isArray(layoutQueryValue.value.sort) ? layoutQueryValue.value.sort : []).filter((s) =>
      has(String(s).replace(/^-/, '')),
    );
    return chosen.length ? chosen : primaryKeyField.value ? [pk.value] : [];
  });
  const narrowed = computed(() => {
    const parts = [filter?.value, extraFilter?.value].filter(Boolean);
    return parts.length > 1 ? { _and: parts } : (parts[0] ?? null);
  });
  const query = computed(() => ({
    fields: requestFields({
      columns: [...columns.value, ...displayFields.value],
      templateFields: [
        ...[options.value.title, options.value.subtitle].flatMap((t) => getFieldsFromTemplate(t)),
        ...(extraFields?.value ?? []),
      ].filter(has),
      imageSource: imageSource.value,
    }),
    limit: limit.value,
    page: page.value,
    sort: sort.value,
    ...(search?.value ? { search: search.value } : {}),
    ...(narrowed.value ? { filter: narrowed.value } : {}),
  }));
  const { items, loading, error, itemCount, getItems } = useItems(collection, query);
  const pages = computed(() => pageCount(itemCount.value, limit.value));
  const router = useRouter();
  const open = (item) => router.push(getItemRoute(props.collection, item[pk.value]));
  /** Writes part of the layout query (kept in the user's preset by the page); a new sort or size goes back to page 1. */
  const setQuery = (patch) =>
    context.emit?.('update:layoutQuery', {
      ...layoutQueryValue.value,
      ...('page' in patch ? {} : { page: 1 }),
      ...patch,
    });
  const setOptions = (patch) => context.emit?.('update:layoutOptions', { ...saved.value, ...patch });
  /** Writes the selected keys (Directus's `selection`: the page's batch edit and delete act on them). */
  const setSelection = (keys) => context.emit?.('update:selection', keys);
  return {
    items,
    loading,
    error,
    itemCount,
    getItems,
    fields,
    visibleFields,
    primaryKeyField,
    pk,
    info,
    open,
    columns,
    sort,
    limit,
    page,
    pages,
    options,
    setQuery,
    setOptions,
    setSelection,
  };
}
