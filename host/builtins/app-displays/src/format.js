// @ts-check
/** Number/string formatting of the formatted-value display. */
export function formatValue(value, options = {}) {
  if (value === null || value === undefined) return null;
  const text = options.format !== false && typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
  return `${options.prefix ?? ''}${text}${options.suffix ?? ''}`;
}

/** A date as locale text, or relative ("3 days ago") when asked. */
export function formatDatetime(value, options = {}) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  if (options.relative) {
    const diff = (date.getTime() - Date.now()) / 1000;
    const units = /** @type {const} */ ([
      ['year', 31536000],
      ['month', 2592000],
      ['day', 86400],
      ['hour', 3600],
      ['minute', 60],
      ['second', 1],
    ]);
    const [unit, seconds] = units.find(([, s]) => Math.abs(diff) >= s) ?? units[5];
    return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(diff / seconds), unit);
  }
  return date.toLocaleString('en-US', {
    dateStyle: 'medium',
    ...(String(value).length > 10 ? { timeStyle: 'short' } : {}),
  });
}

/** `{{ field }}` templates over an item (related values); a scalar is shown as is. */
export function renderTemplate(template, item) {
  if (item === null || item === undefined) return null;
  if (typeof item !== 'object') return String(item);
  if (!template) return String(item.name ?? item.title ?? item.id ?? JSON.stringify(item));
  return template.replace(/{{\s*([\w.]+)\s*}}/g, (_m, path) => {
    const v = path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), item);
    return v === null || v === undefined ? '' : String(v);
  });
}
