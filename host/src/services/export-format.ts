import yaml from 'js-yaml';

/** The formats of Directus's `?export=` (and of `/utils/export`). */
export type ExportFormat = 'csv' | 'json' | 'xml' | 'yaml';

const TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
  yaml: 'text/yaml; charset=utf-8',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** A row with nested objects flattened to `author.name` columns (lists stay JSON), as Directus's CSV has them. */
function flatten(
  row: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) flatten(value, name, out);
    else out[name] = value;
  }
  return out;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with a header row: the union of the rows' (flattened) columns, in first-seen order. */
function toCsv(rows: Record<string, unknown>[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of flat)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
  // A related item that is null in one row and an object in another is its nested columns only.
  const kept = columns.filter((c) => !columns.some((other) => other.startsWith(`${c}.`)));
  const lines = [kept.map(csvCell).join(','), ...flat.map((r) => kept.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const xmlText = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
/** An element name for a key (XML names cannot start with a digit or hold most punctuation). */
const xmlName = (key: string) => {
  const name = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(name) && !/^xml/i.test(name) ? name : `_${name}`;
};

function xmlValue(value: unknown, indent: string): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value))
    return `\n${value.map((v) => `${indent}\t<item>${xmlValue(v, `${indent}\t`)}</item>\n`).join('')}${indent}`;
  if (isObject(value))
    return `\n${Object.entries(value)
      .map(([k, v]) => `${indent}\t<${xmlName(k)}>${xmlValue(v, `${indent}\t`)}</${xmlName(k)}>\n`)
      .join('')}${indent}`;
  return xmlText(value instanceof Date ? value.toISOString() : String(value));
}

/** `rows` as a file of `format`: its text, content type and file extension. */
export function formatExport(
  rows: Record<string, unknown>[],
  format: ExportFormat,
): { body: string; type: string; extension: string } {
  const type = TYPES[format];
  switch (format) {
    case 'json':
      return { body: JSON.stringify(rows, null, '\t'), type, extension: 'json' };
    case 'yaml':
      return { body: yaml.dump(rows, { noRefs: true }), type, extension: 'yaml' };
    case 'xml':
      return {
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<data>${xmlValue(rows, '')}</data>\n`,
        type,
        extension: 'xml',
      };
    case 'csv':
      return { body: toCsv(rows), type, extension: 'csv' };
  }
}

/** The name Directus gives an export: `<collection>-<YYYYMMDD-HHmmss>.<ext>`. */
export function exportFileName(collection: string, extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${collection}-${stamp}.${extension}`;
}
