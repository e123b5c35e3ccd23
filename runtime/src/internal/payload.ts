/**
 * Size and shape checks for values crossing the boundary: rejects cycles (they cannot be
 * answered as JSON later), functions and symbols, values deeper than MAX_DEPTH (so the walk's
 * own recursion is bounded), and stops as soon as the budget is exceeded, so a huge value
 * costs at most `limit` work.
 */
export type PayloadVerdict = { ok: true; bytes: number } | { ok: false; reason: 'too-large' | 'cyclic' | 'too-deep' | 'unsupported'; bytes: number };

const MAX_DEPTH = 512;

class Stop {
  constructor(readonly reason: 'too-large' | 'cyclic' | 'too-deep' | 'unsupported') {}
}

export function measurePayload(value: unknown, limit: number): PayloadVerdict {
  let bytes = 0;
  const path = new Set<object>();

  function visit(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        bytes += v.length + 2;
        break;
      case 'number':
      case 'bigint':
        bytes += 8;
        break;
      case 'boolean':
      case 'undefined':
        bytes += 4;
        break;
      case 'object': {
        if (v === null) {
          bytes += 4;
          break;
        }
        if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
          bytes += v.byteLength;
          break;
        }
        if (v instanceof Date) {
          bytes += 8;
          break;
        }
        if (depth >= MAX_DEPTH) throw new Stop('too-deep');
        if (path.has(v)) throw new Stop('cyclic');
        path.add(v);
        bytes += 2;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) visit(v[i], depth + 1);
        } else if (v instanceof Map) {
          for (const [k, x] of v) {
            visit(k, depth + 1);
            visit(x, depth + 1);
          }
        } else if (v instanceof Set) {
          for (const x of v) visit(x, depth + 1);
        } else {
          for (const key in v) {
            if (!Object.hasOwn(v, key)) continue;
            bytes += key.length + 3;
            visit((v as Record<string, unknown>)[key], depth + 1);
          }
        }
        path.delete(v);
        break;
      }
      default:
        throw new Stop('unsupported');
    }
    if (bytes > limit) throw new Stop('too-large');
  }

  try {
    visit(value, 0);
  } catch (err) {
    if (err instanceof Stop) return { ok: false, reason: err.reason, bytes };
    throw err;
  }
  return { ok: true, bytes };
}
