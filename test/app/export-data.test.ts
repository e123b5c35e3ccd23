// The browser-side import/export of export-sidebar-detail: CSV and JSON in both directions.
import { describe, expect, it } from 'vitest';
import {
  parseCsv,
  parseImport,
  serialiseExport,
  toCsv,
} from '../../host/app/src/components/composables/export-data.js';

describe('export-sidebar-detail data', () => {
  const items = [
    { id: 1, title: 'a, "quoted"', tags: ['x'] },
    { id: 2, title: 'line\nbreak', tags: null },
  ];

  it('writes CSV with the requested columns, quoting commas, quotes and newlines', () => {
    expect(toCsv(items, ['id', 'title'])).toBe('id,title\n1,"a, ""quoted"""\n2,"line\nbreak"');
    expect(toCsv([{ a: 1 }, { b: 2 }])).toBe('a,b\n1,\n,2');
  });

  it('reads back what it writes (empty cells become null)', () => {
    expect(parseCsv(toCsv(items, ['id', 'title', 'tags']))).toEqual([
      { id: '1', title: 'a, "quoted"', tags: '["x"]' },
      { id: '2', title: 'line\nbreak', tags: null },
    ]);
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([{ a: '1', b: '2' }]);
  });

  it('defuses formula-like texts (not numbers) with a leading quote, and reads them back', () => {
    const risky = [{ v: '=1+1' }, { v: '-x' }, { v: "'@y" }, { v: -5 }, { v: '-12.50' }, { v: 'plain' }];
    const csv = toCsv(risky, ['v']);
    expect(csv).toBe("v\n'=1+1\n'-x\n''@y\n-5\n-12.50\nplain");
    expect(parseCsv(csv).map((r) => r.v)).toEqual(['=1+1', '-x', "'@y", '-5', '-12.50', 'plain']);
  });

  it('parses an import as JSON (array or one object) or CSV, and serialises exports by format', () => {
    expect(parseImport('[{"a":1}]', 'application/json')).toEqual([{ a: 1 }]);
    expect(parseImport('{"a":1}', '')).toEqual([{ a: 1 }]);
    expect(parseImport('a\n1', 'text/csv')).toEqual([{ a: '1' }]);
    expect(() => parseImport('[oops', 'application/json')).toThrow(SyntaxError);
    expect(serialiseExport(items, 'json').type).toBe('application/json');
    expect(JSON.parse(serialiseExport(items, 'json').body)).toEqual(items);
    expect(serialiseExport(items, 'csv', ['id']).body).toBe('id\n1\n2');
  });
});
