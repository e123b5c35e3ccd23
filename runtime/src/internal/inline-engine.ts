import type { SandboxEngine, SandboxEngineOptions, SandboxExtensionSpec, SandboxInstance } from '../types.js';
import { RuntimeErrors } from '../errors.js';
import { toErrorRecord } from '@annex/protocol';
import type { IsolateSandbox } from './isolate/sandbox.js';
import { createInstance } from './instance.js';
import { prepareLoad } from './prepare-load.js';

/*
 * isolated-vm (a native addon, and the isolate code around it) loads on the first load(), not when
 * the package is imported: a host on the process engine imports this package for its request
 * client and error table and never runs an isolate itself (issue 20: boot).
 */
type IsolateModules = { IsolateSandbox: typeof IsolateSandbox; releaseSpareIsolate: () => void };
let isolateModules: Promise<IsolateModules> | undefined;
function loadIsolateModules(): Promise<IsolateModules> {
  isolateModules ??= Promise.all([import('./isolate/sandbox.js'), import('./isolate/load.js')]).then(
    ([sandbox, load]) => ({
      IsolateSandbox: sandbox.IsolateSandbox,
      releaseSpareIsolate: load.releaseSpareIsolate,
    }),
  );
  return isolateModules;
}

/**
 * The in-process engine: the same isolates, run on this thread. For trusted code and tests:
 * a CPU-bound extension blocks this event loop for up to its CPU timeout, and a V8 crash in an
 * isolate takes this process with it.
 */
export function createInlineEngine(options: SandboxEngineOptions): SandboxEngine {
  /* isolated-vm on Node >= 20 aborts the process without this flag (isolated-vm #420). */
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 20 && !process.execArgv.includes('--no-node-snapshot')) {
    throw RuntimeErrors.RT_INVALID_SPEC({
      reason: 'the inline engine needs this process to run with node --no-node-snapshot',
    });
  }
  const live = new Set<IsolateSandbox>();
  const instances = new Set<SandboxInstance>();
  let closed = false;
  const emit = options.onEvent ?? (() => {});

  async function load(input: SandboxExtensionSpec): Promise<SandboxInstance> {
    if (closed) throw RuntimeErrors.RT_ENGINE_CLOSED();
    const { IsolateSandbox } = await loadIsolateModules();
    const { spec, limits, state, gate } = await prepareLoad(input, options, emit);
    const sandbox: IsolateSandbox = new IsolateSandbox(
      spec,
      limits,
      {
        capability: (id, name, args, token) =>
          void gate
            .call(name, args, token)
            .then((env) => sandbox.resolveCapability(id, env.ok, env.ok ? env.value : env.error)),
        fire: (name, args) => gate.fire(name, args),
        log: (level, message) => gate.log(level, message),
        event: (event) => {
          if (event.type === 'fault') state.recordFault(event.error);
          else emit({ type: 'recreated', id: spec.id, reason: event.reason });
        },
        catastrophic: (message) => {
          options.logger?.error({ extension: spec.id, message }, 'catastrophic isolate error (inline engine)');
          state.recordFault(toErrorRecord(RuntimeErrors.RT_INTERNAL()));
        },
      },
      { unrefTimers: true },
    );
    const registrations = sandbox.load();
    live.add(sandbox);
    const instance = createInstance(state, registrations, {
      worker: undefined,
      invoke: (handler, args, accountability, _ticket, jsonBody) =>
        sandbox.invoke(handler, args, accountability, jsonBody),
      refreshStats() {
        const snap = sandbox.snapshot();
        state.cpuTimeMs = snap.cpuMs;
        state.heapUsedBytes = snap.heapUsedBytes;
      },
      async dispose() {
        sandbox.dispose();
        live.delete(sandbox);
        instances.delete(instance);
      },
    });
    instances.add(instance);
    return instance;
  }

  return {
    kind: 'inline',
    load,
    async isolateCount() {
      return [...live].filter((s) => s.isAlive()).length;
    },
    async close() {
      closed = true;
      await Promise.all([...instances].map((i) => i.dispose()));
      if (isolateModules) (await isolateModules).releaseSpareIsolate();
    },
    workers: () => [],
    async killWorker() {
      throw RuntimeErrors.RT_INVALID_SPEC({ reason: 'the inline engine has no workers' });
    },
  };
}
