const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/;
const PART = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** Reads `a.b[0].c` from data; unknown paths are undefined. */
export function getPath(data: unknown, path: string): unknown {
  const parts = path
    .replace(/\[(\w+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let cur: any = data;
  for (const p of parts) {
    if (p === '__proto__' || p === 'constructor' || p === 'prototype') return undefined;
    if (cur === null || cur === undefined) return undefined;
    cur = cur[p];
  }
  return cur;
}

function renderString(template: string, data: unknown): unknown {
  const whole = WHOLE.exec(template);
  if (whole) return getPath(data, whole[1]!);
  return template.replace(PART, (_m, path: string) => {
    const v = getPath(data, path.trim());
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/**
 * Applies `{{ path }}` templating to operation options, recursively. A string that is one
 * whole `{{ path }}` keeps the value's type; otherwise values are interpolated as text.
 */
export function renderOptions<T>(options: T, data: unknown): T {
  if (typeof options === 'string') return renderString(options, data) as T;
  if (Array.isArray(options)) return options.map((o) => renderOptions(o, data)) as T;
  if (options && typeof options === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) out[k] = renderOptions(v, data);
    return out as T;
  }
  return options;
}
