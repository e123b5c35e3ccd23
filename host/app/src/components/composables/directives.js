// The global directives Directus extension templates use (`v-tooltip`, `v-focus`,
// `v-click-outside`, `v-md`, `v-context-menu`, `v-prevent-focusout`, `v-input-auto-width`):
// small, dependency-free versions.
import { renderMarkdown } from './markdown.js';
function setTitle(el, { value }) {
  if (value === false || value === null || value === undefined || value === '') el.removeAttribute('title');
  else el.setAttribute('title', String(value));
}
export const tooltip = { mounted: setTitle, updated: setTitle };

export const focus = {
  mounted(el, { value }) {
    if (value === false) return;
    const target = el.matches?.('input, textarea, button, [tabindex]')
      ? el
      : el.querySelector?.('input, textarea, button, [tabindex]');
    target?.focus();
  },
};

const handlers = new WeakMap();
export const clickOutside = {
  mounted(el, binding) {
    const options = typeof binding.value === 'function' ? { handler: binding.value } : (binding.value ?? {});
    const listener = (event) => {
      if (options.disabled || el.contains(event.target)) return;
      if (options.middleware && options.middleware(event) === false) return;
      options.handler?.(event);
    };
    handlers.set(el, listener);
    // Deferred so the click that opened the element does not close it again.
    setTimeout(() => document.addEventListener('click', listener, true));
  },
  beforeUnmount(el) {
    const listener = handlers.get(el);
    if (listener) document.removeEventListener('click', listener, true);
  },
};

/** `v-md="text"` (or `{ value, target }`): the text's Markdown as the element's content, escaped (markdown.js). */
function setMarkdown(el, { value }) {
  el.innerHTML = renderMarkdown(value && typeof value === 'object' ? value.value : value);
}
export const md = { mounted: setMarkdown, updated: setMarkdown };

/** `v-context-menu="'menuRef'"`: a right click opens the component's `v-menu` ref at the pointer. */
const menus = new WeakMap();
export const contextMenu = {
  mounted(el, binding) {
    const open = (event) => {
      const menu = binding.instance?.$refs?.[binding.value];
      if (!menu) return;
      event.preventDefault();
      event.stopPropagation();
      (menu.activate ?? menu.toggle)?.(event);
    };
    menus.set(el, open);
    el.addEventListener('contextmenu', open);
  },
  beforeUnmount(el) {
    const open = menus.get(el);
    if (open) el.removeEventListener('contextmenu', open);
  },
};

/** `v-prevent-focusout`: a mousedown inside the element does not take the focus from the field being edited. */
const keepers = new WeakMap();
export const preventFocusout = {
  mounted(el, { value }) {
    if (value === false) return;
    const keep = (event) => event.preventDefault();
    keepers.set(el, keep);
    el.addEventListener('mousedown', keep);
  },
  beforeUnmount(el) {
    const keep = keepers.get(el);
    if (keep) el.removeEventListener('mousedown', keep);
  },
};

/** `v-input-auto-width`: an input as wide as its text (at least its placeholder's). */
const sizers = new WeakMap();
function fit(el) {
  const input = el.tagName === 'INPUT' ? el : el.querySelector('input');
  if (!input) return;
  input.style.width = `${Math.max(input.value.length, input.placeholder?.length ?? 0, 1) + 1}ch`;
}
export const inputAutoWidth = {
  mounted(el) {
    const resize = () => fit(el);
    sizers.set(el, resize);
    el.addEventListener('input', resize);
    fit(el);
  },
  updated: fit,
  beforeUnmount(el) {
    const resize = sizers.get(el);
    if (resize) el.removeEventListener('input', resize);
  },
};

const DIRECTIVES = {
  tooltip,
  focus,
  'click-outside': clickOutside,
  md,
  'context-menu': contextMenu,
  'prevent-focusout': preventFocusout,
  'input-auto-width': inputAutoWidth,
};

export function registerDirectives(app) {
  for (const [name, directive] of Object.entries(DIRECTIVES)) app.directive(name, directive);
  return () => {
    for (const name of Object.keys(DIRECTIVES)) delete app._context.directives[name];
  };
}
