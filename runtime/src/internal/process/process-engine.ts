import { existsSync } from 'node:fs';
import type { SandboxEngine, SandboxEngineOptions, SandboxExtensionSpec, SandboxInstance } from '../../types.js';
import { RuntimeErrors } from '../../errors.js';
import { createInstance } from '../instance.js';
import { prepareLoad } from '../prepare-load.js';
import { WorkerSlot, type SlotInstance } from './worker-slot.js';
import { getWorkerEntry } from './worker-entry.js';

/** The worker entry a new engine starts its processes from (src/internal/process/worker-entry.ts). */
export function resolveWorkerPath(): string {
  return getWorkerEntry();
}

/**
 * The default engine: isolates live in supervised worker processes. Capability calls come back
 * to this process, where the gate checks them and the CapabilityHost runs them, so a worker
 * holds no authority of its own.
 */
export function createProcessEngine(options: SandboxEngineOptions): SandboxEngine {
  const workerPath = resolveWorkerPath();
  if (!existsSync(workerPath))
    throw RuntimeErrors.RT_INTERNAL(
      {},
      { details: { reason: 'the runtime is not built (dist/internal/worker/main.js is missing)' } },
    );
  const max = Math.max(1, Math.floor(options.workers ?? 2));
  const perWorker = Math.max(0, Math.floor(options.instancesPerWorker ?? 0));
  const emit = options.onEvent ?? (() => {});
  /* Workers start when a load needs them, not with the engine: an idle host pays for one process, not `max`. */
  const slots: WorkerSlot[] = [];
  const slotAt = (index: number): WorkerSlot => {
    // Indices stay dense (workers()[i] is worker i), so starting worker i starts the ones below it too.
    while (slots.length <= index)
      slots.push(
        new WorkerSlot(slots.length, {
          workerPath,
          logger: options.logger,
          emit,
          hangTimeoutMs: options.hangTimeoutMs ?? 15_000,
        }),
      );
    return slots[index];
  };
  const instances = new Set<SandboxInstance>();
  let keySeq = 0;
  let closed = false;

  function pick(spec: SandboxExtensionSpec): WorkerSlot {
    if (typeof spec.worker === 'number' && Number.isInteger(spec.worker) && spec.worker >= 0)
      return slotAt(spec.worker % max);
    const load = (s: WorkerSlot) => s.instances.size + s.loading;
    const best = slots.length ? slots.reduce((b, s) => (load(s) < load(b) ? s : b), slots[0]) : undefined;
    if (!best || (load(best) >= perWorker && slots.length < max)) return slotAt(slots.length);
    return best;
  }

  async function load(input: SandboxExtensionSpec): Promise<SandboxInstance> {
    if (closed) throw RuntimeErrors.RT_ENGINE_CLOSED();
    const { spec, limits, state, gate } = await prepareLoad(input, options, emit);
    const slot = pick(spec);
    const inst: SlotInstance = { key: `${++keySeq}:${spec.id}`, spec, limits, state, gate, cpuBase: 0, lastCpu: 0 };
    const registrations = await slot.load(inst);
    const instance = createInstance(state, registrations, {
      worker: slot.index,
      invoke: (handler, args, acc, ticket, jsonBody) => slot.call(inst, handler, args, acc, ticket, jsonBody),
      refreshStats() {
        /* pushed by the worker every second and with every call result */
      },
      async dispose() {
        slot.disposeInstance(inst.key);
        instances.delete(instance);
      },
    });
    instances.add(instance);
    return instance;
  }

  return {
    kind: 'process',
    load,
    async isolateCount() {
      const counts = await Promise.all(slots.map((s) => s.count().catch(() => 0)));
      return counts.reduce((a, b) => a + b, 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...instances].map((i) => i.dispose()));
      await Promise.all(slots.map((s) => s.close()));
    },
    warm() {
      if (!closed) slotAt(0);
    },
    workers() {
      return slots.map((s) => ({
        index: s.index,
        pid: s.pid,
        instances: [...s.instances.values()].map((i) => i.spec.id),
        restarts: s.restarts,
        state: s.state,
      }));
    },
    async killWorker(index: number) {
      const slot = slots[index];
      if (!slot) throw RuntimeErrors.RT_INVALID_SPEC({ reason: `no worker ${index}` });
      await slot.kill();
    },
  };
}
