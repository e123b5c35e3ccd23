const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/** One decoded segment: [generatedColumn, sourceIndex, originalLine, originalColumn] (absolute, 0-based). */
export type Segment = [number, number, number, number];

/**
 * Decode a source map v3 `mappings` string into per-line segment lists. Base64 VLQ: each
 * digit carries 5 value bits plus a continuation bit (32); the lowest bit of the result is
 * the sign. Fields are deltas: the column resets per line, the others run across lines.
 * Segments without a source (length 1) are skipped; names are not needed for stacks.
 */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let column = 0;
  let source = 0;
  let origLine = 0;
  let origColumn = 0;
  const fields: number[] = [];
  const n = mappings.length;
  let i = 0;
  while (i < n) {
    const ch = mappings.charCodeAt(i);
    if (ch === 59 /* ; */) {
      lines.push(line);
      line = [];
      column = 0;
      i++;
      continue;
    }
    if (ch === 44 /* , */) {
      i++;
      continue;
    }
    fields.length = 0;
    while (i < n && mappings.charCodeAt(i) !== 44 && mappings.charCodeAt(i) !== 59) {
      let value = 0;
      let shift = 0;
      let digit: number;
      do {
        digit = i < n ? (DIGIT[mappings.charCodeAt(i++)] ?? -1) : -1;
        if (digit < 0) throw new Error('invalid VLQ digit in source map');
        value += (digit & 31) * 2 ** shift;
        shift += 5;
      } while (digit & 32);
      fields.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    }
    column += fields[0] ?? 0;
    if (fields.length >= 4) {
      source += fields[1];
      origLine += fields[2];
      origColumn += fields[3];
      line.push([column, source, origLine, origColumn]);
    }
  }
  lines.push(line);
  for (const segs of lines) segs.sort((a, b) => a[0] - b[0]);
  return lines;
}
