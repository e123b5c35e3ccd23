import fs from 'node:fs';
import path from 'node:path';
import type { PublishOutcome } from '../../host/src/cluster/cluster.js';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { createTestDatabase } from '../helpers/pg.js';
import { PG_MISSING, skipWithout } from '../helpers/requires.js';
import { startFixtureRegistry } from '../helpers/registry.js';

interface Probe {
  start: number;
  end: number;
  value: unknown;
}

/**
 * Asks `read` on one host again and again (one request at a time, as a client would) until
 * stopped; every answer is kept with the moment its request was sent and the moment it came back.
 */
function poll(read: () => Promise<unknown>) {
  const probes: Probe[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const start = performance.now();
      const value = await read();
      probes.push({ start, end: performance.now(), value });
    }
  })();
  return {
    probes,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/**
 * Runs `change` (an admin call on one host) while every host is polled, then checks the contract of
 * docs/cluster.md: once the admin call returned, every request sent to any host afterwards sees the
 * new state. Returns how long the call took (the time the cluster needed to converge).
 */
async function changeAndWatch(
  hosts: TestHost[],
  read: (t: TestHost) => Promise<unknown>,
  change: () => Promise<{ status: number }>,
  expected: unknown,
) {
  const pollers = hosts.map((t) => poll(() => read(t)));
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  const res = await change();
  const acknowledged = performance.now();
  expect(res.status).toBeLessThan(300);
  /* Right after the acknowledgement: no host may still answer the old state. */
  const right = await Promise.all(hosts.map((t) => read(t)));
  await new Promise((r) => setTimeout(r, 100));
  await Promise.all(pollers.map((p) => p.stop()));
  expect(right).toEqual(hosts.map(() => expected));
  for (const p of pollers) {
    const after = p.probes.filter((x) => x.start >= acknowledged);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((x) => x.value !== expected)).toEqual([]);
    /* Order of events: each host switched before the call that changed it returned. */
    const firstNew = p.probes.find((x) => x.value === expected)!;
    expect(firstNew.start).toBeLessThan(acknowledged);
  }
  return acknowledged - started;
}

/**
 * What each `extensions` publish of `t` waited for (the hosts that acknowledged, those that did not
 * in time), newest last: an admin call released by every acknowledgement, not by the ack timeout.
 */
function recordPublishes(t: TestHost): PublishOutcome[] {
  const cluster = t.host.kernel.cluster;
  const publish = cluster.publish.bind(cluster);
  const outcomes: PublishOutcome[] = [];
  cluster.publish = async (topic) => {
    const outcome = await publish(topic);
    if (topic === 'extensions') outcomes.push(outcome);
    return outcome;
  };
  return outcomes;
}

/** The ids of the hosts other than `t`, sorted. */
const peersOf = (hosts: TestHost[], t: TestHost) =>
  hosts
    .filter((h) => h !== t)
    .map((h) => h.host.kernel.cluster.id)
    .sort();

/** Three hosts on one PostgreSQL database (issue 17 item 8): enable, disable and install converge before the admin call returns. */
describe.skipIf(skipWithout('PostgreSQL', PG_MISSING))(
  'three hosts converge on an admin change before it is acknowledged',
  () => {
    let db: { url: string; drop(): Promise<void> };
    let registry: MarketplaceServer;
    const hosts: TestHost[] = [];

    beforeAll(async () => {
      db = await createTestDatabase('annex_converge');
      registry = await startFixtureRegistry();
      const env = {
        DB_CLIENT: 'pg',
        DB_CONNECTION_STRING: db.url,
        MARKETPLACE_REGISTRY: registry.url,
        CLUSTER_ACK_TIMEOUT: '5000',
      };
      for (let i = 0; i < 3; i++)
        hosts.push(await startHost({ extensions: ['extensions/annex-sample-endpoint'], env }));
    });
    afterAll(async () => {
      for (const t of hosts) await t.close();
      await registry?.close();
      await db?.drop();
    });

    it('disable and enable on one host hold on all three as soon as the call returns, released by their acknowledgements', async () => {
      const [a, , c] = hosts as [TestHost, TestHost, TestHost];
      const [byA, byC] = [recordPublishes(a), recordPublishes(c)];
      const id = (await a.api('GET', '/extensions')).body.data.find(
        (e: any) => e.annex?.name === 'annex-sample-endpoint',
      ).id;
      const status = async (t: TestHost) => (await t.api('GET', '/annex-sample-endpoint')).status;
      expect(await Promise.all(hosts.map(status))).toEqual([200, 200, 200]);
      await changeAndWatch(hosts, status, () => a.api('PATCH', `/extensions/${id}`, { meta: { enabled: false } }), 404);
      await changeAndWatch(hosts, status, () => c.api('PATCH', `/extensions/${id}`, { meta: { enabled: true } }), 200);
      /*
       * Each call returned because both other hosts answered, not because CLUSTER_ACK_TIMEOUT (5 s
       * here) ran out: that, not a wall-clock bound, is what makes the convergence the call's own
       * duration (about 0.2 s on a quiet machine; docs/cluster.md).
       */
      expect(byA.map((o) => ({ acked: [...o.acked].sort(), missing: o.missing }))).toEqual([
        { acked: peersOf(hosts, a), missing: [] },
      ]);
      expect(byC.map((o) => ({ acked: [...o.acked].sort(), missing: o.missing }))).toEqual([
        { acked: peersOf(hosts, c), missing: [] },
      ]);
    });

    it('a marketplace install and its grant hold on all three as soon as each call returns, released by their acknowledgements', async () => {
      const [a] = hosts as [TestHost];
      const byA = recordPublishes(a);
      /** Every publish of `a` so far: both other hosts acknowledged it, none was waited for until the timeout. */
      const allAcknowledged = () => {
        for (const o of byA)
          expect({ acked: [...o.acked].sort(), missing: o.missing }).toEqual({ acked: peersOf(hosts, a), missing: [] });
        return byA.length;
      };
      const version = async (t: TestHost) => {
        const res = await t.api('GET', '/greeter');
        return res.status === 200 ? res.body?.version : res.status;
      };
      expect(await Promise.all(hosts.map(version))).toEqual([404, 404, 404]);
      expect(
        (await a.api('POST', '/extensions/registry/install', { extension: 'annex-market-greeter', version: '1.0.0' }))
          .status,
      ).toBeLessThan(300);
      // Every host downloaded and verified the package, and loads it alike, before the install call returned.
      const versions = (t: TestHost) =>
        fs.readdirSync(path.join(t.extensionsPath, '.registry')).filter((f) => f !== 'annex-state.json');
      for (const t of hosts) expect(versions(t)).toHaveLength(1);
      const states = await Promise.all(
        hosts.map(async (t) => (await t.api('GET', '/extensions/annex-market-greeter/status')).body.data?.state),
      );
      expect(states).toEqual(hosts.map(() => 'pending'));
      const afterInstall = allAcknowledged();
      expect(afterInstall).toBeGreaterThan(0);
      /*
       * A sandboxed install waiting for its grant has already started each host's sandbox worker (a
       * process: most of a grant's time otherwise), so the grant only loads an isolate. Waited for
       * here: in the field an administrator reviews the scopes first.
       */
      const engines = await Promise.all(hosts.map((t) => t.host.kernel.sandbox()));
      for (const e of engines) expect(e.workers()).toHaveLength(1);
      await expect
        .poll(() => engines.every((e) => e.workers()[0]?.state === 'ready'), { timeout: 30_000, interval: 50 })
        .toBe(true);
      await changeAndWatch(hosts, version, () => a.api('POST', '/extensions/annex-market-greeter/grant', {}), '1.0.0');
      /*
       * Issue 17: install and grant converge in under a second, like an enable. How long they take
       * against an enable is measured by bench/cluster.js (a timing has no place in a test on a
       * shared machine); here, that the calls were released by the acknowledgements.
       */
      expect(allAcknowledged()).toBeGreaterThan(afterInstall);
    });

    it('a host that left the cluster does not hold an admin call', async () => {
      const gone = hosts.pop()!;
      await gone.close();
      const [a, b] = hosts as [TestHost, TestHost];
      const [byA, byB] = [recordPublishes(a), recordPublishes(b)];
      const id = (await a.api('GET', '/extensions')).body.data.find(
        (e: any) => e.annex?.name === 'annex-sample-endpoint',
      ).id;
      const status = async (t: TestHost) => (await t.api('GET', '/annex-sample-endpoint')).status;
      await changeAndWatch(hosts, status, () => a.api('PATCH', `/extensions/${id}`, { meta: { enabled: false } }), 404);
      await changeAndWatch(hosts, status, () => b.api('PATCH', `/extensions/${id}`, { meta: { enabled: true } }), 200);
      // The closed host's listener is gone from PostgreSQL: nobody waits for it (the 5 s ack timeout), nor names it missing.
      expect(byA).toEqual([{ acked: peersOf(hosts, a), missing: [] }]);
      expect(byB).toEqual([{ acked: peersOf(hosts, b), missing: [] }]);
    });
  },
);
