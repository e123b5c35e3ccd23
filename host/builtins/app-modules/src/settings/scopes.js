// @ts-check
/** Scopes as short lines: `items: articles(read, create)`, `request: GET https://api.example.com/`. */
export function scopeLines(scopes) {
  if (!scopes || typeof scopes !== 'object') return [];
  const lines = [];
  for (const [name, value] of Object.entries(scopes)) {
    if (name === 'items' && value && typeof value === 'object')
      for (const [c, actions] of Object.entries(value)) lines.push(`items: ${c} (${[].concat(actions).join(', ')})`);
    else if (name === 'request' && value && typeof value === 'object')
      lines.push(`request: ${[].concat(value.methods ?? ['*']).join('/')} ${[].concat(value.urls ?? []).join(' ')}`);
    else if (Array.isArray(value)) lines.push(`${name}: ${value.join(', ')}`);
    else lines.push(name);
  }
  return lines;
}

export const isEmptyScopes = (s) => !s || Object.keys(s).length === 0;
