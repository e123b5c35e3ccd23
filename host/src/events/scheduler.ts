import { Cron } from 'croner';
import type { Logger } from '../logger.js';
import { errors } from '../errors.js';
import { createOwnerLogBudget } from './owner-log-budget.js';

export interface ScheduleLock {
  /** Runs `fn` only if this host wins the tick (cluster-wide once-per-tick); single hosts always win. */
  runOnce(key: string, tick: number, fn: () => Promise<void>): Promise<void>;
}

/** Cron schedules; each `schedule()` returns its disposer. Ticks never overlap for one job. */
export function createScheduler(logger: Logger, lock?: ScheduleLock) {
  const jobs = new Set<Cron>();
  const warnings = createOwnerLogBudget((owner, dropped) =>
    logger.warn({ extension: owner, dropped }, `dropped ${dropped} schedule warnings of ${owner}`),
  );
  return {
    validate(cron: string): boolean {
      try {
        new Cron(cron, { paused: true }).stop();
        return true;
      } catch {
        return false;
      }
    },
    schedule(cron: string, handler: () => unknown, owner: string, key = owner): () => void {
      let job: Cron;
      /* Patterns with a seconds field tick every second; the others at most once a minute. */
      const unitMs = cron.trim().split(/\s+/).length >= 6 ? 1000 : 60_000;
      try {
        job = new Cron(cron, { protect: true }, async (self: Cron) => {
          /* Every host must name a tick alike although each fires a little late: minute patterns tolerate up to a minute. */
          const tick = Math.floor((self.currentRun()?.getTime() ?? Date.now()) / unitMs) * (unitMs / 1000);
          const run = async () => {
            try {
              await handler();
            } catch (error) {
              if (warnings.take(owner))
                logger.warn({ err: error, extension: owner, cron }, `schedule of ${owner} failed`);
            }
          };
          if (lock) await lock.runOnce(key, tick, run);
          else await run();
        });
      } catch (cause) {
        throw errors.HOST_INVALID_CRON({ cron }, { cause });
      }
      jobs.add(job);
      return () => {
        job.stop();
        jobs.delete(job);
      };
    },
    count: () => jobs.size,
    stopAll(): void {
      for (const job of jobs) job.stop();
      jobs.clear();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
