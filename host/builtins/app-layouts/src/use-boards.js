// @ts-check
import { computed, ref, toRef } from 'vue';
import { getEndpoint, useApi, useCollection } from '@directus/extensions-sdk';
import { dateFields, groupFields, kanbanColumns, monthFilter } from './calendar-kanban.js';
import { useLayoutItems } from './use-layout-items.js';

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
  const now = new Date();
  const month = ref(new Date(now.getFullYear(), now.getMonth(), 1));
  const extraFilter = computed(() =>
    startField.value ? monthFilter(month.value, startField.value, endField.value) : null,
  );
  const state = useLayoutItems(props, context, { defaultLimit: -1, extraFilter });
  const shiftMonth = (/** @type {number} */ n) =>
    (month.value = new Date(month.value.getFullYear(), month.value.getMonth() + n, 1));
  const titleField = computed(() => firstText(state.visibleFields.value) ?? state.pk.value);
  return { ...state, month, shiftMonth, startField, endField, dateFields: dates, titleField };
}

/** How many items a board holds at most (a notice says when there are more). */
export const BOARD_LIMIT = 1000;

/**
 * The board's state: columns by `groupField` (its choices, else its values), cards titled by
 * `titleField` with `textField` below; dropping a card on a column sets the item's group field.
 * @param {any} props @param {any} context
 */
export function useKanban(props, context) {
  const state = useLayoutItems(props, context, { defaultLimit: BOARD_LIMIT });
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
  const columns = computed(() =>
    kanbanColumns(state.items.value, groupField.value, state.options.value.showUngrouped === true),
  );
  const moveError = ref(null);
  /** Sets `item`'s group field to `value` on the host, then reloads the board. */
  async function moveTo(item, value) {
    const field = groupField.value?.field;
    const key = item?.[state.pk.value];
    if (!field || key === undefined || (item[field] ?? null) === value) return;
    moveError.value = null;
    try {
      await api.patch(`${getEndpoint(props.collection)}/${encodeURIComponent(key)}`, { [field]: value });
    } catch (e) {
      moveError.value = e?.response?.data?.errors?.[0]?.message ?? String(e?.message ?? e);
    }
    await state.getItems();
  }
  return { ...state, groupFields: candidates, groupField, titleField, textField, columns, moveTo, moveError };
}
