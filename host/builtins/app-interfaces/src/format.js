// @ts-check
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
