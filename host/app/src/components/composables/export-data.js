// Serialising items for export and parsing an import file, done in the browser so the export
// sidebar needs no server-side export endpoint.

// A text a spreadsheet would run as a formula gets a leading quote, as the server's export writes it.
import { defuseFormula as defuse, restoreFormula as restore } from '@annex/protocol/csv-formula';

const csvCell = (v) => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'string' ? defuse(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Items as CSV: a header of the given fields (or every key seen), one row per item. */
export function toCsv(items, fields) {
  const cols = fields?.length ? fields : [...new Set(items.flatMap((i) => Object.keys(i ?? {})))];
  return [cols.map(csvCell).join(','), ...items.map((i) => cols.map((c) => csvCell(i?.[c])).join(','))].join('\n');
}

/** Parses CSV text (quoted cells, doubled quotes, newlines inside quotes) into objects keyed by the header row. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  const [header = [], ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return body.map((r) =>
    Object.fromEntries(header.map((h, i) => [h, r[i] === '' || r[i] === undefined ? null : restore(r[i])])),
  );
}

/** Parses an import file's text by its type: JSON (an array or one object) or CSV. */
export function parseImport(text, type) {
  if (/json/.test(type ?? '') || /^\s*[[{]/.test(text)) {
    const data = JSON.parse(text);
    return Array.isArray(data) ? data : [data];
  }
  return parseCsv(text);
}

/** The file body and MIME type of an export in the given format. */
export function serialiseExport(items, format, fields) {
  if (format === 'json') return { body: JSON.stringify(items, null, 2), type: 'application/json' };
  return { body: toCsv(items, fields), type: 'text/csv' };
}
