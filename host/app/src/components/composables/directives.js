// The global directives Directus extension templates use (`v-tooltip`, `v-focus`,
// `v-click-outside`): small, dependency-free versions.
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

export function registerDirectives(app) {
  app.directive('tooltip', tooltip);
  app.directive('focus', focus);
  app.directive('click-outside', clickOutside);
  return () => {
    for (const name of ['tooltip', 'focus', 'click-outside']) delete app._context.directives[name];
  };
}
