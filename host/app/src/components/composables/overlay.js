// Where overlays teleport to, and who answers Escape. Directus's App.vue renders
// #dialog-outlet and #menu-outlet; Annex creates them on first use so any page can host one.
import { onBeforeUnmount, watch } from 'vue';

export function ensureOutlet(id) {
  if (typeof document !== 'undefined' && !document.getElementById(id)) {
    const el = document.createElement('div');
    el.id = id;
    document.body.appendChild(el);
  }
  return `#${id}`;
}

// Only the most recently opened overlay receives Escape (a dialog inside a drawer closes first).
const stack = [];
let listening = false;
function onKey(event) {
  if (event.key !== 'Escape' || stack.length === 0) return;
  stack[stack.length - 1]();
}

/** Calls `handler` on Escape while `active()` is true and this overlay is the top one. */
export function useEscape(active, handler) {
  const entry = () => handler();
  const sync = (on) => {
    const i = stack.indexOf(entry);
    if (on && i === -1) stack.push(entry);
    if (!on && i !== -1) stack.splice(i, 1);
    if (!listening && typeof document !== 'undefined') {
      document.addEventListener('keydown', onKey);
      listening = true;
    }
  };
  if (typeof document !== 'undefined') watch(active, sync, { immediate: true });
  onBeforeUnmount(() => sync(false));
}
