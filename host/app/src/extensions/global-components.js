import { watch } from 'vue';

/**
 * The global names Directus gives extension components (app/src/{interfaces,displays,layouts,
 * panels,operations}/register.ts), which extension templates use directly, e.g.
 * `<interface-input-code>` inside a module or `<display-datetime>` inside a layout.
 * @param {string} kind registry list
 * @param {any} config
 * @returns {[string, any][]}
 */
export function globalNamesOf(kind, config) {
  const id = config.id;
  const isComponent = (c) => Boolean(c) && (typeof c === 'function' || (typeof c === 'object' && !Array.isArray(c)));
  const out = [];
  const add = (name, c) => isComponent(c) && out.push([name, c]);
  if (kind === 'interfaces') {
    add(`interface-${id}`, config.component);
    if (!Array.isArray(config.options) && typeof config.options === 'object')
      add(`interface-options-${id}`, config.options);
  } else if (kind === 'displays') {
    add(`display-${id}`, config.component);
    if (!Array.isArray(config.options) && typeof config.options === 'object')
      add(`display-options-${id}`, config.options);
  } else if (kind === 'layouts') {
    add(`layout-${id}`, config.component);
    add(`layout-options-${id}`, config.slots?.options);
    add(`layout-sidebar-${id}`, config.slots?.sidebar);
    add(`layout-actions-${id}`, config.slots?.actions);
  } else if (kind === 'panels') {
    add(`panel-${id}`, config.component);
    if (!Array.isArray(config.options) && typeof config.options === 'object')
      add(`panel-options-${id}`, config.options);
  } else if (kind === 'operations') {
    if (typeof config.overview === 'object' && !Array.isArray(config.overview))
      add(`operation-overview-${id}`, config.overview);
    if (!Array.isArray(config.options) && typeof config.options === 'object')
      add(`operation-options-${id}`, config.options);
  }
  return out;
}

/**
 * Keeps the app's global components equal to the registered extensions' components under
 * Directus's names: added as extensions load, replaced when their code changes, removed when they
 * go. Names the app itself registers (`v-*`, …) are never touched. Returns the disposer.
 */
export function registerExtensionComponents(app, registry) {
  const components = app._context.components;
  /** name → component we registered */
  const ours = new Map();
  const stop = watch(
    () =>
      ['interfaces', 'displays', 'layouts', 'panels', 'operations'].flatMap((kind) =>
        registry.state[kind].flatMap((c) => globalNamesOf(kind, c)),
      ),
    (entries) => {
      const next = new Map(entries);
      for (const [name, component] of ours) {
        if (next.get(name) === component) continue;
        if (components[name] === component) delete components[name];
        ours.delete(name);
      }
      for (const [name, component] of next) {
        if (ours.get(name) === component || (components[name] && !ours.has(name))) continue;
        components[name] = component;
        ours.set(name, component);
      }
    },
    { immediate: true },
  );
  return () => {
    stop();
    for (const [name, component] of ours) if (components[name] === component) delete components[name];
    ours.clear();
  };
}
