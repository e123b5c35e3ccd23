import { SourceMap } from 'node:module';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createSourceMapper } from '../internal/source-map/mapper.js';
import { decodeMappings } from '../internal/source-map/vlq.js';

const SOURCE = [
  'interface Thing { id: number }',
  '',
  'export function fail(thing: Thing): never {',
  '  const message: string = `bad ${thing.id}`;',
  '  throw new Error(message);',
  '}',
  '',
].join('\n');

function compile() {
  const out = ts.transpileModule(SOURCE, {
    fileName: 'src/thing.ts',
    compilerOptions: { sourceMap: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return { code: out.outputText, map: out.sourceMapText! };
}

describe('VLQ decoder', () => {
  it('decodes single values and signs', () => {
    expect(decodeMappings('AAAA')).toEqual([[[0, 0, 0, 0]]]);
    expect(decodeMappings('CAAC,GAAE;ACDD')).toEqual([
      [
        [1, 0, 0, 1],
        [4, 0, 0, 3],
      ],
      [[0, 1, -1, 2]],
    ]);
    expect(decodeMappings('gBAAgB')).toEqual([[[16, 0, 0, 16]]]);
  });

  it('agrees with node:module SourceMap on every mapped position of a real map', () => {
    const { map } = compile();
    const ours = createSourceMapper(map)!;
    const reference = new SourceMap(JSON.parse(map));
    const lines = decodeMappings(JSON.parse(map).mappings);
    let checked = 0;
    lines.forEach((segs, line) => {
      for (const [col] of segs) {
        const ref = reference.findEntry(line, col) as {
          originalLine: number;
          originalColumn: number;
          originalSource: string;
        };
        expect(ours.lookup(line + 1, col + 1)).toEqual({
          source: expect.stringContaining('thing.ts'),
          line: ref.originalLine + 1,
          column: ref.originalColumn + 1,
        });
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(5);
  });

  it('rewrites stack frames of the generated file to original positions', () => {
    const { code, map } = compile();
    const lines = code.split('\n');
    const genLine = lines.findIndex((l) => l.includes('throw new Error')) + 1;
    const genCol = lines[genLine - 1].indexOf('throw') + 1;
    const stack = `Error: bad 1\n    at fail (file:///ext/dist/index.js:${genLine}:${genCol})\n    at other (file:///elsewhere.js:1:1)`;
    const mapped = createSourceMapper(map)!.mapStack(stack, 'file:///ext/dist/index.js');
    expect(mapped.split('\n')[1]).toBe('    at fail (thing.ts:5:3)');
    expect(mapped.split('\n')[2]).toBe('    at other (file:///elsewhere.js:1:1)');
  });

  it('returns null for unusable maps', () => {
    expect(createSourceMapper('not json')).toBeNull();
    expect(createSourceMapper(JSON.stringify({ version: 2, mappings: '', sources: [] }))).toBeNull();
    expect(createSourceMapper(JSON.stringify({ version: 3, mappings: '!!!', sources: ['a'] }))).toBeNull();
  });
});
