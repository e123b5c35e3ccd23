/** Timers may use at most this share of one CPU over the window before the isolate is re-created. */
const BACKGROUND_WINDOW_MS = 5000;
const BACKGROUND_SHARE = 0.5;

export interface HostTimerOptions {
  maxTimers: number;
  /** Inline engine: timers must not keep the host process alive. */
  unref: boolean;
  /** Run the isolate's callback for timer `id`; returns the isolate CPU ns it used (or null if it did not run). */
  fire(id: number): bigint | null;
  /** Timers used more than their share of the CPU. */
  onHog(): void;
}

/**
 * The host half of the isolate's setTimeout/setInterval: the isolate keeps the callbacks, the
 * host keeps only (id → Node timer). Bounded in number; the CPU timer callbacks use is charged
 * to a sliding window so work no call waits for cannot hog the thread.
 */
export class HostTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private background: { at: number; ns: bigint }[] = [];

  constructor(private readonly options: HostTimerOptions) {}

  get size(): number {
    return this.timers.size;
  }

  /** op 1: (re)arm timer `id` in `ms`; op 0: clear it. Called synchronously from the isolate. */
  handle(op: unknown, id: unknown, ms: unknown): void {
    if (typeof id !== 'number') return;
    const existing = this.timers.get(id);
    if (existing) clearTimeout(existing);
    this.timers.delete(id);
    if (op !== 1 || this.timers.size >= this.options.maxTimers) return;
    const delay = typeof ms === 'number' && ms >= 1 ? Math.min(ms, 2 ** 31 - 1) : 1;
    const t = setTimeout(() => {
      this.timers.delete(id);
      const ns = this.options.fire(id);
      if (ns !== null) this.charge(ns);
    }, delay);
    if (this.options.unref) t.unref();
    this.timers.set(id, t);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.background = [];
  }

  private charge(ns: bigint): void {
    const now = Date.now();
    this.background = this.background.filter((e) => now - e.at < BACKGROUND_WINDOW_MS);
    this.background.push({ at: now, ns });
    const total = this.background.reduce((sum, e) => sum + e.ns, 0n);
    if (total > BigInt(BACKGROUND_WINDOW_MS * BACKGROUND_SHARE * 1e6)) {
      this.background = [];
      this.options.onHog();
    }
  }
}
