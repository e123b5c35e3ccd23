import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
// @ts-expect-error plain JS module of the settings app extension
import {
  addOperation,
  fromStored,
  planSave,
  reachable,
  removeOperation,
  updateOperation,
  uniqueKey,
  STEP_X,
  STEP_Y,
} from '../../host/builtins/app-modules/src/settings/flows/flow-graph.js';
// @ts-expect-error plain JS module of the settings app extension
import { saveFlowGraph } from '../../host/builtins/app-modules/src/settings/flows/save-flow.js';

describe('flow editor graph', () => {
  const empty = () => fromStored({ id: 'f1', operation: null }, []);

  it('chains operations on resolve and reject paths with positions beside their parent', () => {
    let g = addOperation(empty(), null, 'resolve', { id: 'a', type: 'transform' });
    g = addOperation(g, 'a', 'resolve', { id: 'b', type: 'log' });
    g = addOperation(g, 'a', 'reject', { id: 'c', type: 'throw-error' });
    expect(g.operation).toBe('a');
    expect([g.ops.a.resolve, g.ops.a.reject]).toEqual(['b', 'c']);
    expect([g.ops.b.position_x - g.ops.a.position_x, g.ops.b.position_y - g.ops.a.position_y]).toEqual([STEP_X, 0]);
    expect([g.ops.c.position_x - g.ops.a.position_x, g.ops.c.position_y - g.ops.a.position_y]).toEqual([
      STEP_X,
      STEP_Y,
    ]);
    expect(g.ops.a.key).toBe('transform_1');
    expect(uniqueKey(g, 'transform')).toBe('transform_2');
    expect(reachable(g)).toEqual(['a', 'b', 'c']);
  });

  it('inserts between an operation and its next one, and removing reconnects to the resolve path', () => {
    let g = addOperation(empty(), null, 'resolve', { id: 'a', type: 'log' });
    g = addOperation(g, 'a', 'resolve', { id: 'c', type: 'log' });
    g = addOperation(g, 'a', 'resolve', { id: 'b', type: 'log' });
    expect([g.ops.a.resolve, g.ops.b.resolve]).toEqual(['b', 'c']);
    g = addOperation(g, 'b', 'reject', { id: 'r', type: 'log' });
    g = removeOperation(g, 'b');
    expect(g.ops.a.resolve).toBe('c');
    // b's reject branch is no longer reachable, so it goes with b.
    expect(Object.keys(g.ops).sort()).toEqual(['a', 'c']);
    g = removeOperation(g, 'a');
    expect(g.operation).toBe('c');
  });

  it('plans only what changed', () => {
    let g = addOperation(empty(), null, 'resolve', { id: 'a', type: 'log' });
    g = addOperation(g, 'a', 'resolve', { id: 'b', type: 'log' });
    const stored = g;
    const edited = removeOperation(updateOperation(g, 'a', { options: { message: 'hi' } }), 'b');
    const plan = planSave(stored, edited);
    expect(plan.create).toEqual([]);
    expect(plan.remove).toEqual(['b']);
    expect(
      plan.update.map((o: { id: string; resolve: string | null; options: unknown }) => [o.id, o.resolve, o.options]),
    ).toEqual([['a', null, { message: 'hi' }]]);
    expect(plan.flow).toBeNull();
  });
});

describe('flow editor: saved as Directus stores flows and run by the engine', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
  }, 60_000);
  afterAll(() => t?.close());

  const api = () => ({
    async get(p: string, config?: { params?: Record<string, unknown> }) {
      const qs = config?.params
        ? `?${new URLSearchParams(Object.entries(config.params).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]))}`
        : '';
      return unwrap(await t.api('GET', p + qs));
    },
    post: async (p: string, body: unknown) => unwrap(await t.api('POST', p, body)),
    patch: async (p: string, body: unknown) => unwrap(await t.api('PATCH', p, body)),
    delete: async (p: string) => unwrap(await t.api('DELETE', p)),
  });
  function unwrap(res: { status: number; body: any }) {
    if (res.status >= 400)
      throw Object.assign(new Error(`HTTP ${res.status}`), { response: { status: res.status, data: res.body } });
    return { status: res.status, data: res.body };
  }

  it('stores resolve/reject as operation ids and flows.operation as the first, then runs both paths', async () => {
    const flow = (
      await t.api('POST', '/flows', {
        name: 'graded',
        status: 'active',
        trigger: 'webhook',
        options: { method: 'POST' },
      })
    ).body.data;
    const stored = fromStored(flow, []);
    const [check, pass, fail] = [randomUUID(), randomUUID(), randomUUID()];
    let g = addOperation(stored, null, 'resolve', {
      id: check,
      type: 'condition',
      options: { filter: { $trigger: { body: { score: { _gte: 50 } } } } },
    });
    g = addOperation(g, check, 'resolve', { id: pass, type: 'transform', options: { json: { verdict: 'pass' } } });
    g = addOperation(g, check, 'reject', { id: fail, type: 'transform', options: { json: { verdict: 'fail' } } });
    await saveFlowGraph(api(), stored, g);

    const ops = (
      await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ flow: { _eq: flow.id } }))}`)
    ).body.data;
    const byId = Object.fromEntries(ops.map((o: any) => [o.id, o]));
    expect(byId[check]).toMatchObject({
      type: 'condition',
      resolve: pass,
      reject: fail,
      flow: flow.id,
      key: 'condition_1',
    });
    expect(byId[pass]).toMatchObject({ resolve: null, reject: null });
    expect((await t.api('GET', `/flows/${flow.id}`)).body.data.operation).toBe(check);

    await expect
      .poll(async () => (await t.api('POST', `/flows/trigger/${flow.id}`, { score: 80 })).body.data, {
        timeout: 10_000,
      })
      .toEqual({ verdict: 'pass' });
    expect((await t.api('POST', `/flows/trigger/${flow.id}`, { score: 10 })).body.data).toEqual({ verdict: 'fail' });

    // Reload as the editor does, remove the reject branch, save: the row is gone and the link cleared.
    const reloaded = fromStored((await t.api('GET', `/flows/${flow.id}`)).body.data, ops);
    await saveFlowGraph(api(), reloaded, removeOperation(reloaded, fail));
    const after = (
      await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ flow: { _eq: flow.id } }))}`)
    ).body.data;
    expect(after.map((o: any) => o.id).sort()).toEqual([check, pass].sort());
  });
});
