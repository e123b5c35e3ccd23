/**
 * Warnings the host writes about one extension's handlers (a failing schedule, a throwing action)
 * share a budget per extension, like its own log lines: otherwise a hook with nothing but the
 * `log` scope could flood the host's log through the host's own warnings. Past the budget, lines
 * are counted and one summary line says how many were dropped.
 */
export interface OwnerLogBudget {
  /** Whether a warning about `owner` may be written now; `onDropped` gets the count when a window with drops ends. */
  take(owner: string): boolean;
}

export const OWNER_LOG_BUDGET = Object.freeze({ linesPerWindow: 20, windowMs: 60_000 });

export function createOwnerLogBudget(
  onDropped: (owner: string, dropped: number) => void,
  options = OWNER_LOG_BUDGET,
  now: () => number = Date.now,
): OwnerLogBudget {
  const windows = new Map<string, { start: number; used: number; dropped: number }>();
  return {
    take(owner) {
      const t = now();
      let w = windows.get(owner);
      if (!w || t - w.start >= options.windowMs) {
        if (w && w.dropped > 0) onDropped(owner, w.dropped);
        w = { start: t, used: 0, dropped: 0 };
        windows.set(owner, w);
      }
      if (w.used < options.linesPerWindow) {
        w.used++;
        return true;
      }
      w.dropped++;
      return false;
    },
  };
}
