import ivm from 'isolated-vm';
import type { ErrorRecord } from '@annex/protocol';
import { toErrorRecord } from '@annex/protocol';
import { getCapabilityEntry } from '@annex/protocol';
import type { SandboxExtensionSpec, SandboxLimits, SandboxRegistrations } from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import { measurePayload } from '../payload.js';
import { createLogLimiter, type LogLimiter } from './log-limiter.js';
import { classifyEntryError, createStackMapper, extensionErrorRecord, type CallOutcome } from './outcome.js';
import { randomPort, urlPort } from './web-ports.js';
import { loadIsolate, type LoadedIsolate } from './load.js';
import { HostTimers } from './host-timers.js';
import { overshootKb, peakWatch } from './peak-memory.js';
import { dynamicImportDenial } from '../imports.js';
import { CpuShareBudget, createReportThrottle, RateBudget } from '../budget.js';
import type { LogLevel, SandboxPorts } from './ports.js';

export type { LogLevel, SandboxLocalEvent, SandboxPorts } from './ports.js';

interface PendingCall {
  resolve: (outcome: CallOutcome) => void;
  /** performance.now() past which the call fails with RT_TIMEOUT (wall). */
  deadline: number;
}

type Entry = 'call' | 'continuation' | 'timer';

/** Synchronously refused capability calls in one entry that mark a retry loop (a legitimate burst refuses far fewer). */
const REFUSAL_FLOOD = 25_000;

/** Longest log line an extension may write; the isolate formats within it, but its String methods are the extension's. */
const MAX_LOG_CHARS = 8192;

/**
 * One log line from the isolate, clipped. A value that is not a string arrives as a copy (no
 * extension code runs on it here) and is logged as its JSON text.
 */
function logLine(message: unknown): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    try {
      text = JSON.stringify(message) ?? String(message);
    } catch {
      text = '[unprintable log message]';
    }
  }
  return text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)}... (truncated)` : text;
}

/**
 * One extension's isolate. Every run inside it is a synchronous entry from this thread with
 * the CPU timeout (a call, a capability continuation, a timer), so code after an awaited host
 * call is bounded too; a wall-clock timer bounds each call as a whole. On memory exhaustion or
 * a timeout that may have cut another call's continuation, the isolate is re-created from the
 * spec and must register the same handlers again.
 */
export class IsolateSandbox {
  registrations!: SandboxRegistrations;
  private current: LoadedIsolate | undefined;
  private state: 'new' | 'ready' | 'failed' | 'disposed' = 'new';
  private failure: ErrorRecord | undefined;
  /** Calls in flight, in the order they started: every call has the same wall budget, so also in deadline order. */
  private readonly calls = new Map<number, PendingCall>();
  /** One timer for the oldest call's wall deadline (a timer per call cost the worker ~1 µs a call). */
  private wallTimer: NodeJS.Timeout | undefined;
  private readonly capabilityIds = new Set<number>();
  private readonly timers: HostTimers;
  private callSeq = 0;
  private capabilitySeq = 0;
  private depth = 0;
  /** Set by the bootstrap when it refused a string past its cap during the current entry. */
  private stringCapped = false;
  /** Outcomes reported during the current entry, settled when it ends. */
  private readonly finished: [number, CallOutcome][] = [];
  private cpuBaseNs = 0n;
  private recreateWhenIdle = false;
  private readonly logLimiter: LogLimiter;
  /** Built once: a flood of refused calls must stay cheap. */
  private readonly busyRecord: ErrorRecord;
  private readonly rateRecord: ErrorRecord;
  /** Capability calls are charged here whether a call is in flight or not (background loops included). */
  private readonly capabilityRate: RateBudget;
  /**
   * Charged as well while no call is in flight: nothing waits on such work, so it gets a much
   * smaller rate than an endpoint serving requests (a call in flight is bounded by its own wall
   * clock; a loop it left behind is not).
   */
  private readonly backgroundRate: RateBudget;
  private readonly backgroundRateRecord: ErrorRecord;
  /** CPU of continuations after awaited capability calls: no call's CPU timeout covers a loop that outlived its call. */
  private readonly continuationCpu: CpuShareBudget;
  private readonly rateFaultDue = createReportThrottle(1000);
  private lastRateFault = -Infinity;
  /** Calls refused synchronously in the current entry; a loop retrying refusals spins without ever yielding. */
  private refusals = 0;
  /** Why the isolate was disposed from inside one of its own callbacks. */
  private killed: ErrorRecord | undefined;
  private readonly mapStack: (stack: string) => string;

  constructor(
    readonly spec: SandboxExtensionSpec,
    readonly limits: SandboxLimits,
    private readonly ports: SandboxPorts,
    private readonly options: { unrefTimers: boolean } = { unrefTimers: false },
  ) {
    this.logLimiter = createLogLimiter(limits.maxLogLinesPerSecond);
    this.busyRecord = toErrorRecord(RuntimeErrors.RT_BUSY({ limit: limits.maxPendingCapabilityCalls }));
    this.rateRecord = toErrorRecord(RuntimeErrors.RT_RATE_LIMITED({ limit: limits.maxCapabilityCallsPerSecond }));
    // A burst may fill the pending limit at once; the rate holds over time.
    this.capabilityRate = new RateBudget(limits.maxCapabilityCallsPerSecond, limits.maxPendingCapabilityCalls);
    this.backgroundRate = new RateBudget(
      limits.maxBackgroundCapabilityCallsPerSecond,
      limits.maxPendingCapabilityCalls,
    );
    this.backgroundRateRecord = toErrorRecord(
      RuntimeErrors.RT_RATE_LIMITED({ limit: limits.maxBackgroundCapabilityCallsPerSecond }),
    );
    this.continuationCpu = new CpuShareBudget(5000, limits.backgroundCpuShare);
    this.mapStack = createStackMapper(spec.sourceMap, `file://${spec.filename}`);
    this.timers = new HostTimers({
      maxTimers: limits.maxTimers,
      unref: options.unrefTimers,
      fire: (id) => this.fireTimer(id),
      onHog: () => {
        const error = toErrorRecord(RuntimeErrors.RT_CPU_HOG());
        this.fault(error);
        this.recreate('background CPU use', error);
      },
    });
  }

  /** Create the isolate, evaluate the module and collect registrations. Throws a CodedError. */
  load(): SandboxRegistrations {
    this.ports.entry?.('load');
    try {
      return this.loadIsolate();
    } finally {
      this.ports.entry?.(null);
      // What the load grew (a new isolate, its module's top level) is no entry's growth.
      peakWatch.invalidate();
    }
  }

  private loadIsolate(): SandboxRegistrations {
    this.current = loadIsolate(this.spec, this.limits, {
      send: (name, args, token) => this.onSend(name, args, token),
      log: (level, message) => this.onLog(level, message),
      timer: (op, id, ms) => this.timers.handle(op, id, ms),
      done: (callId, ok, value, fromExtension) => this.onDone(callId, ok, value, fromExtension),
      url: urlPort,
      random: randomPort,
      memory: () => {
        this.stringCapped = true;
      },
      catastrophic: (message) => this.ports.catastrophic(message),
      mapStack: this.mapStack,
    });
    this.registrations = this.current.registrations;
    this.state = 'ready';
    return this.registrations;
  }

  /** `args` may be the JSON text of the list; `jsonBody` asks a route for its object body as JSON text. */
  invoke(handler: number, args: unknown[] | string, accountability: unknown, jsonBody = false): Promise<CallOutcome> {
    return new Promise((resolve) => this.start(handler, args, accountability, jsonBody, resolve));
  }

  /**
   * `invoke` with a callback: `settle` runs as soon as the outcome is known, inside this entry
   * when the handler finished synchronously, so a caller answering a batch can send each answer
   * before it runs the next call.
   */
  start(
    handler: number,
    args: unknown[] | string,
    accountability: unknown,
    jsonBody: boolean,
    settle: (outcome: CallOutcome) => void,
  ): void {
    if (this.state === 'disposed')
      return settle({ ok: false, error: toErrorRecord(RuntimeErrors.RT_DISPOSED()), fromExtension: false });
    if (this.state !== 'ready' || !this.current)
      return settle({
        ok: false,
        error: this.failure ?? toErrorRecord(RuntimeErrors.RT_INTERNAL()),
        fromExtension: false,
      });
    const callId = ++this.callSeq;
    const loaded = this.current;
    this.calls.set(callId, { resolve: settle, deadline: performance.now() + this.limits.wallTimeoutMs });
    if (!this.wallTimer) this.armWallTimer(this.limits.wallTimeoutMs);
    this.enter('call', callId, () =>
      loaded.invoke.applySync(undefined, [callId, handler, args, accountability, jsonBody], {
        arguments: { copy: true },
        timeout: this.limits.cpuTimeoutMs,
      }),
    );
  }

  /** Answer a capability call made through `ports.capability`. */
  resolveCapability(id: number, ok: boolean, value: unknown): void {
    if (!this.capabilityIds.delete(id) || !this.current) return;
    if (this.depth > 0) {
      this.capabilityIds.add(id);
      queueMicrotask(() => this.resolveCapability(id, ok, value));
      return;
    }
    const loaded = this.current;
    const before = loaded.isolate.cpuTime;
    this.enter('continuation', 0, () => {
      try {
        loaded.resolve.applySync(undefined, [id, ok, value], {
          arguments: { copy: true },
          timeout: this.limits.cpuTimeoutMs,
        });
      } catch (err) {
        if (classifyEntryError(err, loaded.isolate.isDisposed, false) !== 'other') throw err;
        const fallback = toErrorRecord(RuntimeErrors.RT_CAPABILITY_FAILED({ capability: 'result' }));
        loaded.resolve.applySync(undefined, [id, false, fallback], {
          arguments: { copy: true },
          timeout: this.limits.cpuTimeoutMs,
        });
      }
    });
    if (
      loaded === this.current &&
      !loaded.isolate.isDisposed &&
      this.continuationCpu.charge(loaded.isolate.cpuTime - before)
    ) {
      const error = toErrorRecord(RuntimeErrors.RT_CPU_HOG());
      this.fault(error);
      this.recreate('background CPU use after awaited calls', error);
    }
  }

  /** CPU time of this extension across re-created isolates (ms) and the current heap. */
  snapshot(): { cpuMs: number; heapUsedBytes: number } {
    const iso = this.current?.isolate;
    if (!iso || iso.isDisposed) return { cpuMs: Number(this.cpuBaseNs) / 1e6, heapUsedBytes: 0 };
    const heap = iso.getHeapStatisticsSync();
    return {
      cpuMs: Number(this.cpuBaseNs + iso.cpuTime) / 1e6,
      heapUsedBytes: heap.used_heap_size + heap.externally_allocated_size,
    };
  }

  /** CPU time only (cheap: no heap statistics). */
  cpuMs(): number {
    const iso = this.current?.isolate;
    return Number(this.cpuBaseNs + (iso && !iso.isDisposed ? iso.cpuTime : 0n)) / 1e6;
  }

  get inFlight(): number {
    return this.calls.size;
  }

  isAlive(): boolean {
    return this.state === 'ready' && !!this.current && !this.current.isolate.isDisposed;
  }

  dispose(): void {
    if (this.state === 'disposed') return;
    this.state = 'disposed';
    this.failAll(toErrorRecord(RuntimeErrors.RT_DISPOSED()));
    this.teardown();
  }

  // ---- entries and faults

  private enter(kind: Entry, callId: number, run: () => void): void {
    const loaded = this.current;
    if (!loaded) return;
    const outer = this.depth === 0;
    let started = 0;
    if (outer) {
      peakWatch.begin();
      started = performance.now();
      this.refusals = 0;
    }
    this.depth++;
    this.ports.entry?.(kind);
    let failure: { err: unknown } | undefined;
    try {
      run();
    } catch (err) {
      failure = { err };
    }
    this.ports.entry?.(null);
    this.depth--;
    // An allocation V8 let through the limit (a flattened huge string): see peak-memory.ts.
    const growth = outer ? peakWatch.end(performance.now() - started) : undefined;
    const spiked = growth !== undefined && growth.growthKb > overshootKb(this.limits.memoryMb);
    if (spiked) peakWatch.markStale(growth.beforeKb);
    // A string the bootstrap refused before allocating it (85-string-caps.js): the same fault, even if the extension caught it.
    const capped = outer && this.stringCapped;
    if (outer) this.stringCapped = false;
    if ((spiked || capped) && loaded === this.current) {
      // Whatever else the entry did (answered, threw, hit isolated-vm's own limit): one memory fault.
      const error = toErrorRecord(RuntimeErrors.RT_MEMORY_LIMIT({ limitMb: this.limits.memoryMb }));
      this.fault(error);
      this.recreate('an allocation past the memory limit', error);
    } else {
      // Outcomes reported during the entry stand, even if it then threw (a failing microtask after the answer).
      this.flushFinished();
      if (failure) this.onEntryError(kind, callId, failure.err, loaded);
    }
    this.flushFinished();
  }

  /** Settles the outcomes reported during the entry, once it is over (after its memory check). */
  private flushFinished(): void {
    if (this.depth > 0 || this.finished.length === 0) return;
    for (const [id, outcome] of this.finished.splice(0)) this.settle(id, outcome);
  }

  private onEntryError(kind: Entry, callId: number, err: unknown, loaded: LoadedIsolate): void {
    if (loaded !== this.current) return;
    if (this.killed) {
      const error = this.killed;
      this.killed = undefined;
      this.fault(error);
      this.recreate('a loop retrying refused calls', error);
      return;
    }
    const failure = classifyEntryError(err, loaded.isolate.isDisposed, this.state === 'disposed');
    if (failure === 'memory') {
      const error = toErrorRecord(RuntimeErrors.RT_MEMORY_LIMIT({ limitMb: this.limits.memoryMb }));
      this.fault(error);
      this.recreate('memory limit', error);
    } else if (failure === 'timeout') {
      const error = toErrorRecord(RuntimeErrors.RT_TIMEOUT({ kind: 'cpu', limitMs: this.limits.cpuTimeoutMs }));
      this.fault(error);
      if (kind === 'call') {
        this.settle(callId, { ok: false, error, fromExtension: false });
        // Loops the cut call started (capability calls, timers) would go on in the background: end them with the isolate.
        if (this.capabilityIds.size > 0 || this.timers.size > 0) {
          this.recreateWhenIdle = true;
          this.maybeRecreateWhenIdle();
        }
      } else {
        /* The cut may have hit any call's continuation: nothing in this isolate can be trusted to settle. */
        this.recreate(`CPU timeout in a ${kind}`, error);
      }
    } else if (kind === 'call') {
      this.settle(callId, {
        ok: false,
        error: toErrorRecord(RuntimeErrors.INVALID_PAYLOAD({ reason: 'arguments cannot be copied into the sandbox' })),
        fromExtension: false,
      });
    }
  }

  private armWallTimer(ms: number): void {
    clearTimeout(this.wallTimer);
    this.wallTimer = setTimeout(() => this.sweepWallDeadlines(), Math.max(1, Math.ceil(ms)));
  }

  /** Fail the calls past their wall deadline (the oldest first) and arm the timer for the next one. */
  private sweepWallDeadlines(): void {
    this.wallTimer = undefined;
    const now = performance.now();
    for (const [callId, call] of this.calls) {
      if (call.deadline > now) return this.armWallTimer(call.deadline - now);
      this.onWallTimeout(callId);
    }
  }

  private onWallTimeout(callId: number): void {
    if (!this.calls.has(callId)) return;
    const error = toErrorRecord(RuntimeErrors.RT_TIMEOUT({ kind: 'wall', limitMs: this.limits.wallTimeoutMs }));
    this.fault(error);
    this.settle(callId, { ok: false, error, fromExtension: false });
    /* Work the timed-out call left behind (capability calls, timers) keeps the isolate busy: re-create it once nothing else is in flight. */
    if (this.capabilityIds.size > 0 || this.timers.size > 0) {
      this.recreateWhenIdle = true;
      this.maybeRecreateWhenIdle();
    }
  }

  private maybeRecreateWhenIdle(): void {
    if (this.depth > 0) {
      setImmediate(() => this.maybeRecreateWhenIdle());
      return;
    }
    if (this.recreateWhenIdle && this.calls.size === 0 && this.state === 'ready') {
      this.recreateWhenIdle = false;
      this.recreate(
        'wall-clock timeout left work behind',
        toErrorRecord(RuntimeErrors.RT_TIMEOUT({ kind: 'wall', limitMs: this.limits.wallTimeoutMs })),
      );
    }
  }

  private fault(error: ErrorRecord): void {
    this.ports.event({ type: 'fault', error });
  }

  private settle(callId: number, outcome: CallOutcome): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    call.resolve(outcome);
    if (this.calls.size === 0) {
      /* Idle: no timer left to keep the process up. */
      clearTimeout(this.wallTimer);
      this.wallTimer = undefined;
      queueMicrotask(() => this.maybeRecreateWhenIdle());
    }
  }

  private failAll(error: ErrorRecord): void {
    for (const id of [...this.calls.keys()]) this.settle(id, { ok: false, error, fromExtension: false });
  }

  private teardown(): void {
    this.timers.clear();
    this.continuationCpu.reset();
    this.capabilityIds.clear();
    const loaded = this.current;
    this.current = undefined;
    if (loaded) {
      if (!loaded.isolate.isDisposed) {
        this.cpuBaseNs += loaded.isolate.cpuTime;
        loaded.isolate.dispose();
      }
    }
  }

  /** `recreate` once no entry is running (the request came from inside the isolate). */
  private recreateOutside(reason: string, error: ErrorRecord): void {
    const loaded = this.current;
    setImmediate(() => {
      if (loaded !== this.current) return;
      if (this.depth > 0) return this.recreateOutside(reason, error);
      this.recreate(reason, error);
    });
  }

  /** Replace the isolate with a fresh one from the spec; calls in flight fail with `error`. */
  private recreate(reason: string, error: ErrorRecord): void {
    if (this.state === 'disposed') return;
    this.failAll(error);
    const before = JSON.stringify(this.registrations);
    this.teardown();
    try {
      const reg = this.load();
      if (JSON.stringify(reg) !== before) throw RuntimeErrors.RT_RELOAD_MISMATCH();
    } catch (err) {
      this.state = 'failed';
      this.failure = toErrorRecord(err, 'RT_LOAD_FAILED');
      this.teardown();
      this.fault(this.failure);
    }
    this.ports.event({ type: 'recreated', reason });
  }

  // ---- callbacks from the isolate (synchronous, on this thread)

  private onSend(name: unknown, args: unknown, token: unknown): number | ErrorRecord {
    const cap = typeof name === 'string' ? getCapabilityEntry(name) : undefined;
    if (!cap || cap.mode === 'local') return toErrorRecord(RuntimeErrors.FORBIDDEN({ reason: 'unknown capability' }));
    if (!Array.isArray(args))
      return toErrorRecord(RuntimeErrors.INVALID_PAYLOAD({ reason: 'arguments must be a list' }));
    if (cap.mode === 'async' && this.capabilityIds.size >= this.limits.maxPendingCapabilityCalls)
      return this.refuse(this.busyRecord);
    const size = measurePayload(args, this.limits.maxPayloadBytes);
    if (!size.ok) {
      return toErrorRecord(
        size.reason === 'too-large'
          ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit: this.limits.maxPayloadBytes })
          : RuntimeErrors.INVALID_PAYLOAD({ reason: `arguments are ${size.reason}` }),
      );
    }
    if (cap.mode === 'fire') {
      const { pass, notice } = this.logLimiter.take();
      if (notice) this.ports.log('warn', notice);
      // A log line is capped like a console line (not only by the payload limit).
      if (pass) this.ports.fire(cap.name, cap.name === 'log' ? [logLine(args[0])] : args);
      return 0;
    }
    if (cap.mode === 'async') {
      if (!this.capabilityRate.take()) return this.overRate(this.rateRecord);
      if (this.calls.size === 0 && !this.backgroundRate.take()) return this.overRate(this.backgroundRateRecord);
    }
    const id = ++this.capabilitySeq;
    this.capabilityIds.add(id);
    this.ports.capability(id, cap.name, args, typeof token === 'string' ? token : null);
    return id;
  }

  /**
   * A capability call over a rate: a fault, counted once a second while the flood lasts, so it
   * leads to quarantine. A flood lasting past a second is loops no refusal stops: the isolate is
   * re-created, ending them.
   */
  private overRate(record: ErrorRecord): ErrorRecord {
    if (this.rateFaultDue()) {
      const now = performance.now();
      const sustained = now - this.lastRateFault < 2500;
      this.lastRateFault = now;
      this.fault(record);
      if (sustained) this.recreateOutside('capability calls over the rate limit', record);
    }
    return this.refuse(record);
  }

  /**
   * A refused call. So many in one entry are a loop retrying refusals: it never yields, so the
   * isolate is disposed at once (ending the entry) and re-created, instead of spinning the worker's
   * thread up to the CPU timeout.
   */
  private refuse(record: ErrorRecord): ErrorRecord {
    if (++this.refusals > REFUSAL_FLOOD && this.current && !this.killed) {
      this.killed = toErrorRecord(RuntimeErrors.RT_CPU_HOG());
      this.current.isolate.dispose();
    }
    return record;
  }

  private onLog(level: unknown, message: unknown): void {
    const { pass, notice } = this.logLimiter.take();
    if (notice) this.ports.log('warn', notice);
    if (!pass) return;
    const lvl: LogLevel = level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
    this.ports.log(lvl, logLine(message));
  }

  /** A due timer: a bounded synchronous run; returns the CPU it used, or null if it did not run. */
  private fireTimer(id: number): bigint | null {
    const loaded = this.current;
    if (!loaded || loaded.isolate.isDisposed) return null;
    const before = loaded.isolate.cpuTime;
    this.enter('timer', 0, () =>
      loaded.fire.applySync(undefined, [id], { arguments: { copy: true }, timeout: this.limits.cpuTimeoutMs }),
    );
    return loaded === this.current && !loaded.isolate.isDisposed ? loaded.isolate.cpuTime - before : null;
  }

  /** A call's outcome reported from inside the isolate: settled when the entry ends (after its memory check). */
  private finish(callId: number, outcome: CallOutcome): void {
    if (this.depth > 0) this.finished.push([callId, outcome]);
    else this.settle(callId, outcome);
  }

  private onDone(callId: unknown, ok: unknown, value: unknown, fromExtension: unknown): void {
    if (typeof callId !== 'number' || !this.calls.has(callId)) return;
    if (ok !== true) {
      const record = extensionErrorRecord(value, fromExtension === true ? this.mapStack : (s) => s);
      const denied =
        fromExtension === true && value && typeof value === 'object'
          ? dynamicImportDenial(value, this.spec)
          : undefined;
      const error = denied ? { ...toErrorRecord(denied), ...(record.stack ? { stack: record.stack } : {}) } : record;
      // The runtime's own size check in the isolate: an oversized result is a fault of the extension.
      if (fromExtension !== true && error.code === 'RT_PAYLOAD_TOO_LARGE') this.fault(error);
      this.finish(callId, { ok: false, error, fromExtension: fromExtension === true });
      return;
    }
    const size = measurePayload(value, this.limits.maxPayloadBytes);
    if (!size.ok) {
      const error = toErrorRecord(
        size.reason === 'too-large'
          ? RuntimeErrors.RT_PAYLOAD_TOO_LARGE({ limit: this.limits.maxPayloadBytes })
          : RuntimeErrors.RT_RESULT_NOT_CLONEABLE(),
      );
      if (size.reason === 'too-large') this.fault(error);
      this.finish(callId, { ok: false, error, fromExtension: false });
      return;
    }
    this.finish(callId, { ok: true, value });
  }
}
