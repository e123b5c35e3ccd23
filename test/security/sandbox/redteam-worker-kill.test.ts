import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from './harness.js';
import { WORKER_KILLER, KILLER_LIMITS, VICTIM_CODE, outcome, eventually, sleep } from './redteam-helpers.js';

/**
 * Red-team attacks that kill the sandbox worker. Every test asserts the SAFE outcome: a failing test
 * here is an attack that succeeded. Split from redteam-extra.test.ts: blame is decided against
 * deadlines of seconds (a worker back within 10–20 s, a victim's 15 s wall budget), which two files
 * side by side on two cores leave ample room for (see LOAD_SENSITIVE in vitest.config.ts).
 */

describe('red team: killing the worker process', () => {
  /* Each attack gets its own arena: an attack that succeeds can leave a worker crash-looping or an orphaned isolate behind. */
  let arena: Arena;
  let other: number;
  beforeEach(async () => {
    arena = await createArena();
    other = ((arena.healthy.worker ?? 0) + 1) % 2;
  });
  afterEach(async () => {
    try {
      await arena.assertStillServing();
    } finally {
      await arena.close();
    }
  });
  const restarts = () => arena.engine.workers()[other]!.restarts;
  /** The attacked worker is ready and has not restarted for a second. */
  async function stable(): Promise<void> {
    const end = Date.now() + 20_000;
    for (;;) {
      await eventually(() => arena.engine.workers()[other]!.state === 'ready', 'the worker to be ready again', 20_000);
      const n = restarts();
      await sleep(1000);
      if (restarts() === n && arena.engine.workers()[other]!.state === 'ready') return;
      if (Date.now() > end) throw new Error('the worker keeps restarting');
    }
  }

  it('a worker crash caused from a timer (no call in flight) is charged to the extension that caused it', async () => {
    const attacker = await arena.engine.load(
      spec(
        `${WORKER_KILLER}\nexport default (r) => { r.get('/', () => { setTimeout(bomb, 50); return 'armed'; }); };`,
        { worker: other, limits: KILLER_LIMITS },
      ),
    );
    try {
      for (let i = 0; i < 3; i++) {
        const n = restarts();
        expect(await attacker.call(0, [{}])).toEqual({ status: 200, body: 'armed' });
        await eventually(
          () => restarts() > n && arena.engine.workers()[other]!.state === 'ready',
          'the worker to crash and come back',
        );
      }
      const s = attacker.stats();
      expect(`${restarts()} restarts, attacker faults ${s.faults}, quarantined ${s.quarantined}`).toMatch(
        /attacker faults [1-9]/,
      );
    } finally {
      await attacker.dispose();
    }
  });

  it('an extension whose load arms a worker-killing timer cannot get a co-located innocent extension blamed and quarantined', async () => {
    // A wall clock far above the victim's 400 ms: on a loaded machine the worker's restart must not turn into the victim's timeout.
    const victim = await arena.engine.load(
      spec(VICTIM_CODE, {
        worker: other,
        grantedScopes: { sleep: {} },
        limits: { maxFaults: 2, wallTimeoutMs: 15_000 },
      }),
    );
    const attacker = await arena.engine.load(
      spec(`${WORKER_KILLER}\nsetTimeout(bomb, 150);\nexport default (r) => { r.get('/', () => 1); };`, {
        worker: other,
        limits: KILLER_LIMITS,
      }),
    );
    try {
      const results: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await outcome(victim);
        results.push(r.body ?? r.code);
      }
      const v = victim.stats();
      const a = attacker.stats();
      expect({
        results,
        victimFaults: v.faults,
        victimQuarantined: v.quarantined,
        attackerBlamed: a.faults > 0,
      }).toEqual({ results: ['ok', 'ok'], victimFaults: 0, victimQuarantined: false, attackerBlamed: true });
    } finally {
      await attacker.dispose();
      await victim.dispose();
    }
  });

  it('an extension that crashes the worker every time it is reloaded is blamed and does not keep its co-located extensions down', async () => {
    const victim = await arena.engine.load(
      spec(VICTIM_CODE, { worker: other, grantedScopes: { sleep: {} }, limits: { wallTimeoutMs: 15_000 } }),
    );
    const armedAt = Date.now() + 300;
    // First load: arm a timer that kills the worker. Every reload after that kills it synchronously, during the load.
    const attacker = await arena.engine.load(
      spec(
        `${WORKER_KILLER}\nif (Date.now() > ${armedAt}) bomb(); else setTimeout(bomb, 400);\nexport default (r) => { r.get('/', () => 1); };`,
        { worker: other, limits: KILLER_LIMITS },
      ),
    );
    try {
      // Once the crash loop is charged to the attacker, the co-located extension answers again.
      await eventually(() => attacker.stats().faults > 0, 'the attacker to be blamed', 20_000);
      const r = await outcome(victim, 1);
      expect({ victim: r.body ?? r.code, attackerBlamed: attacker.stats().faults > 0 }).toEqual({
        victim: 'ok',
        attackerBlamed: true,
      });
    } finally {
      await attacker.dispose();
      await victim.dispose();
    }
  });

  it('an extension disposed while its worker restarts is not resurrected in the new worker (orphaned isolate nobody can dispose)', async () => {
    // A crash (here SIGKILL; an attacker gets the same with a timer) followed by the operator disposing the extension while
    // the new worker is still re-loading instances: the slot re-loads from a snapshot taken before the dispose.
    const slow = await arena.engine.load(
      spec(`const t = Date.now(); while (Date.now() - t < 1200) {} export default (r) => { r.get('/', () => 1); };`, {
        worker: other,
        limits: { cpuTimeoutMs: 3000 },
      }),
    );
    const target = await arena.engine.load(
      spec(`setInterval(() => {}, 20); export default (r) => { r.get('/', () => 1); };`, { worker: other }),
    );
    const live = await arena.engine.isolateCount();
    try {
      const pid = arena.engine.workers()[other]!.pid;
      await arena.engine.killWorker(other);
      await eventually(
        () => arena.engine.workers()[other]!.pid !== undefined && arena.engine.workers()[other]!.pid !== pid,
        'the new worker',
      );
      await sleep(600);
      await target.dispose();
      await stable();
      expect(await arena.engine.isolateCount()).toBe(live - 1);
    } finally {
      await target.dispose();
      await slow.dispose();
    }
  });
});
