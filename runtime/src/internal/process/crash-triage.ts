/** What the supervisor knows about one call when its worker died. */
export interface CrashedCall<I> {
  inst: I;
  /** A capability with outside effects ran while it was in flight. */
  sideEffects: boolean;
}

export interface CrashVerdict<I, C> {
  /** Instances blamed for the crash, with the reason recorded in their fault. */
  culprits: Map<I, string | undefined>;
  /** Calls that fail with RT_WORKER_CRASHED. */
  fail: C[];
  /** Calls re-sent, one at a time, once the worker is back. */
  replay: C[];
}

/**
 * Decide who pays for a worker crash. A culprit is the instance the worker named before dying
 * (catastrophic isolate error), or else the call that was being replayed alone when it died
 * again. Culprits' calls fail and count a fault; other calls fail only if they already had
 * outside effects (not replay-safe), and are replayed otherwise. An unattributed crash counts
 * against nobody: a lone replay will find the culprit if the crash repeats.
 */
export function triageCrash<I, C extends CrashedCall<I>>(
  inFlight: C[],
  named: Map<I, string>,
  replayingAlone: C | undefined,
): CrashVerdict<I, C> {
  const culprits = new Map<I, string | undefined>(named);
  if (replayingAlone && culprits.size === 0)
    culprits.set(replayingAlone.inst, 'crashed the worker again when replayed alone');
  const fail: C[] = [];
  const replay: C[] = [];
  for (const call of inFlight) (culprits.has(call.inst) || call.sideEffects ? fail : replay).push(call);
  return { culprits, fail, replay };
}
