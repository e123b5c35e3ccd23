/**
 * Size and shape checks for values crossing the boundary. The walk is iterative (no host stack
 * overflow on deep values), rejects cycles (they cannot be answered as JSON later) and stops as
 * soon as the budget is exceeded, so a huge value costs at most `limit` work.
 */
export type PayloadVerdict = { ok: true; bytes: number } | { ok: false; reason: 'too-large' | 'cyclic' | 'too-deep' | 'unsupported'; bytes: number };

const MAX_DEPTH = 512;
const EXIT = Symbol('exit');

export function measurePayload(value: unknown, limit: number): PayloadVerdict {
  let bytes = 0;
  const onPath = new Set<object>();
  const stack: unknown[] = [value];
  let depth = 0;
  while (stack.length) {
    const item = stack.pop();
    if (item === EXIT) {
      onPath.delete(stack.pop() as object);
      depth--;
      continue;
    }
    switch (typeof item) {
      case 'string':
        bytes += item.length + 2;
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
        if (item === null) {
          bytes += 4;
          break;
        }
        if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer) {
          bytes += item.byteLength;
          break;
        }
        if (item instanceof Date) {
          bytes += 8;
          break;
        }
        if (onPath.has(item)) return { ok: false, reason: 'cyclic', bytes };
        if (++depth > MAX_DEPTH) return { ok: false, reason: 'too-deep', bytes };
        onPath.add(item);
        stack.push(item, EXIT);
        bytes += 2;
        if (item instanceof Map) {
          for (const [k, v] of item) stack.push(k, v);
        } else if (item instanceof Set) {
          for (const v of item) stack.push(v);
        } else {
          for (const key of Object.keys(item)) {
            bytes += key.length + 3;
            stack.push((item as Record<string, unknown>)[key]);
          }
        }
        break;
      }
      default:
        return { ok: false, reason: 'unsupported', bytes };
    }
    if (bytes > limit) return { ok: false, reason: 'too-large', bytes };
  }
  return { ok: true, bytes };
}
