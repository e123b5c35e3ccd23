import { toErrorRecord, type ErrorRecord } from '@annex/protocol';
import type {
  RuntimeLogger,
  SandboxEvent,
  SandboxExtensionSpec,
  SandboxLimits,
  SandboxRegistrations,
  SandboxWorkerInfo,
} from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import type { Gate } from '../gate.js';
import type { CallTicket, InstanceState } from '../instance-state.js';
import type { CallOutcome } from '../isolate/outcome.js';
import { errorFromRecord, type WireArgs } from '../instance.js';
import type { FromWorker, ToWorker } from '../worker/messages.js';
import { triageCrash } from './crash-triage.js';
import { WorkerConnection } from './worker-connection.js';
import { routeInstanceMessage } from './instance-messages.js';

/** One instance as its worker slot knows it (survives worker restarts). */
export interface SlotInstance {
  key: string;
  spec: SandboxExtensionSpec;
  limits: SandboxLimits;
  state: InstanceState;
  gate: Gate;
  registrations?: SandboxRegistrations;
  /** Set when a restart could not load it again; its calls fail with this. */
  failed?: ErrorRecord;
  /** Quarantined when its worker restarted, so not loaded there; loaded again on its next call after a reset. */
  unloaded?: boolean;
  /** CPU ms spent in earlier lives of the worker. */
  cpuBase: number;
  lastCpu: number;
}

interface Call {
  cid: number;
  inst: SlotInstance;
  message: Extract<ToWorker, { t: 'call' }>;
  ticket: CallTicket;
  sentTo: WorkerConnection | undefined;
  /** When the parent stops waiting for a silent worker (checked by the heartbeat). */
  deadline: number;
  /** In flight when the worker died without naming a culprit: re-sent alone after the restart. */
  replay?: boolean;
  onSettled?: () => void;
  settle: (outcome: CallOutcome) => void;
}

export interface SlotContext {
  workerPath: string;
  logger?: RuntimeLogger;
  emit: (event: SandboxEvent) => void;
  hangTimeoutMs: number;
}

/** Grace beyond an instance's wall budget before the parent gives up on a silent worker. */
const BACKSTOP_GRACE_MS = 5000;

const crashed = (): CallOutcome => ({
  ok: false,
  error: toErrorRecord(RuntimeErrors.RT_WORKER_CRASHED()),
  fromExtension: false,
});

/**
 * Supervises one sandbox worker process: spawns it, routes IPC, and when it dies restarts it
 * (with backoff) and loads its instances again. Calls that were in flight are re-sent if no
 * capability with outside effects ran while they did; the re-sends run one at a time before
 * anything else, so a call that kills the worker again is identified and fails with
 * RT_WORKER_CRASHED, counting a fault for its extension. A worker that names the culprit
 * (catastrophic isolate error) gets the same treatment at once.
 */
export class WorkerSlot {
  readonly instances = new Map<string, SlotInstance>();
  state: SandboxWorkerInfo['state'] = 'starting';
  /** Loads in progress, counted for placement. */
  loading = 0;
  restarts = 0;
  private conn: WorkerConnection | undefined;
  private readonly calls = new Map<number, Call>();
  private seq = 0;
  private readonly fatalKeys = new Map<string, string>();
  private crashTimes: number[] = [];
  private replaying: Call | undefined;
  private ready!: Promise<void>;
  private markReady!: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly index: number,
    private readonly ctx: SlotContext,
  ) {
    this.resetReady();
    this.heartbeat = setInterval(() => this.checkAlive(), Math.min(1000, ctx.hangTimeoutMs / 3));
    this.heartbeat.unref();
    this.spawn();
  }

  get pid(): number | undefined {
    return this.conn?.alive ? this.conn.pid : undefined;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Load an instance into this worker; on success it is reloaded after every restart. */
  async load(inst: SlotInstance): Promise<SandboxRegistrations> {
    this.loading++;
    let reply: FromWorker;
    try {
      await this.ready;
      reply = await this.request({ t: 'load', rid: 0, key: inst.key, spec: inst.spec, limits: inst.limits });
    } finally {
      this.loading--;
    }
    if (reply.t !== 'loaded') throw RuntimeErrors.RT_INTERNAL();
    if (!reply.ok) throw errorFromRecord(reply.error, inst.spec.id);
    inst.registrations = reply.registrations;
    this.instances.set(inst.key, inst);
    return reply.registrations;
  }

  /** Not an async function: the hot path makes one promise per call. */
  call(
    inst: SlotInstance,
    handler: number,
    args: WireArgs,
    acc: unknown,
    ticket: CallTicket,
    jsonBody: boolean,
  ): Promise<CallOutcome> {
    if (inst.failed) return Promise.resolve({ ok: false, error: inst.failed, fromExtension: false });
    if (this.state === 'closed')
      return Promise.resolve({
        ok: false,
        error: toErrorRecord(RuntimeErrors.RT_ENGINE_CLOSED()),
        fromExtension: false,
      });
    if (inst.unloaded) return this.reloadThenCall(inst, handler, args, acc, ticket, jsonBody);
    return new Promise((resolve) => {
      const cid = ++this.seq;
      const call: Call = {
        cid,
        inst,
        ticket,
        sentTo: undefined,
        deadline: Date.now() + inst.limits.wallTimeoutMs + BACKSTOP_GRACE_MS,
        message: { t: 'call', cid, key: inst.key, handler, args, acc, ...(jsonBody ? { jb: true as const } : {}) },
        settle: (outcome) => {
          this.calls.delete(cid);
          resolve(outcome);
          call.onSettled?.();
        },
      };
      this.calls.set(cid, call);
      if (this.state === 'ready') this.dispatch(call);
    });
  }

  /** Its quarantine was lifted since the worker restarted without it: load it, then call. */
  private async reloadThenCall(
    inst: SlotInstance,
    handler: number,
    args: WireArgs,
    acc: unknown,
    ticket: CallTicket,
    jsonBody: boolean,
  ): Promise<CallOutcome> {
    try {
      inst.unloaded = false;
      await this.load(inst);
    } catch (err) {
      inst.unloaded = true;
      return { ok: false, error: toErrorRecord(err, 'RT_LOAD_FAILED'), fromExtension: false };
    }
    return this.call(inst, handler, args, acc, ticket, jsonBody);
  }

  disposeInstance(key: string): void {
    this.instances.delete(key);
    for (const call of [...this.calls.values()])
      if (call.inst.key === key)
        call.settle({ ok: false, error: toErrorRecord(RuntimeErrors.RT_DISPOSED()), fromExtension: false });
    this.send({ t: 'dispose', key });
  }

  async count(): Promise<number> {
    if (this.state === 'closed') return 0;
    await this.ready;
    const reply = await this.request({ t: 'count', rid: 0 });
    return reply.t === 'count' ? reply.n : 0;
  }

  /** SIGKILL the worker (tests, operators); the supervisor restarts it. Resolves once it exited. */
  kill(): Promise<void> {
    return this.conn?.kill() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearInterval(this.heartbeat);
    for (const call of [...this.calls.values()])
      call.settle({ ok: false, error: toErrorRecord(RuntimeErrors.RT_ENGINE_CLOSED()), fromExtension: false });
    this.conn?.failRequests(RuntimeErrors.RT_ENGINE_CLOSED());
    await this.conn?.close();
  }

  // ---- process lifecycle

  private resetReady(): void {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private spawn(): void {
    this.conn = new WorkerConnection(this.ctx.workerPath, this.index, this.ctx.logger, {
      ready: (conn) => void this.onWorkerReady(conn),
      message: (conn, m) => conn === this.conn && this.onMessage(conn, m),
      exit: (conn, code, signal) => this.onExit(conn, code, signal),
    });
  }

  private async onWorkerReady(conn: WorkerConnection): Promise<void> {
    for (const inst of [...this.instances.values()]) {
      // Disposed while this worker started: not loaded again (nobody could dispose it then).
      if (inst.failed || !this.instances.has(inst.key)) continue;
      // A quarantined instance (it may be what keeps crashing the worker) waits for its reset.
      if (inst.state.quarantined) {
        inst.unloaded = true;
        continue;
      }
      inst.unloaded = false;
      try {
        const reply = await this.request({ t: 'load', rid: 0, key: inst.key, spec: inst.spec, limits: inst.limits });
        if (!this.instances.has(inst.key)) {
          this.send({ t: 'dispose', key: inst.key });
          continue;
        }
        if (reply.t !== 'loaded') continue;
        if (!reply.ok) inst.failed = reply.error;
        else if (JSON.stringify(reply.registrations) !== JSON.stringify(inst.registrations))
          inst.failed = toErrorRecord(RuntimeErrors.RT_RELOAD_MISMATCH());
        if (inst.failed) inst.state.recordFault(inst.failed);
      } catch {
        return; /* the new worker died too; its exit handler takes over */
      }
    }
    for (const call of [...this.calls.values()])
      if (call.inst.failed) call.settle({ ok: false, error: call.inst.failed, fromExtension: false });
    /* Replays run one at a time, before anything else: if one crashes the worker again, it is the culprit. */
    const replays = [...this.calls.values()].filter((c) => c.replay).sort((a, b) => a.cid - b.cid);
    for (const call of replays) {
      if (conn !== this.conn || this.state === 'closed') return;
      if (!this.calls.has(call.cid)) continue;
      call.replay = false;
      this.replaying = call;
      await new Promise<void>((resolve) => {
        call.onSettled = resolve;
        this.dispatch(call);
      });
      this.replaying = undefined;
    }
    if (conn !== this.conn || this.state === 'closed') return;
    const restarted = this.state === 'restarting';
    this.state = 'ready';
    this.markReady();
    for (const call of [...this.calls.values()]) if (call.sentTo !== conn) this.dispatch(call);
    if (restarted) this.ctx.emit({ type: 'worker-restarted', worker: this.index, pid: conn.pid });
  }

  private onExit(conn: WorkerConnection, code: number | null, signal: NodeJS.Signals | null): void {
    /* An exit while the engine closes is the shutdown itself, not an event. */
    if (conn !== this.conn || this.state === 'closed') return;
    this.ctx.emit({ type: 'worker-exit', worker: this.index, pid: conn.pid, code, signal });
    this.ctx.logger?.warn({ worker: this.index, pid: conn.pid, code, signal }, 'sandbox worker exited; restarting');
    const named = new Map<SlotInstance, string>();
    for (const [key, message] of this.fatalKeys) {
      const inst = this.instances.get(key);
      if (inst) named.set(inst, message);
    }
    this.fatalKeys.clear();
    // Whatever isolate was running when the process died (a timer, a module's top level, a call).
    const noted = conn.takeEntryNote();
    const runningInst = noted ? this.instances.get(noted.key) : undefined;
    if (runningInst && !named.has(runningInst)) named.set(runningInst, `the worker died while it ran (${noted!.kind})`);
    const inFlight = [...this.calls.values()]
      .filter((c) => c.sentTo === conn)
      .map((call) => ({ call, inst: call.inst, sideEffects: call.ticket.sideEffects }));
    const replaying = inFlight.find((c) => c.call === this.replaying);
    this.replaying = undefined;
    const verdict = triageCrash(inFlight, named, replaying);
    for (const { call } of inFlight) call.sentTo = undefined;
    for (const { call } of verdict.fail) call.settle(crashed());
    for (const { call } of verdict.replay) call.replay = true;
    for (const [inst, reason] of verdict.culprits)
      inst.state.recordFault({
        ...toErrorRecord(RuntimeErrors.RT_WORKER_CRASHED()),
        ...(reason ? { details: { reason } } : {}),
      });
    for (const inst of this.instances.values()) {
      inst.cpuBase += inst.lastCpu;
      inst.lastCpu = 0;
    }
    const now = Date.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < 10_000);
    this.crashTimes.push(now);
    this.state = 'restarting';
    this.restarts++;
    this.resetReady();
    const delay = Math.min(50 * 2 ** (this.crashTimes.length - 1), 5000);
    setTimeout(() => {
      if (this.state !== 'closed') this.spawn();
    }, delay).unref();
  }

  /** Calls past their backstop deadline fail with RT_TIMEOUT: the worker never answered them. */
  private sweepBackstops(now: number): void {
    for (const call of [...this.calls.values()]) {
      if (call.deadline > now) continue;
      const error = toErrorRecord(RuntimeErrors.RT_TIMEOUT({ kind: 'wall', limitMs: call.inst.limits.wallTimeoutMs }));
      call.inst.state.recordFault(error);
      call.settle({ ok: false, error, fromExtension: false });
    }
  }

  private checkAlive(): void {
    this.sweepBackstops(Date.now());
    const conn = this.conn;
    if (!conn || !conn.isReady || !conn.alive || this.state === 'closed') return;
    if (Date.now() - conn.lastSeen > this.ctx.hangTimeoutMs) {
      this.ctx.logger?.warn({ worker: this.index, pid: conn.pid }, 'sandbox worker stopped answering; killing it');
      void conn.kill({ blameRunning: true });
      return;
    }
    conn.send({ t: 'ping' });
  }

  // ---- messages

  private dispatch(call: Call): void {
    call.ticket.attempts++;
    call.sentTo = this.conn;
    this.send(call.message);
  }

  private send(message: ToWorker): void {
    this.conn?.send(message);
  }

  private request(message: Extract<ToWorker, { rid: number }>): Promise<FromWorker> {
    return this.conn ? this.conn.request(message) : Promise.reject(RuntimeErrors.RT_WORKER_CRASHED());
  }

  private onMessage(conn: WorkerConnection, m: FromWorker): void {
    switch (m.t) {
      case 'result': {
        const call = this.calls.get(m.cid);
        if (!call) return;
        call.inst.lastCpu = m.cpuMs;
        call.inst.state.cpuTimeMs = call.inst.cpuBase + m.cpuMs;
        call.settle(m.outcome);
        return;
      }
      case 'cap':
      case 'fire':
      case 'log':
      case 'event': {
        const inst = this.instances.get(m.key);
        if (inst) routeInstanceMessage(inst, m, (reply) => this.conn === conn && this.send(reply), this.ctx.emit);
        return;
      }
      case 'fatal':
        this.fatalKeys.set(m.key, m.message);
        return;
      case 'stats':
        for (const item of m.items) {
          const inst = this.instances.get(item.key);
          if (!inst) continue;
          inst.lastCpu = item.cpuMs;
          inst.state.cpuTimeMs = inst.cpuBase + item.cpuMs;
          inst.state.heapUsedBytes = item.heapUsedBytes;
        }
        return;
      default:
        return;
    }
  }
}
