import type { ChildProcess } from 'node:child_process';
import { toErrorRecord, type ErrorRecord } from '../../protocol/errors.js';
import type { RuntimeLogger, SandboxEvent, SandboxExtensionSpec, SandboxLimits, SandboxRegistrations, SandboxWorkerInfo } from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import type { Gate } from '../gate.js';
import type { CallTicket, InstanceState } from '../instance-state.js';
import type { CallOutcome } from '../isolate/outcome.js';
import { errorFromRecord } from '../instance.js';
import type { FromWorker, ToWorker } from '../worker/messages.js';
import { spawnWorker } from './spawn-worker.js';
import { createOutbox, type Outbox } from './outbox.js';
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
  /** CPU ms spent in earlier lives of the worker. */
  cpuBase: number;
  lastCpu: number;
}

interface Call {
  cid: number;
  inst: SlotInstance;
  message: Extract<ToWorker, { t: 'call' }>;
  ticket: CallTicket;
  sentTo: ChildProcess | undefined;
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

const crashed = (): CallOutcome => ({ ok: false, error: toErrorRecord(RuntimeErrors.RT_WORKER_CRASHED()), fromExtension: false });

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
  private child: ChildProcess | undefined;
  private childReady = false;
  private readonly calls = new Map<number, Call>();
  private readonly requests = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private lastSeen = Date.now();
  private readonly fatalKeys = new Map<string, string>();
  private crashTimes: number[] = [];
  private replaying: Call | undefined;
  private outbox: Outbox<ToWorker> | undefined;
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
    return this.child?.pid;
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

  call(inst: SlotInstance, handler: number, args: unknown[], acc: unknown, ticket: CallTicket): Promise<CallOutcome> {
    if (inst.failed) return Promise.resolve({ ok: false, error: inst.failed, fromExtension: false });
    if (this.state === 'closed') return Promise.resolve({ ok: false, error: toErrorRecord(RuntimeErrors.RT_ENGINE_CLOSED()), fromExtension: false });
    return new Promise((resolve) => {
      const cid = ++this.seq;
      const backstop = setTimeout(() => {
        if (!this.calls.has(cid)) return;
        const error = toErrorRecord(RuntimeErrors.RT_TIMEOUT({ kind: 'wall', limitMs: inst.limits.wallTimeoutMs }));
        inst.state.recordFault(error);
        call.settle({ ok: false, error, fromExtension: false });
      }, inst.limits.wallTimeoutMs + BACKSTOP_GRACE_MS);
      const call: Call = {
        cid,
        inst,
        ticket,
        sentTo: undefined,
        message: { t: 'call', cid, key: inst.key, handler, args, acc },
        settle: (outcome) => {
          clearTimeout(backstop);
          this.calls.delete(cid);
          resolve(outcome);
          call.onSettled?.();
        },
      };
      this.calls.set(cid, call);
      if (this.state === 'ready') this.dispatch(call);
    });
  }

  disposeInstance(key: string): void {
    this.instances.delete(key);
    for (const call of [...this.calls.values()]) if (call.inst.key === key) call.settle({ ok: false, error: toErrorRecord(RuntimeErrors.RT_DISPOSED()), fromExtension: false });
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
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearInterval(this.heartbeat);
    for (const call of [...this.calls.values()]) call.settle({ ok: false, error: toErrorRecord(RuntimeErrors.RT_ENGINE_CLOSED()), fromExtension: false });
    for (const r of this.requests.values()) r.reject(RuntimeErrors.RT_ENGINE_CLOSED());
    this.requests.clear();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      if (child.connected) child.disconnect();
      else child.kill('SIGKILL');
    });
  }

  // ---- process lifecycle

  private resetReady(): void {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private spawn(): void {
    const child = spawnWorker(this.ctx.workerPath, this.index, this.ctx.logger);
    this.child = child;
    this.childReady = false;
    this.lastSeen = Date.now();
    child.on('message', (batch: FromWorker[]) => {
      for (const m of batch) this.onMessage(child, m);
    });
    this.outbox = createOutbox<ToWorker>((batch) => {
      if (!child.connected) return;
      try {
        child.send(batch, (err) => {
          if (err) this.ctx.logger?.debug({ worker: this.index, err }, 'send to sandbox worker failed');
        });
      } catch (err) {
        this.ctx.logger?.debug({ worker: this.index, err }, 'send to sandbox worker failed');
      }
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private async onChildReady(child: ChildProcess): Promise<void> {
    this.childReady = true;
    for (const inst of [...this.instances.values()]) {
      if (inst.failed) continue;
      try {
        const reply = await this.request({ t: 'load', rid: 0, key: inst.key, spec: inst.spec, limits: inst.limits });
        if (reply.t !== 'loaded') continue;
        if (!reply.ok) inst.failed = reply.error;
        else if (JSON.stringify(reply.registrations) !== JSON.stringify(inst.registrations)) inst.failed = toErrorRecord(RuntimeErrors.RT_RELOAD_MISMATCH());
        if (inst.failed) inst.state.recordFault(inst.failed);
      } catch {
        return; /* the new worker died too; its exit handler takes over */
      }
    }
    for (const call of [...this.calls.values()]) if (call.inst.failed) call.settle({ ok: false, error: call.inst.failed, fromExtension: false });
    /* Replays run one at a time, before anything else: if one crashes the worker again, it is the culprit. */
    const replays = [...this.calls.values()].filter((c) => c.replay).sort((a, b) => a.cid - b.cid);
    for (const call of replays) {
      if (child !== this.child || this.state === 'closed') return;
      if (!this.calls.has(call.cid)) continue;
      call.replay = false;
      this.replaying = call;
      await new Promise<void>((resolve) => {
        call.onSettled = resolve;
        this.dispatch(call);
      });
      this.replaying = undefined;
    }
    if (child !== this.child || this.state === 'closed') return;
    const restarted = this.state === 'restarting';
    this.state = 'ready';
    this.markReady();
    for (const call of [...this.calls.values()]) if (call.sentTo !== child) this.dispatch(call);
    if (restarted) this.ctx.emit({ type: 'worker-restarted', worker: this.index, pid: child.pid });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.childReady = false;
    this.ctx.emit({ type: 'worker-exit', worker: this.index, pid: child.pid, code, signal });
    for (const r of this.requests.values()) r.reject(RuntimeErrors.RT_WORKER_CRASHED());
    this.requests.clear();
    if (this.state === 'closed') return;
    this.ctx.logger?.warn({ worker: this.index, pid: child.pid, code, signal }, 'sandbox worker exited; restarting');
    const culprits = new Map<SlotInstance, string | undefined>();
    for (const [key, message] of this.fatalKeys) {
      const inst = this.instances.get(key);
      if (inst) culprits.set(inst, message);
    }
    /* A replay running alone when the worker died again is attributed to its instance. */
    const replaying = this.replaying;
    this.replaying = undefined;
    if (replaying && !culprits.size) culprits.set(replaying.inst, 'crashed the worker again when replayed alone');
    for (const call of [...this.calls.values()]) {
      if (call.sentTo !== child) continue;
      call.sentTo = undefined;
      if (culprits.has(call.inst) || call.ticket.sideEffects) call.settle(crashed());
      else call.replay = true;
    }
    for (const [inst, reason] of culprits) inst.state.recordFault({ ...toErrorRecord(RuntimeErrors.RT_WORKER_CRASHED()), ...(reason ? { details: { reason } } : {}) });
    this.fatalKeys.clear();
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

  private checkAlive(): void {
    const child = this.child;
    if (!child || !this.childReady || this.state === 'closed') return;
    if (Date.now() - this.lastSeen > this.ctx.hangTimeoutMs) {
      this.ctx.logger?.warn({ worker: this.index, pid: child.pid }, 'sandbox worker stopped answering; killing it');
      child.kill('SIGKILL');
      return;
    }
    this.send({ t: 'ping' });
  }

  // ---- messages

  private dispatch(call: Call): void {
    call.ticket.attempts++;
    call.sentTo = this.child;
    this.send(call.message);
  }

  private send(message: ToWorker): void {
    if (this.child?.connected) this.outbox?.push(message);
  }

  private request(message: Extract<ToWorker, { rid: number }>): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      if (!this.child || !this.childReady) return reject(RuntimeErrors.RT_WORKER_CRASHED());
      const rid = ++this.seq;
      this.requests.set(rid, { resolve, reject });
      this.send({ ...message, rid });
    });
  }

  private onMessage(child: ChildProcess, m: FromWorker): void {
    if (child !== this.child) return;
    this.lastSeen = Date.now();
    switch (m.t) {
      case 'ready':
        void this.onChildReady(child);
        return;
      case 'loaded':
      case 'count': {
        const r = this.requests.get(m.rid);
        this.requests.delete(m.rid);
        r?.resolve(m);
        return;
      }
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
        if (inst) routeInstanceMessage(inst, m, (reply) => this.child === child && this.send(reply), this.ctx.emit);
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
      case 'pong':
        return;
    }
  }
}
