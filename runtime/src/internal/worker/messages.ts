import type { ErrorRecord } from '@annex/protocol';
import type { SandboxExtensionSpec, SandboxLimits, SandboxRegistrations } from '../../types.js';
import type { CallOutcome } from '../isolate/outcome.js';
import type { WireArgs } from '../instance.js';
import type { LogLevel, SandboxLocalEvent } from '../isolate/sandbox.js';

/** Parent → worker. `key` names one loaded instance inside the worker. */
export type ToWorker =
  | { t: 'load'; rid: number; key: string; spec: SandboxExtensionSpec; limits: SandboxLimits }
  | { t: 'call'; cid: number; key: string; handler: number; args: WireArgs; acc: unknown; jb?: true }
  | { t: 'capres'; key: string; id: number; ok: boolean; value: unknown }
  | { t: 'dispose'; key: string }
  | { t: 'count'; rid: number }
  | { t: 'ping' };

export interface Snapshot {
  key: string;
  cpuMs: number;
  heapUsedBytes: number;
}

/** Worker → parent. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'loaded'; rid: number; ok: true; registrations: SandboxRegistrations }
  | { t: 'loaded'; rid: number; ok: false; error: ErrorRecord }
  | { t: 'result'; cid: number; outcome: CallOutcome; cpuMs: number }
  | { t: 'cap'; key: string; id: number; name: string; args: unknown[]; token: string | null }
  | { t: 'fire'; key: string; name: string; args: unknown[] }
  | { t: 'log'; key: string; level: LogLevel; message: string }
  | { t: 'event'; key: string; event: SandboxLocalEvent }
  | { t: 'fatal'; key: string; message: string }
  | { t: 'count'; rid: number; n: number }
  | { t: 'stats'; items: Snapshot[] }
  | { t: 'pong' };
