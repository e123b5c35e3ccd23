import type { Logger } from '../logger.js';
import type { RoleAccess } from './access.js';
import type { PackageRecord } from './record.js';
import type { Settings } from './settings.js';
import type { ExtensionState } from './types.js';

/** What the manager's state machine lends the modules built around it (admin commands, cluster refresh). */
export interface ManagerCore {
  settings: Settings;
  access: RoleAccess;
  log: Logger;
  records(): Iterable<PackageRecord>;
  find(idOrRowId: string): PackageRecord | undefined;
  /** Serialises work per package key (and `*` for whole-set operations). */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T>;
  activate(rec: PackageRecord): Promise<void>;
  deactivate(rec: PackageRecord, next: ExtensionState, drainMs?: number): Promise<void>;
  liftQuarantine(rec: PackageRecord): Promise<void>;
  /** Tells the cluster an administrator changed something here; resolves once the other hosts applied it (or a bound passed). */
  adminChanged(): Promise<void>;
}
