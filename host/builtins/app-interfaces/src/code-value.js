// The value <-> text mapping of the input-code interface, apart from the component so it is testable.

/** The editor text for a field value: json fields show formatted JSON (a string value is shown as is). */
export function getCodeText(value, type) {
  if (value === null || value === undefined) return '';
  if (type === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 4);
  return String(value);
}

/**
 * The value to emit for the editor text: { value } to emit, or { invalid: true } when a json field's
 * text is not (yet) valid JSON, which is kept in the editor and not emitted. Empty text is null.
 */
export function parseCodeText(text, type) {
  if (text === '') return { value: null };
  if (type !== 'json') return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { invalid: true };
  }
}
