/**
 * Size and shape checks for values crossing the boundary: rejects cycles (they cannot be
 * answered as JSON later), functions and symbols, values deeper than MAX_DEPTH (so the walk's
 * own recursion is bounded), and stops as soon as the budget is exceeded, so a huge value
 * costs at most `limit` work. `json` tells whether JSON text would carry the value exactly (only
 * strings, finite numbers, booleans, null, arrays and plain objects; no undefined, -0, Date,
 * Map, Set, binary or bigint), which lets it cross the boundary as one string. Values count at
 * the size a structured copy makes of them: a BigInt by its digits, an Error by its message and
 * stack, a RegExp by its source, a boxed value by what it boxes.
 */
export type PayloadVerdict =
  | { ok: true; bytes: number; json: boolean }
  | { ok: false; reason: 'too-large' | 'cyclic' | 'too-deep' | 'unsupported'; bytes: number };

const MAX_DEPTH = 512;

class Stop {
  constructor(readonly reason: 'too-large' | 'cyclic' | 'too-deep' | 'unsupported') {}
}

export function measurePayload(value: unknown, limit: number): PayloadVerdict {
  let bytes = 0;
  let json = true;
  const path = new Set<object>();

  function visit(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        bytes += v.length + 2;
        break;
      case 'number':
        if (json && (!Number.isFinite(v) || Object.is(v, -0))) json = false;
        bytes += 8;
        break;
      case 'bigint':
        json = false;
        // Its real size: a BigInt can be megabytes (hex digits are two per byte; linear to count).
        bytes += 8 + Math.ceil(v.toString(16).length / 2);
        break;
      case 'boolean':
        bytes += 4;
        break;
      case 'undefined':
        json = false;
        bytes += 4;
        break;
      case 'object': {
        if (v === null) {
          bytes += 4;
          break;
        }
        if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
          json = false;
          bytes += v.byteLength;
          break;
        }
        if (v instanceof Date) {
          json = false;
          bytes += 8;
          break;
        }
        // What structured cloning copies but an enumerable-keys walk would not see.
        if (v instanceof RegExp) {
          json = false;
          bytes += v.source.length + v.flags.length + 2;
          break;
        }
        if (v instanceof Boolean || v instanceof Number || v instanceof String || v instanceof BigInt) {
          json = false;
          visit(v.valueOf(), depth + 1);
          break;
        }
        if (v instanceof Error) {
          json = false;
          for (const part of [v.name, v.message, v.stack]) if (typeof part === 'string') bytes += part.length + 2;
        }
        if (depth >= MAX_DEPTH) throw new Stop('too-deep');
        if (path.has(v)) throw new Stop('cyclic');
        path.add(v);
        bytes += 2;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) visit(v[i], depth + 1);
        } else if (v instanceof Map) {
          json = false;
          for (const [k, x] of v) {
            visit(k, depth + 1);
            visit(x, depth + 1);
          }
        } else if (v instanceof Set) {
          json = false;
          for (const x of v) visit(x, depth + 1);
        } else {
          if (json) {
            const proto = Object.getPrototypeOf(v);
            if (proto !== Object.prototype && proto !== null) json = false;
          }
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
  return { ok: true, bytes, json };
}
