import type { SandboxInstance } from '@annex/runtime';
import type { ErrorRecord } from '@annex/protocol';
import type { Generation } from './generation.js';
import type { ExtensionScope } from './scope.js';
import type { SettingsRow } from './settings.js';
import type { DiscoveredPackage, ExtensionDescriptor, ExtensionState } from './types.js';

/** Everything the manager tracks for one package folder. */
export interface PackageRecord {
  key: string;
  found: DiscoveredPackage;
  desc?: ExtensionDescriptor;
  row: SettingsRow;
  state: ExtensionState;
  lastError: ErrorRecord | null;
  /** The activation serving now: its generation and what it registered. */
  scope?: ExtensionScope;
  instances: SandboxInstance[];
  activatedAt?: string;
  /** A bundle's entry rows as its last activation read them. */
  childrenSeen?: SettingsRow[];
  /** Counters of generations already retired, so metrics survive reloads and grants. */
  totals: { calls: number; errors: number; wallTimeMs: number };
}

export interface StateChange {
  id: string;
  key: string;
  state: ExtensionState;
  lastError: ErrorRecord | null;
}

/** Adds a retired generation's counters to the package's totals. */
export function retire(rec: PackageRecord, gen: Generation): void {
  rec.totals.calls += gen.calls;
  rec.totals.errors += gen.errors;
  rec.totals.wallTimeMs += gen.wallTimeMs;
}
