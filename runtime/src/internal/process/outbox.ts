/**
 * Coalesces IPC messages produced in one turn of the event loop into one `send`. A process
 * round trip costs ~100 µs whatever its size, so batching is what makes concurrent calls cheap;
 * flushing on setImmediate (after every pending microtask) lets all callers of a turn join.
 */
export interface Outbox<T> {
  push(message: T): void;
  /** Send everything queued now (before an abort, or on close). */
  flush(): void;
}

export function createOutbox<T>(write: (batch: T[]) => void): Outbox<T> {
  let queue: T[] = [];
  let scheduled = false;
  function flush(): void {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    write(batch);
  }
  return {
    push(message) {
      queue.push(message);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
