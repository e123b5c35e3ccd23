// Parent/child selection groups (v-item-group/v-item, v-list/v-list-item, v-tabs/v-tab, ...),
// the same contract as Directus's useGroupableParent/useGroupable: the parent owns a selection
// array (v-model or local), children register a value and toggle it.
import { computed, inject, isRef, onBeforeUnmount, provide, reactive, ref, shallowRef, watch } from 'vue';

const key = (scope) => `annex-group:${scope}`;

export function useGroupableParent(state = {}, options = {}, scope = 'item-group') {
  const items = shallowRef([]);
  const local = ref([]);
  const val = (r, d) => (isRef(r) ? r.value : (r ?? d));
  const selection = computed({
    get: () =>
      val(state.selection) !== undefined && val(state.selection) !== null ? val(state.selection) : local.value,
    set: (next) => {
      local.value = next;
      state.onSelectionChange?.(next);
    },
  });
  function valueOf(item) {
    return item.value === undefined || item.value === null ? items.value.indexOf(item) : item.value;
  }
  function toggle(item) {
    const multiple = val(options.multiple, false);
    const mandatory = val(options.mandatory, false);
    const max = val(options.max, -1);
    const v = valueOf(item);
    const current = [...selection.value];
    const on = current.includes(v);
    state.onToggle?.(item);
    if (multiple) {
      if (on) {
        if (mandatory && current.length === 1) return;
        selection.value = current.filter((x) => x !== v);
      } else {
        if (max !== -1 && current.length >= max) return;
        selection.value = [...current, v];
      }
    } else if (on) {
      if (!mandatory) selection.value = [];
    } else selection.value = [v];
  }
  function register(item) {
    items.value = [...items.value, item];
    // A mandatory group with nothing selected selects its first child, as Directus does.
    if (
      val(options.mandatory, false) &&
      selection.value.length === 0 &&
      items.value.length === 1 &&
      val(state.selection) === undefined
    )
      local.value = [valueOf(item)];
  }
  function unregister(item) {
    items.value = items.value.filter((i) => i !== item);
  }
  const api = {
    items,
    selection,
    toggle,
    register,
    unregister,
    isActive: (item) => selection.value.includes(valueOf(item)),
  };
  provide(key(scope), api);
  return api;
}

export function useGroupable(options = {}) {
  const parent = inject(key(options.group ?? 'item-group'), null);
  const item = reactive({ value: options.value, active: options.active ?? null });
  if (!parent) {
    const localActive = ref(false);
    return {
      active: computed(() =>
        isRef(options.active) && options.active.value !== undefined ? options.active.value : localActive.value,
      ),
      toggle: () => (localActive.value = !localActive.value),
      activate: () => (localActive.value = true),
      deactivate: () => (localActive.value = false),
    };
  }
  parent.register(item);
  onBeforeUnmount(() => parent.unregister(item));
  if (isRef(options.active) && options.watch !== false) {
    watch(
      options.active,
      (on) => {
        if (on !== undefined && on !== parent.isActive(item)) parent.toggle(item);
      },
      { immediate: true },
    );
  }
  const active = computed(() => parent.isActive(item));
  return {
    active,
    toggle: () => parent.toggle(item),
    activate: () => !active.value && parent.toggle(item),
    deactivate: () => active.value && parent.toggle(item),
  };
}
