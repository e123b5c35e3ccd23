import { decodeMappings, type Segment } from './vlq.js';

export interface OriginalPosition {
  source: string;
  line: number;
  column: number;
}

/** Maps generated (1-based line, 1-based column) positions back to original sources. */
export interface SourceMapper {
  lookup(line: number, column: number): OriginalPosition | null;
  /** Rewrite every `file:line:col` frame of `stack` that points at `generatedFile`. */
  mapStack(stack: string, generatedFile: string): string;
}

interface RawMap {
  version?: number;
  sources?: (string | null)[];
  sourceRoot?: string;
  mappings?: string;
  sections?: unknown;
}

function joinSource(root: string | undefined, source: string): string {
  if (!root) return source;
  return root.endsWith('/') ? root + source : `${root}/${source}`;
}

/** Parse a source map (JSON text); null when it is unusable (index maps are not supported). */
export function createSourceMapper(json: string): SourceMapper | null {
  let raw: RawMap;
  try {
    raw = JSON.parse(json) as RawMap;
  } catch {
    return null;
  }
  if (raw.version !== 3 || typeof raw.mappings !== 'string' || !Array.isArray(raw.sources) || raw.sections) return null;
  let lines: Segment[][];
  try {
    lines = decodeMappings(raw.mappings);
  } catch {
    return null;
  }
  const sources = raw.sources.map((s) => joinSource(raw.sourceRoot, s ?? '<unknown>'));

  function lookup(line: number, column: number): OriginalPosition | null {
    const segs = lines[line - 1];
    if (!segs || segs.length === 0) return null;
    const col = column - 1;
    let lo = 0;
    let hi = segs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid][0] <= col) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const seg = segs[found === -1 ? 0 : found];
    const source = sources[seg[1]];
    if (source === undefined) return null;
    return { source, line: seg[2] + 1, column: seg[3] + 1 };
  }

  function mapStack(stack: string, generatedFile: string): string {
    return stack
      .split('\n')
      .map((frame) => {
        const at = frame.lastIndexOf(generatedFile + ':');
        if (at === -1) return frame;
        const rest = frame.slice(at + generatedFile.length + 1);
        const m = /^(\d+):(\d+)/.exec(rest);
        if (!m) return frame;
        const pos = lookup(Number(m[1]), Number(m[2]));
        if (!pos) return frame;
        return frame.slice(0, at) + `${pos.source}:${pos.line}:${pos.column}` + rest.slice(m[0].length);
      })
      .join('\n');
  }

  return { lookup, mapStack };
}
