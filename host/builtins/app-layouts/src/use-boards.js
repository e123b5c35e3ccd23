// @ts-check
import { computed, ref, toRef, watch } from 'vue';
import { getEndpoint, useApi, useCollection, useStores } from '@directus/extensions-sdk';
import {
  dateFields,
  groupFields,
  kanbanColumns,
  manualOrder,
  movedDates,
  resized,
  dayRange,
  monthRange,
  rangeFilter,
  weekRange,
  ymd,
} from './calendar-kanban.js';
import { useLayoutItems } from './use-layout-items.js';

/** Directus's calendar views (FullCalendar's type names) and Annex's names for them. */
const TYPE_OF = { month: 'dayGridMonth', week: 'timeGridWeek', day: 'timeGridDay', list: 'listWeek' };
/** @type {Record<string, 'month' | 'week' | 'day' | 'list'>} */
const VIEW_OF = {
  dayGridMonth: 'month',
  timeGridWeek: 'week',
  dayGridWeek: 'week',
  timeGridDay: 'day',
  dayGridDay: 'day',
  listWeek: 'list',
};
/** A field named in the options when the collection has it among `candidates`, else the first candidate (or null). */
function pick(candidates, chosen, fallback = true) {
  return candidates.find((f) => f.field === chosen)?.field ?? (fallback ? (candidates[0]?.field ?? null) : null);
}
const firstText = (fields, not) =>
  fields.find((f) => ['string', 'text'].includes(f.type) && f.field !== not)?.field ?? null;

/**
 * The calendar's state: the month on screen and only that month's items (every one of them), placed
 * by `startDateField` (else the first date field) and `endDateField`.
 * @param {any} props @param {any} context
 */
export function useCalendar(props, context) {
  const { fields } = useCollection(toRef(props, 'collection'));
  const saved = computed(() => props.layoutOptions ?? {});
  const dates = computed(() => dateFields(fields.value));
  const startField = computed(() => pick(dates.value, saved.value.startDateField));
  const endField = computed(() => {
    const end = pick(dates.value, saved.value.endDateField, false);
    return end && end !== startField.value ? end : null;
  });
  // Directus's `viewInfo.type` (FullCalendar's names): a month (`dayGridMonth`), a week
  // (`timeGridWeek`, or `dayGridWeek`), a day (`timeGridDay`) or a week's list (`listWeek`).
  const view = computed(() => VIEW_OF[saved.value.viewInfo?.type] ?? 'month');
  const now = new Date();
  // The day on screen: the month's first, the Monday of the week (week, list), or the day.
  const month = ref(new Date(now.getFullYear(), now.getMonth(), 1));
  const week = ref(weekRange(now).monday);
  const day = ref(new Date(now.getFullYear(), now.getMonth(), now.getDate()));
  const range = computed(() =>
    view.value === 'day'
      ? dayRange(day.value)
      : view.value === 'month'
        ? monthRange(month.value)
        : weekRange(week.value),
  );
  const extraFilter = computed(() =>
    startField.value ? rangeFilter(range.value, startField.value, endField.value) : null,
  );
  const state = useLayoutItems(props, context, { defaultLimit: -1, extraFilter });
  const shiftMonth = (/** @type {number} */ n) =>
    (month.value = new Date(month.value.getFullYear(), month.value.getMonth() + n, 1));
  /** Moves the view on screen by `n` months, weeks or days. @param {number} n */
  const shift = (n) => {
    const by = (/** @type {Date} */ d, /** @type {number} */ days) =>
      new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
    if (view.value === 'day') day.value = by(day.value, n);
    else if (view.value === 'month') shiftMonth(n);
    else week.value = by(week.value, 7 * n);
  };
  /**
   * Shows a month, a week, a day or a week's list, at the day the current view stands for (today
   * when it holds today; else its first day).
   * @param {'month' | 'week' | 'day' | 'list'} next
   */
  const setView = (next) => {
    const first = view.value === 'day' ? day.value : view.value === 'month' ? month.value : new Date(week.value);
    const { first: from, last: to } = range.value;
    const today = ymd(now);
    const anchor = today >= from && today <= to ? now : first;
    month.value = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
    week.value = weekRange(anchor).monday;
    day.value = new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate());
    state.setOptions({ viewInfo: { ...(saved.value.viewInfo ?? {}), type: TYPE_OF[next] } });
  };
  const titleField = computed(() => firstText(state.visibleFields.value) ?? state.pk.value);
  // Dragging an item to another day or hour moves its dates (FullCalendar's `editable` in Directus).
  const api = useApi();
  const moveError = ref(null);
  const types = computed(() => Object.fromEntries(fields.value.map((f) => [f.field, f.type])));
  /**
   * Moves `item` to `target` (a day, and an hour's minute in a time grid), or with `edge` (`start`
   * or `end`) moves that edge there; then reloads.
   * @param {any} item @param {{ date: string; minute?: number; edge?: 'start' | 'end' }} target
   */
  async function move(item, target) {
    const patch = target.edge
      ? resized(item, startField.value, endField.value, types.value, target)
      : movedDates(item, startField.value, endField.value, types.value, target);
    const key = item?.[state.pk.value];
    if (!patch || key === undefined) return;
    moveError.value = null;
    try {
      await api.patch(`${getEndpoint(props.collection)}/${encodeURIComponent(key)}`, patch);
    } catch (e) {
      moveError.value = errorText(e);
    }
    await state.getItems();
  }
  return {
    ...state,
    move,
    moveError,
    month,
    week,
    day,
    view,
    shift,
    shiftMonth,
    setView,
    startField,
    endField,
    dateFields: dates,
    titleField,
  };
}

/** What a failed request says: the host's first error message, else the error's own. @param {any} e */
const errorText = (e) => e?.response?.data?.errors?.[0]?.message ?? String(e?.message ?? e);

/** How many items a board holds at most (a notice says when there are more). */
export const BOARD_LIMIT = 1000;

/**
 * The board's state: columns by `groupField` (its choices, else its values), cards titled by
 * `titleField` with `textField` below; dropping a card on a column sets the item's group field.
 * @param {any} props @param {any} context
 */
export function useKanban(props, context) {
  // Directus's `userField`: a card shows that user, so their name is loaded with the items.
  const extraFields = computed(() => {
    const user = props.layoutOptions?.userField;
    return user ? ['first_name', 'last_name', 'email'].map((f) => `${user}.${f}`) : [];
  });
  const state = useLayoutItems(props, context, { defaultLimit: BOARD_LIMIT, extraFields });
  const api = useApi();
  const candidates = computed(() => groupFields(state.fields.value));
  const groupField = computed(() => {
    const chosen = candidates.value.find((f) => f.field === state.options.value.groupField);
    return chosen ?? candidates.value.find((f) => Array.isArray(f.meta?.options?.choices)) ?? null;
  });
  const titleField = computed(
    () =>
      pick(state.visibleFields.value, state.options.value.titleField, false) ??
      firstText(state.visibleFields.value, groupField.value?.field) ??
      state.pk.value,
  );
  const textField = computed(() => pick(state.visibleFields.value, state.options.value.textField, false));

  const moveError = ref(null);
  // A many-to-one groups by its related items: one column each, titled by `groupTitle` (Directus's
  // option; else the related collection's first text field, else the key).
  const fieldsStore = useStores().useFieldsStore();
  const related = computed(() => groupField.value?.schema?.foreign_key_table ?? null);
  const relatedKey = computed(() =>
    related.value ? (fieldsStore.getPrimaryKeyFieldForCollection(related.value)?.field ?? 'id') : 'id',
  );
  const relatedFields = computed(() => (related.value ? fieldsStore.getFieldsForCollection(related.value) : []));
  const groupTitle = computed(() =>
    related.value
      ? (pick(relatedFields.value, state.options.value.groupTitle, false) ??
        firstText(relatedFields.value, relatedKey.value) ??
        relatedKey.value)
      : null,
  );
  // The related collection's manual order (its sort field) orders the columns, and dragging a
  // column moves its item there (Directus's board, when the group collection has a sort field).
  const collectionsStore = useStores().useCollectionsStore();
  const groupSortField = computed(() =>
    related.value ? (collectionsStore.getCollection(related.value)?.meta?.sort_field ?? null) : null,
  );
  const groups = ref(/** @type {{ value: unknown; text: string }[] | null} */ (null));
  async function loadGroups() {
    const collection = related.value;
    const title = groupTitle.value;
    if (!collection) return (groups.value = null);
    try {
      const fields = [...new Set([relatedKey.value, title])];
      const sort = groupSortField.value ? [groupSortField.value, relatedKey.value] : undefined;
      const rows =
        (await api.get(getEndpoint(collection), { params: { fields, sort, limit: BOARD_LIMIT } })).data.data ?? [];
      if (related.value === collection)
        groups.value = rows.map((r) => ({
          value: r[relatedKey.value],
          text: String(r[title] ?? r[relatedKey.value]),
        }));
    } catch (e) {
      moveError.value = errorText(e);
    }
  }
  watch(
    [related, groupTitle],
    () => {
      groups.value = null;
      void loadGroups();
    },
    { immediate: true },
  );
  /** Moves the column of `value` to the place of the column of `to` (the group collection's /utils/sort). */
  async function moveGroup(value, to) {
    if (!related.value || !groupSortField.value || value === to || value === null || to === null) return;
    moveError.value = null;
    try {
      await api.post(`/utils/sort/${encodeURIComponent(related.value)}`, { item: value, to });
    } catch (e) {
      moveError.value = errorText(e);
    }
    await loadGroups();
  }

  // Within a column, cards keep the collection's manual order (its sort field), as Directus's board.
  const sortField = computed(() => state.info.value?.meta?.sort_field ?? null);
  const columns = computed(() =>
    kanbanColumns(
      manualOrder(state.items.value, sortField.value, state.pk.value),
      groupField.value,
      state.options.value.showUngrouped === true,
      related.value ? (groups.value ?? []) : null,
      relatedKey.value,
    ),
  );
  /**
   * Moves `item` to the column of `value` (its group field set on the host) and, dropped on another
   * card (`before`), to that card's place in the manual order; then reloads the board.
   */
  async function moveTo(item, value, before = null) {
    const field = groupField.value?.field;
    const key = item?.[state.pk.value];
    if (key === undefined) return;
    const current =
      item[field] && typeof item[field] === 'object' ? item[field][relatedKey.value] : (item[field] ?? null);
    const regroup = Boolean(field) && current !== value;
    const target = before?.[state.pk.value];
    const reorder = Boolean(sortField.value) && target !== undefined && target !== key;
    if (!regroup && !reorder) return;
    moveError.value = null;
    try {
      if (regroup) await api.patch(`${getEndpoint(props.collection)}/${encodeURIComponent(key)}`, { [field]: value });
      if (reorder) await api.post(`/utils/sort/${encodeURIComponent(props.collection)}`, { item: key, to: target });
    } catch (e) {
      moveError.value = errorText(e);
    }
    await state.getItems();
  }
  return {
    ...state,
    groupFields: candidates,
    groupField,
    titleField,
    textField,
    columns,
    moveTo,
    moveGroup,
    groupSortField,
    moveError,
    sortField,
    relatedFields,
    groupTitle,
  };
}
