/** Timers may use at most this share of one CPU over the window before the isolate is re-created. */
const BACKGROUND_WINDOW_MS = 5000;
const BACKGROUND_SHARE = 0.25;
/**
 * What one timer costs the worker's thread besides the run itself (the Node timer, the entry
 * into the isolate): charged per fire, so a flood of empty timers counts as the work it makes.
 */
const FIRE_OVERHEAD_NS = 20_000n;

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
 * host keeps only (id → Node timer). Bounded in number; what timer callbacks cost the thread
 * (their run, and a fixed overhead per fire) is charged to a sliding window, so work no call
 * waits for cannot hog the thread, nor can a flood of cheap timers.
 */
export class HostTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Charges in the window, oldest first from `head`, and their sum: O(1) per fire however many there are. */
  private background: { at: number; ns: bigint }[] = [];
  private head = 0;
  private total = 0n;

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
      const started = process.hrtime.bigint();
      const ns = this.options.fire(id);
      // The larger of the isolate's CPU and the time this thread spent in the fire.
      const spent = process.hrtime.bigint() - started;
      if (ns !== null) this.charge((ns > spent ? ns : spent) + FIRE_OVERHEAD_NS);
    }, delay);
    if (this.options.unref) t.unref();
    this.timers.set(id, t);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.resetWindow();
  }

  private resetWindow(): void {
    this.background = [];
    this.head = 0;
    this.total = 0n;
  }

  private charge(ns: bigint): void {
    const now = Date.now();
    while (this.head < this.background.length && now - this.background[this.head]!.at >= BACKGROUND_WINDOW_MS)
      this.total -= this.background[this.head++]!.ns;
    if (this.head > 1024 && this.head * 2 > this.background.length) {
      this.background = this.background.slice(this.head);
      this.head = 0;
    }
    this.background.push({ at: now, ns });
    this.total += ns;
    if (this.total > BigInt(BACKGROUND_WINDOW_MS * BACKGROUND_SHARE * 1e6)) {
      this.resetWindow();
      this.options.onHog();
    }
  }
}
