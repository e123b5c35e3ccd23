/**
 * The part of `options` that `component` declares as props. Options saved for a panel,
 * interface or display are data a non-administrator may have written; bound wholesale
 * (`v-bind="options"`), an undeclared key falls through to the root element, where `innerHTML`
 * or an `on…` handler would run script in the admin's session. With `{ classes: true }` (a
 * field's interface options, which only administrators write) a text `class` falls through too,
 * as Directus's binding lets it (a group interface marks its fields so). An Annex extra of the SDK.
 * @param {any} component
 * @param {Record<string, unknown> | null | undefined} options
 * @param {{ classes?: boolean }} [how]
 * @returns {Record<string, unknown>}
 */
export function propsFor(component, options, how = {}) {
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
  const cls = options.class;
  if (
    how.classes &&
    !Object.hasOwn(out, 'class') &&
    Object.hasOwn(options, 'class') &&
    (typeof cls === 'string' || Array.isArray(cls))
  )
    out.class = cls;
  return out;
}
