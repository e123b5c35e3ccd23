import type { ErrorRecord, ExtensionOptions, NestedExtensionType, Scopes } from '@annex/protocol';

export type ExtensionSource = 'builtin' | 'local' | 'registry' | 'module';

/** Lifecycle states; every change is an event, visible in settings and over the API. */
export type ExtensionState =
  | 'discovered'
  | 'validated'
  | 'pending' // waiting for an admin to grant requested scopes
  | 'activating'
  | 'active'
  | 'deactivating'
  | 'inactive' // disabled
  | 'failed'
  | 'quarantined';

/** A package folder found on disk, before validation. */
export interface DiscoveredPackage {
  source: ExtensionSource;
  /** Settings key: folder name (local), version id (registry), package name (module), folder (builtin). */
  folder: string;
  dir: string;
  pkg: unknown;
  readError?: ErrorRecord;
}

/** One loadable unit: a whole extension, or one entry of a bundle (`<package>/<entry>`). */
export interface ExtensionUnit {
  id: string;
  /** Mount name / operation id source: manifest name, or the bundle entry name. */
  name: string;
  type: NestedExtensionType;
  /** Absolute entry files (api and/or app). */
  entry: { api?: string; app?: string };
  sandboxed: boolean;
  requestedScopes: Scopes;
}

/** A validated extension package. */
export interface ExtensionDescriptor {
  id: string;
  name: string;
  version: string;
  type: ExtensionOptions['type'];
  source: ExtensionSource;
  folder: string;
  dir: string;
  host: string;
  locked: boolean;
  required: boolean;
  /** Absolute folder of the package's database migrations (`annex.migrations`). */
  migrations?: string;
  description?: string;
  icon?: string;
  /** Bundle: partial = entries may be toggled one by one (default true, as Directus). */
  partial: boolean;
  units: ExtensionUnit[];
  options: ExtensionOptions;
}

/** What the manager knows about a package (valid or not) at any time. */
export interface ExtensionStatus {
  id: string;
  source: ExtensionSource;
  folder: string;
  state: ExtensionState;
  lastError: ErrorRecord | null;
  descriptor?: ExtensionDescriptor;
}
