import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  defuseFormula,
  type ExportFormat,
  exportToTempFile,
  formatExport,
  queryBatches,
  restoreFormula,
} from '../export-format.js';

const ROWS: Record<string, unknown>[] = Array.from({ length: 23 }, (_, i) => ({
  id: i + 1,
  title: i === 4 ? 'a "quoted", line\nbreak' : `Row <${i}> & co`,
  author: i % 3 === 0 ? null : { name: `Author ${i}`, email: `a${i}@example.com` },
  tags: i % 2 ? ['x', 'y'] : null,
  ...(i === 20 ? { late_column: 'only here' } : {}),
  when: new Date(Date.UTC(2026, 0, 1 + i)),
}));

/** A service that answers readByQuery from ROWS with limit/offset, counting its reads. */
function service(rows = ROWS) {
  const reads: { limit: number; offset: number }[] = [];
  return {
    reads,
    async readByQuery(q: Record<string, unknown>) {
      const limit = q.limit as number;
      const offset = (q.offset as number) ?? 0;
      reads.push({ limit, offset });
      return rows.slice(offset, offset + limit);
    },
  };
}

async function* inBatches(rows: Record<string, unknown>[], size: number) {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

describe('exports a batch at a time', () => {
  for (const format of ['csv', 'json', 'xml', 'yaml'] as ExportFormat[]) {
    it(`writes the same ${format} as the whole-list export, for any batch size and for no rows`, async () => {
      for (const [rows, size] of [
        [ROWS, 5],
        [ROWS, 1],
        [ROWS, 100],
        [[], 5],
      ] as const) {
        const out = await exportToTempFile(inBatches(rows, size), format);
        try {
          expect(fs.readFileSync(out.file, 'utf8')).toBe(formatExport(rows, format).body);
          expect(out.rows).toBe(rows.length);
        } finally {
          await out.remove();
        }
        expect(fs.existsSync(out.file)).toBe(false);
      }
    });
  }
  it("a CSV's header holds a column that first appears in a late batch", async () => {
    const out = await exportToTempFile(inBatches(ROWS, 4), 'csv');
    const header = fs.readFileSync(out.file, 'utf8').split('\r\n')[0];
    await out.remove();
    expect(header.split(',')).toContain('late_column');
  });
  it('reads the query in batches: all of it, or its limit from its offset or page', async () => {
    const all = service();
    const seen: number[] = [];
    for await (const b of queryBatches(all, {}, 10)) seen.push(b.length);
    expect(seen).toEqual([10, 10, 3]);
    expect(all.reads).toEqual([
      { limit: 10, offset: 0 },
      { limit: 10, offset: 10 },
      { limit: 10, offset: 20 },
    ]);
    const limited = service();
    const ids: unknown[] = [];
    for await (const b of queryBatches(limited, { limit: 7, page: 2 }, 3)) ids.push(...b.map((r) => r.id));
    expect(ids).toEqual([8, 9, 10, 11, 12, 13, 14]);
    const fromOffset = service();
    const first: unknown[] = [];
    for await (const b of queryBatches(fromOffset, { limit: -1, offset: 20 }, 2)) first.push(...b.map((r) => r.id));
    expect(first).toEqual([21, 22, 23]);
  });
  it('removes its folder when writing fails', async () => {
    async function* failing() {
      yield ROWS.slice(0, 2);
      throw new Error('read failed');
    }
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('annex-export-')));
    await expect(exportToTempFile(failing(), 'json')).rejects.toThrow('read failed');
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('annex-export-') && !before.has(n));
    expect(after).toEqual([]);
  });
});

describe('CSV formula defusing', () => {
  it('quotes what a spreadsheet would run, leaves numbers and other text, and is undone exactly', () => {
    const cases: [string, string][] = [
      ['=1+1', "'=1+1"],
      ['+49 30 123', "'+49 30 123"],
      ['-x', "'-x"],
      ['@cmd', "'@cmd"],
      ['\tx', "'\tx"],
      ['\rx', "'\rx"],
      ["'=x", "''=x"],
      ['-12.50', '-12.50'],
      ['+3', '+3'],
      ['1e-5', '1e-5'],
      ["'quoted", "'quoted"],
      ['a=b', 'a=b'],
      ['', ''],
    ];
    for (const [text, written] of cases) {
      expect(defuseFormula(text)).toBe(written);
      expect(restoreFormula(written)).toBe(text);
    }
  });
});
