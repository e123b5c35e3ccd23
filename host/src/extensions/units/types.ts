import type { CallOptions, SandboxInstance } from '@annex/runtime';
import type { Scopes } from '@annex/protocol';
import type { Accountability } from '../../auth/accountability.js';
import type { Kernel } from '../../kernel.js';
import type { ExtensionScope } from '../scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from '../types.js';

/** What a trusted adapter registers into: the unit, its scope and the context its code receives. */
export interface TrustedUnit {
  kernel: Kernel;
  scope: ExtensionScope;
  desc: ExtensionDescriptor;
  unit: ExtensionUnit;
  context: Record<string, unknown>;
}

/** Calls a handler of the unit's isolate as `accountability`, counted against the scope. */
export type SandboxCall = (
  handler: number,
  args: unknown[],
  accountability: Accountability | null,
  options?: CallOptions,
) => Promise<unknown>;

/** What a sandboxed adapter maps: what the isolate registered at load, and how to call it. */
export interface SandboxedUnit {
  kernel: Kernel;
  scope: ExtensionScope;
  unit: ExtensionUnit;
  registrations: SandboxInstance['registrations'];
  granted: Scopes;
  call: SandboxCall;
}

/**
 * One unit type, registered two ways over the same scope: `trusted` runs the extension's own
 * code in the host (its result may be a promise the caller bounds with a timeout); `sandboxed`
 * maps what an isolate registered.
 */
export interface UnitRegistrar {
  trusted(unit: TrustedUnit, config: unknown): unknown;
  sandboxed(unit: SandboxedUnit): void;
}
