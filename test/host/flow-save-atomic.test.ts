import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the settings app extension
import {
  addOperation,
  fromStored,
  removeOperation,
} from '../../host/builtins/app-modules/src/settings/flows/flow-graph.js';
// @ts-expect-error plain JS module of the settings app extension
import { saveFlowGraph } from '../../host/builtins/app-modules/src/settings/flows/save-flow.js';
import { startHost, type TestHost } from '../helpers/host.js';

/**
 * The flow editor saves a flow and its operations in one request (Directus's nested `operations`
 * in PATCH /flows/:id), written in one transaction. Saved as separate requests, an event between
 * them ran the flow without its new first operation (a resolved run with no step), or pointing at
 * a removed one.
 */
describe('saving a flow and its operations', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
  }, 60_000);
  afterAll(() => t?.close());

  const requests: string[] = [];
  const api = {
    async patch(p: string, body: unknown) {
      requests.push(`PATCH ${p}`);
      const res = await t.api('PATCH', p, body);
      if (res.status >= 400) throw Object.assign(new Error(`HTTP ${res.status}`), { response: { data: res.body } });
      return { data: res.body };
    },
    async post(p: string, body: unknown) {
      requests.push(`POST ${p}`);
      return { data: (await t.api('POST', p, body)).body };
    },
    async delete(p: string) {
      requests.push(`DELETE ${p}`);
      return { data: (await t.api('DELETE', p)).body };
    },
  };

  /** What another request sees of the flow, read outside any write's transaction: its first operation and its operations. */
  async function seen(flowId: string) {
    const flow = await t.host.knex('directus_flows').where({ id: flowId }).first('operation', 'name');
    const ops = await t.host.knex('directus_operations').where({ flow: flowId }).orderBy('id').pluck('id');
    return { first: flow?.operation ?? null, name: flow?.name, ops };
  }

  it('another request sees the flow before or after the save, never between', async () => {
    const flow = (
      await t.api('POST', '/flows', {
        name: 'draft',
        status: 'active',
        trigger: 'webhook',
        options: { method: 'POST' },
      })
    ).body.data;
    const stored = fromStored(flow, []);
    const [a, b] = [randomUUID(), randomUUID()];
    let graph = addOperation(stored, null, 'resolve', { id: a, type: 'transform', options: { json: { step: 'a' } } });
    graph = addOperation(graph, a, 'resolve', { id: b, type: 'transform', options: { json: { step: 'b' } } });

    const states: Awaited<ReturnType<typeof seen>>[] = [];
    const observe = () => void seen(flow.id).then((s) => states.push(s));
    const offs = [
      // A filter runs before its write: what it reads is what a request arriving then would run.
      t.host.kernel.emitter.onFilter('flows.update', async (payload) => {
        states.push(await seen(flow.id));
        return payload;
      }),
      t.host.kernel.emitter.onAction('flows.*', observe),
      t.host.kernel.emitter.onAction('operations.*', observe),
    ];
    try {
      requests.length = 0;
      await saveFlowGraph(api, stored, graph, { name: 'graded' });
      const before = { first: null, name: 'draft', ops: [] };
      const after = { first: a, name: 'graded', ops: [a, b].sort() };
      await expect.poll(() => states.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(states.length).toBeGreaterThan(0);
      for (const s of states) expect([before, after]).toContainEqual(s);
      expect(await seen(flow.id)).toEqual(after);
      expect(requests).toEqual([`PATCH /flows/${flow.id}`]);

      // Removing the first operation: the flow moves to the next one in the same transaction.
      states.length = 0;
      await saveFlowGraph(api, graph, removeOperation(graph, a));
      const removed = { first: b, name: 'graded', ops: [b] };
      await new Promise((r) => setTimeout(r, 50));
      for (const s of states) expect([after, removed]).toContainEqual(s);
      expect(await seen(flow.id)).toEqual(removed);
      // Read back as Directus lists it: the flow's operations by id.
      expect((await t.api('GET', `/flows/${flow.id}`)).body.data.operations).toEqual([b]);
    } finally {
      for (const off of offs) off();
    }
    // The engine runs what was saved: the remaining operation, as the first step.
    await expect
      .poll(async () => (await t.api('POST', `/flows/trigger/${flow.id}`, {})).body.data, { timeout: 10_000 })
      .toEqual({ step: 'b' });
  });

  it('a bad operation in the save writes nothing, the flow keeps its fields and operations', async () => {
    const flow = (await t.api('POST', '/flows', { name: 'kept', status: 'active', trigger: 'webhook', options: {} }))
      .body.data;
    const stored = fromStored(flow, []);
    const graph = addOperation(stored, null, 'resolve', { id: randomUUID(), type: 'log', options: {} });
    const broken = {
      ...graph,
      ops: Object.fromEntries(Object.entries(graph.ops).map(([id, op]: [string, any]) => [id, { ...op, key: null }])),
    };
    await expect(saveFlowGraph(api, stored, broken, { name: 'renamed' })).rejects.toMatchObject({
      response: { data: { errors: [{ extensions: { code: expect.any(String) } }] } },
    });
    expect(await seen(flow.id)).toEqual({ first: null, name: 'kept', ops: [] });
  });
});
