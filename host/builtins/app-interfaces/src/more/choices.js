// @ts-check
/**
 * Directus's `choices` option (`[{text, value}]`, or plain values) as `{text, value}` items.
 * @param {unknown} choices
 * @returns {{ text: string, value: unknown }[]}
 */
export function choiceItems(choices) {
  if (!Array.isArray(choices)) return [];
  return choices.map((c) =>
    c && typeof c === 'object' ? { text: String(c.text ?? c.value), value: c.value } : { text: String(c), value: c },
  );
}

/**
 * A multiple-choice value as a list (Directus stores it as a JSON array, or a CSV string).
 * @param {unknown} value
 * @returns {unknown[]}
 */
export function asList(value) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value) return value.split(',');
  return [];
}

/**
 * `template` with each `{{field}}` replaced by that key of `item` (Directus's list header).
 * @param {string | null | undefined} template
 * @param {Record<string, unknown>} item
 */
export function renderTemplate(template, item) {
  if (!template) return '';
  return template.replace(/\{\{\s*([\w.$-]+)\s*\}\}/g, (_, key) => {
    const v = String(key)
      .split('.')
      .reduce(
        (o, k) => (o && typeof o === 'object' ? /** @type {any} */ (o)[k] : undefined),
        /** @type {unknown} */ (item),
      );
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
