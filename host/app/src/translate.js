// @ts-check
/**
 * Directus's `$t:<key>` strings (a field's note, a choice's text, an option's name): the custom
 * translation of the key for the app's language, else for its base language (`en-GB` for `en-US`),
 * else the key's last part as words (`$t:shipping.in_transit` → "In transit"). Anything else is shown as it is.
 */
/** The app's language (Annex's app is in US English; Directus reads the user's language). */
export const APP_LANGUAGE = 'en-US';

/**
 * The entry of `list` in `language`, else one of the same base language (`en-GB` for `en-US`).
 * @template {{ language?: unknown }} T
 * @param {T[]} list
 * @param {string} [language]
 * @returns {T | undefined}
 */
export function forLanguage(list, language = APP_LANGUAGE) {
  const base = language.split('-')[0];
  return (
    list.find((t) => t?.language === language) ?? list.find((t) => String(t?.language ?? '').split('-')[0] === base)
  );
}

/** @param {string} key */
const words = (key) => {
  const last = key.split('.').pop() ?? key;
  const text = last.replace(/[_-]+/g, ' ').trim();
  return text ? text[0].toUpperCase() + text.slice(1) : key;
};

/**
 * @param {unknown} text
 * @param {{ language: string; key: string; value: string }[]} translations
 * @param {string} [language]
 * @returns {unknown}
 */
export function translateText(text, translations, language = APP_LANGUAGE) {
  if (typeof text !== 'string' || !text.startsWith('$t:')) return text;
  const key = text.slice(3);
  return (
    forLanguage(
      translations.filter((t) => t.key === key),
      language,
    )?.value ?? words(key)
  );
}

/**
 * `value` with every `$t:` string in it translated (an interface's options: choices' texts,
 * placeholders, labels). Values without one are returned as they are (the same object).
 * @param {unknown} value
 * @param {{ language: string; key: string; value: string }[]} translations
 * @returns {unknown}
 */
export function translateDeep(value, translations) {
  if (typeof value === 'string') return translateText(value, translations);
  if (Array.isArray(value)) {
    const out = value.map((v) => translateDeep(v, translations));
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const t = translateDeep(v, translations);
      if (t !== v) changed = true;
      out[k] = t;
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * The custom translations as vue-i18n messages, so an extension's `t('shipping.in_transit')` finds
 * them too (a dotted key is a path in vue-i18n).
 * @param {{ language: string; key: string; value: string }[]} translations
 * @returns {Record<string, Record<string, unknown>>}
 */
export function i18nMessages(translations) {
  /** @type {Record<string, Record<string, unknown>>} */
  const out = {};
  for (const { language, key, value } of translations) {
    const parts = String(key).split('.');
    if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype' || !p)) continue;
    let at = (out[language] ??= {});
    for (const p of parts.slice(0, -1))
      at = /** @type {Record<string, unknown>} */ (typeof at[p] === 'object' && at[p] ? at[p] : (at[p] = {}));
    at[parts.at(-1) ?? key] = value;
  }
  return out;
}
