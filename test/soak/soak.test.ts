import { describe, expect, it } from 'vitest';
import { PG_URL } from '../helpers/pg.js';
import { runSoak, type SoakReport } from './soak.js';

/** Seconds of mixed load: short in CI; `node test/soak/run-long.js` sets SOAK_SECONDS for a long run. */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 15);

function check(r: SoakReport): void {
  expect(r.aliveAtEnd).toBe(true);
  expect(r.undocumented, JSON.stringify(r.undocumented.slice(0, 10))).toEqual([]);
  expect(r.unreadable).toEqual([]);
  expect(r.writes).toBeGreaterThan(0);
  expect(r.workerKills).toBeGreaterThan(0);
  expect(r.toggles).toBeGreaterThan(0);
  // Bounded: what the load held after warm-up, not a growth with every request.
  expect(r.rss.end, JSON.stringify(r.rss)).toBeLessThan(r.rss.warm * 1.5 + 64 * 1024 * 1024);
  expect(r.fds.end, JSON.stringify(r.fds)).toBeLessThan(r.fds.warm + 64);
}

// The two soaks run side by side (each kills its own host's workers): the same seconds of chaos
// for each, in half the time and about half the CPU of one after the other.
describe.skipIf(process.platform !== 'linux').concurrent('soak: mixed load with sandbox workers SIGKILLed', () => {
  it(
    `SQLite, ${SECONDS} s`,
    async () => {
      check(await runSoak(SECONDS));
    },
    (SECONDS + 120) * 1000,
  );

  it.skipIf(!PG_URL)(
    `PostgreSQL with the listening connection dropped, ${SECONDS} s`,
    async () => {
      const r = await runSoak(SECONDS, { pg: true });
      check(r);
      expect(r.listenDrops).toBeGreaterThan(0);
    },
    (SECONDS + 120) * 1000,
  );
});
