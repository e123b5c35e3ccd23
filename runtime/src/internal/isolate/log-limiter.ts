/**
 * A per-second budget for log lines. Lines beyond it are dropped and counted; the first line
 * allowed in a later second is preceded by one notice saying how many were dropped.
 */
export interface LogLimiter {
  /** Returns the notice to emit first (or null), and whether the line itself may pass. */
  take(now?: number): { pass: boolean; notice: string | null };
}

export function createLogLimiter(perSecond: number): LogLimiter {
  let windowStart = 0;
  let used = 0;
  let dropped = 0;
  return {
    take(now = Date.now()) {
      let notice: string | null = null;
      if (now - windowStart >= 1000) {
        windowStart = now;
        used = 0;
        if (dropped > 0) {
          notice = `${dropped} log line(s) dropped (limit ${perSecond}/s)`;
          dropped = 0;
        }
      }
      if (used < perSecond) {
        used++;
        return { pass: true, notice };
      }
      dropped++;
      return { pass: false, notice };
    },
  };
}
