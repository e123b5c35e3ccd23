/** Undeclared options that may still reach the root element, as Directus's `v-bind="options"` lets them: they run nothing. */
const FALLTHROUGH = ['class'];

/**
 * The part of `options` that `component` declares as props, and a `class` (a group interface
 * marking its fields, as Directus's binding of the options lets it). Options saved for a panel,
 * interface or display are data a non-administrator may have written; bound wholesale
 * (`v-bind="options"`), any other undeclared key falls through to the root element, where
 * `innerHTML` or an `on…` handler would run script in the admin's session. An Annex extra of the SDK.
 * @param {any} component
 * @param {Record<string, unknown> | null | undefined} options
 * @returns {Record<string, unknown>}
 */
export function propsFor(component, options) {
  if (!options || typeof options !== 'object') return {};
  const declared = component?.props ?? component?.__vccOpts?.props;
  const names = Array.isArray(declared)
    ? declared
    : declared && typeof declared === 'object'
      ? Object.keys(declared)
      : [];
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const name of names) {
    // Vue accepts a prop bound in kebab-case too.
    const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (Object.hasOwn(options, name)) out[name] = options[name];
    else if (Object.hasOwn(options, kebab)) out[name] = options[kebab];
  }
  for (const name of FALLTHROUGH) {
    const value = options[name];
    if (
      !Object.hasOwn(out, name) &&
      Object.hasOwn(options, name) &&
      (typeof value === 'string' || Array.isArray(value))
    )
      out[name] = value;
  }
  return out;
}
