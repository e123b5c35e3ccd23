import type { Knex } from 'knex';
import type { Accountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import { applySnapshotDiff, type ApplyPayload } from '../schema/apply-diff.js';
import type { SchemaStore } from '../schema/schema-store.js';
import {
  assertTree,
  checkSnapshot,
  diffSnapshots,
  isEmptyDiff,
  type Snapshot,
  type SnapshotDiff,
  snapshotHash,
  snapshotOf,
  vendorOf,
} from '../schema/snapshot.js';

function requireAdmin(accountability: Accountability): void {
  if (accountability.admin !== true) throw errors.FORBIDDEN();
}

export interface SchemaServiceKernel {
  knex: Knex;
  schema: SchemaStore;
  emitter: Emitter;
}

/**
 * Directus's SchemaService, for administrators only: `snapshot()` of the project's schema,
 * `diff(snapshot)` against it (null when there is nothing to change), and `apply({hash, diff})`.
 * `/schema/snapshot|diff|apply` and `annex schema` use it; extensions get it in `services`.
 */
export function createSchemaServiceClass(kernel: SchemaServiceKernel) {
  // Read when a method runs (a services namespace is built for every extension; most never use this).
  const vendor = () => vendorOf(kernel.knex.client.config.client);
  return class SchemaService {
    readonly accountability: Accountability;
    constructor(options: { accountability: Accountability }) {
      this.accountability = options.accountability;
    }
    async snapshot(): Promise<Snapshot> {
      requireAdmin(this.accountability);
      return snapshotOf(await kernel.schema.get({ bypassCache: true }), vendor());
    }
    /** `snapshot` checked (another version or vendor only with `force`), compared with this schema. */
    async diff(
      snapshot: unknown,
      options: { currentSnapshot?: Snapshot; force?: boolean } = {},
    ): Promise<SnapshotDiff | null> {
      requireAdmin(this.accountability);
      assertTree(snapshot);
      const wanted = checkSnapshot(snapshot, vendor(), options.force === true);
      const diff = diffSnapshots(options.currentSnapshot ?? (await this.snapshot()), wanted);
      return isEmptyDiff(diff) ? null : diff;
    }
    async apply(payload: ApplyPayload, options: { force?: boolean } = {}): Promise<void> {
      requireAdmin(this.accountability);
      assertTree(payload);
      await applySnapshotDiff({ ...kernel, vendor: vendor() }, payload, options);
    }
    /** Directus's `getHashedSnapshot`: the snapshot with the hash a diff against it carries. */
    getHashedSnapshot(snapshot: Snapshot): Snapshot & { hash: string } {
      return { ...snapshot, hash: snapshotHash(snapshot) };
    }
  };
}
