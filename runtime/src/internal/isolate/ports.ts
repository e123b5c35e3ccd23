import type { ErrorRecord } from '@annex/protocol';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Events a sandbox reports outside of call results. */
export type SandboxLocalEvent = { type: 'fault'; error: ErrorRecord } | { type: 'recreated'; reason: string };

/** Where a sandbox sends what leaves the isolate. Implementations must answer asynchronously. */
export interface SandboxPorts {
  /** An `async` capability call; answer with `resolveCapability(id, ...)`. */
  capability(id: number, name: string, args: unknown[], token: string | null): void;
  /** A `fire` capability call (no answer). */
  fire(name: string, args: unknown[]): void;
  /** A console line (already rate-limited). */
  log(level: LogLevel, message: string): void;
  event(event: SandboxLocalEvent): void;
  /** V8 lost control of the isolate; the process must not keep running isolates. */
  catastrophic(message: string): void;
  /** The isolate is about to run (`kind`), or has stopped running (null): for crash attribution. */
  entry?(kind: 'load' | 'call' | 'continuation' | 'timer' | null): void;
}
