import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { defuseFormula } from '@annex/protocol/csv-formula';
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

/** Spreadsheet formulas in CSV cells (one implementation with the admin app's export). */
export { defuseFormula, restoreFormula } from '@annex/protocol/csv-formula';

let csvParse: typeof import('csv-parse/sync').parse | undefined;

/**
 * A CSV file's records keyed by its header row, every value as text (an import's reading of what the
 * CSV export writes). csv-parse loads on the first import, not at the host's boot.
 */
export function parseCsv(text: string): Record<string, string>[] {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync')).parse;
  return csvParse(text, { columns: true, bom: true, skip_empty_lines: true, cast: false });
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : typeof value === 'string'
          ? defuseFormula(value)
          : String(value);
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

/**
 * Writes the rows `batches` yields as one file of `format` through `write`, holding one batch at a
 * time (`/utils/export`): the same text `formatExport` makes of all the rows at once. A CSV needs
 * every row's columns before its header, so its rows are first kept, flattened, one JSON line each,
 * in a file under `spoolDir`.
 */
export async function writeExport(
  batches: AsyncIterable<Record<string, unknown>[]>,
  format: ExportFormat,
  write: (chunk: string) => Promise<unknown>,
  spoolDir: string,
): Promise<{ type: string; extension: string; rows: number }> {
  const type = TYPES[format];
  let rows = 0;
  if (format === 'csv') {
    const spool = path.join(spoolDir, 'rows.ndjson');
    const columns: string[] = [];
    const seen = new Set<string>();
    const out = await fs.open(spool, 'w');
    try {
      for await (const batch of batches) {
        let text = '';
        for (const row of batch) {
          const flat = flatten(row);
          for (const k of Object.keys(flat))
            if (!seen.has(k)) {
              seen.add(k);
              columns.push(k);
            }
          text += `${JSON.stringify(flat, (_k, v) => (v instanceof Date ? v.toISOString() : v))}\n`;
          rows++;
        }
        await out.write(text);
      }
    } finally {
      await out.close();
    }
    const kept = columns.filter((c) => !columns.some((other) => other.startsWith(`${c}.`)));
    await write(`${kept.map(csvCell).join(',')}\r\n`);
    const lines = readline.createInterface({
      input: createReadStream(spool, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line) continue;
      const r = JSON.parse(line) as Record<string, unknown>;
      await write(`${kept.map((c) => csvCell(r[c])).join(',')}\r\n`);
    }
    return { type, extension: 'csv', rows };
  }
  const head = { json: '[', yaml: '', xml: '<?xml version="1.0" encoding="UTF-8"?>\n<data>' }[format];
  await write(head);
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    let text = '';
    if (format === 'json')
      text = batch
        .map((r, i) => `${rows + i === 0 ? '\n' : ',\n'}${JSON.stringify(r, null, '\t').replace(/^/gm, '\t')}`)
        .join('');
    else if (format === 'yaml') text = yaml.dump(batch, { noRefs: true });
    else text = batch.map((r) => `\n\t<item>${xmlValue(r, '\t')}</item>`).join('');
    rows += batch.length;
    await write(text);
  }
  const tail = {
    json: rows ? '\n]' : ']',
    yaml: rows ? '' : '[]\n',
    xml: '\n</data>\n',
  }[format];
  await write(tail);
  return { type, extension: format, rows };
}

/**
 * The items of `query` in batches of `size` (a `limit` in the query is how many in all; `offset`
 * or `page` where they start), read through `service` (its caller's permissions).
 */
export async function* queryBatches(
  service: { readByQuery(query: Record<string, unknown>): Promise<Record<string, unknown>[]> },
  query: Record<string, unknown>,
  size: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const limit = typeof query.limit === 'number' && query.limit >= 0 ? query.limit : Number.POSITIVE_INFINITY;
  const page = typeof query.page === 'number' && query.page > 1 && Number.isFinite(limit) ? query.page : 1;
  const start =
    (typeof query.offset === 'number' ? query.offset : 0) + (page - 1) * (Number.isFinite(limit) ? limit : 0);
  let done = 0;
  while (done < limit) {
    const want = Math.min(size, limit - done);
    const rows = await service.readByQuery({ ...query, page: undefined, limit: want, offset: start + done });
    if (rows.length) yield rows;
    done += rows.length;
    if (rows.length < want) return;
  }
}

/**
 * `batches` written as a file of `format` in a folder of its own under the system's temporary
 * folder; `remove()` deletes it (call it when the file has been read, failed or not).
 */
export async function exportToTempFile(
  batches: AsyncIterable<Record<string, unknown>[]>,
  format: ExportFormat,
): Promise<{ file: string; type: string; extension: string; rows: number; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'annex-export-'));
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, `export.${format}`);
    const out = await fs.open(file, 'w');
    try {
      const result = await writeExport(batches, format, (chunk) => out.write(chunk), dir);
      return { file, ...result, remove };
    } finally {
      await out.close();
    }
  } catch (err) {
    await remove();
    throw err;
  }
}
