import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/write-extension.js';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
beforeAll(async () => {
  t = await startHost({
    extensions: ['extensions/annex-sample-bundle'],
    env: { FLOWS_ENV_ALLOW_LIST: 'SHOP_NAME', SHOP_NAME: 'Corner Shop', SHOP_SECRET: 'hidden' },
  });
  await createCollection(t, 'posts', { title: 'string', status: 'string', n: 'integer' });
});
afterAll(() => t?.close());

describe('hooks', () => {
  it('runs filter (replace payload, abort with a coded error), action, init, schedule and embed', async () => {
    const shouted = await t.api('POST', '/items/posts', { title: 'shout:hello' });
    expect(shouted.body.data.title).toBe('HELLO');
    const rejected = await t.api('POST', '/items/posts', { title: 'forbidden' });
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const count = (await t.api('GET', '/items/posts?aggregate[count]=*')).body.data[0].count;
    expect(count).toBe(1);
    const seen = await eventually(
      () => t.api('GET', '/audit-log').then((r) => r.body),
      (b) => b.actions.length >= 1 && b.schedules >= 1,
    );
    expect(seen.filters.map((f: any) => f.event)).toContain('items.create');
    expect(seen.filters[0].user).toBeTypeOf('string');
    expect(seen.actions[0]).toMatchObject({ event: 'items.create', collection: 'posts', key: shouted.body.data.id });
    expect(seen.inits).toEqual(['app.after']);
    expect(seen.schedules).toBeGreaterThanOrEqual(1);
    expect(t.host.kernel.embeds.render('head')).toContain('<meta name="annex-sample-bundle" content="1">');
  });
});

describe('flows', () => {
  async function createFlow(
    flow: object,
    operations: { key: string; type: string; options?: object; resolve?: string; reject?: string }[],
  ) {
    const f = await t.api('POST', '/flows', { status: 'active', accountability: 'all', ...flow });
    expect(f.status).toBe(200);
    const ids: Record<string, string> = {};
    // Create operations last-to-first so resolve/reject can point at existing ids.
    for (const op of [...operations].reverse()) {
      const res = await t.api('POST', '/operations', {
        flow: f.body.data.id,
        key: op.key,
        type: op.type,
        name: op.key,
        options: op.options ?? {},
        resolve: op.resolve ? ids[op.resolve] : null,
        reject: op.reject ? ids[op.reject] : null,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids[op.key] = res.body.data.id;
    }
    await t.api('PATCH', `/flows/${f.body.data.id}`, { operation: ids[operations[0]!.key] });
    await t.host.kernel.flows.reload();
    return f.body.data.id as string;
  }

  it('runs a webhook flow along resolve and reject paths with the data chain and templating', async () => {
    const id = await createFlow({ name: 'greeter', trigger: 'webhook', options: { method: 'POST', return: '$last' } }, [
      {
        key: 'check',
        type: 'condition',
        options: { filter: { $trigger: { body: { name: { _nempty: true } } } } },
        resolve: 'shape',
        reject: 'fallback',
      },
      {
        key: 'shape',
        type: 'transform',
        options: { json: { greeting: 'Hello, {{ $trigger.body.name }}!', n: '{{ $trigger.body.n }}' } },
        resolve: 'upper',
      },
      { key: 'upper', type: 'uppercase', options: { text: '{{ shape.greeting }}' } },
      { key: 'fallback', type: 'transform', options: { json: { greeting: 'nobody', failed: '{{ check.message }}' } } },
    ]);
    const ok = await t.api('POST', `/flows/trigger/${id}`, { name: 'Ada', n: 3 });
    expect(ok.body.data).toBe('HELLO, ADA!');
    const rejectPath = await t.api('POST', `/flows/trigger/${id}`, {});
    expect(rejectPath.body.data).toEqual({
      greeting: 'nobody',
      failed: 'Validation failed for field "$trigger.body.name". Value is required.',
    });
    const runs = await t.api('GET', `/flows/${id}/runs`);
    expect(runs.body.data).toHaveLength(2);
    expect(runs.body.data[0].steps.map((s: any) => [s.key, s.status])).toEqual([
      ['check', 'reject'],
      ['fallback', 'resolve'],
    ]);
    expect(runs.body.data[1].steps.map((s: any) => s.key)).toEqual(['check', 'shape', 'upper']);
    expect(runs.body.data[1].steps[1].data).toEqual({ greeting: 'Hello, Ada!', n: 3 });
  });

  it('gives flows the variables FLOWS_ENV_ALLOW_LIST names as $env, and no others', async () => {
    const id = await createFlow({ name: 'env', trigger: 'webhook', options: { method: 'GET', return: '$last' } }, [
      {
        key: 'show',
        type: 'transform',
        options: { json: { shop: '{{ $env.SHOP_NAME }}', secret: '{{ $env.SHOP_SECRET }}' } },
      },
    ]);
    expect((await t.api('GET', `/flows/trigger/${id}`)).body.data).toEqual({ shop: 'Corner Shop' });
  });

  it('fails a flow whose last operation rejects, with the error in the run log', async () => {
    const id = await createFlow({ name: 'thrower', trigger: 'webhook', options: { method: 'GET' } }, [
      { key: 'boom', type: 'throw-error', options: { code: 'TEAPOT', status: 418, message: 'short and stout' } },
    ]);
    const res = await t.api('GET', `/flows/trigger/${id}`);
    expect(res.body.errors[0].extensions.code).toBe('UNPROCESSABLE_CONTENT');
    const runs = await t.api('GET', `/flows/${id}/runs`);
    expect(runs.body.data[0]).toMatchObject({ status: 'rejected', error: { code: 'TEAPOT' } });
  });

  it('runs event flows: a filter flow can block an item, an action flow writes another item', async () => {
    await createCollection(t, 'audit', { message: 'string' });
    await createFlow(
      {
        name: 'blocker',
        trigger: 'event',
        options: { type: 'filter', scope: ['items.create'], collections: ['posts'] },
      },
      [
        {
          key: 'guard',
          type: 'condition',
          options: { filter: { $trigger: { payload: { status: { _neq: 'spam' } } } } },
        },
      ],
    );
    await createFlow(
      {
        name: 'auditor',
        trigger: 'event',
        options: { type: 'action', scope: ['items.create'], collections: ['posts'] },
      },
      [
        {
          key: 'write',
          type: 'item-create',
          options: { collection: 'audit', permissions: '$full', payload: { message: 'created {{ $trigger.key }}' } },
        },
      ],
    );
    const spam = await t.api('POST', '/items/posts', { title: 'buy now', status: 'spam' });
    expect(spam.status).toBe(400);
    // As in Directus, a condition needs every field it names (requireAll): a post without a status is blocked too.
    const unset = (await t.api('POST', '/items/posts', { title: 'no status' })).body.errors[0];
    expect(unset).toEqual({
      message: 'Invalid payload. Validation failed for field "$trigger.payload.status". Value is required.',
      extensions: { code: 'INVALID_PAYLOAD' },
    });
    const fine = await t.api('POST', '/items/posts', { title: 'fine', status: 'draft' });
    expect(fine.status).toBe(200);
    const audit = await eventually(
      () => t.api('GET', '/items/audit').then((r) => r.body.data),
      (d) => d.length > 0,
    );
    expect(audit.map((a: any) => a.message)).toEqual([`created ${fine.body.data.id}`]);
  });

  it('runs item, sleep, log, mail, notification and json-web-token operations', async () => {
    const id = await createFlow({ name: 'ops', trigger: 'webhook', options: { method: 'POST', return: '$all' } }, [
      {
        key: 'create',
        type: 'item-create',
        options: {
          collection: 'posts',
          permissions: '$full',
          payload: { title: '{{ $trigger.body.title }}', n: 1, status: 'draft' },
        },
        resolve: 'read',
      },
      {
        key: 'read',
        type: 'item-read',
        options: { collection: 'posts', permissions: '$full', key: '{{ create[0] }}' },
        resolve: 'update',
      },
      {
        key: 'update',
        type: 'item-update',
        options: { collection: 'posts', permissions: '$full', key: '{{ create[0] }}', payload: { n: 2 } },
        resolve: 'nap',
      },
      { key: 'nap', type: 'sleep', options: { milliseconds: 5 }, resolve: 'say' },
      { key: 'say', type: 'log', options: { message: 'hi {{ read.title }}' }, resolve: 'mail' },
      {
        key: 'mail',
        type: 'mail',
        options: { to: ['x@example.com'], subject: 'About {{ read.title }}', body: 'b' },
        resolve: 'sign',
      },
      {
        key: 'sign',
        type: 'json-web-token',
        options: { operation: 'sign', payload: { id: '{{ read.id }}' }, secret: 's3cret' },
        resolve: 'verify',
      },
      {
        key: 'verify',
        type: 'json-web-token',
        options: { operation: 'verify', token: '{{ sign }}', secret: 's3cret' },
        resolve: 'remove',
      },
      {
        key: 'remove',
        type: 'item-delete',
        options: { collection: 'posts', permissions: '$full', key: '{{ create[0] }}' },
      },
    ]);
    const res = await t.api('POST', `/flows/trigger/${id}`, { title: 'opsy' });
    const data = res.body.data;
    expect(data.read.title).toBe('opsy');
    expect(data.update).toEqual(data.create);
    expect(data.verify.id).toBe(data.read.id);
    expect((await t.host.knex('annex_outbox').where({ subject: 'About opsy' })).length).toBe(1);
    expect((await t.api('GET', `/items/posts/${data.create[0]}`)).status).toBe(403);
  });

  it('runs schedule flows, manual flows (with collection restriction) and operation-triggered flows', async () => {
    await createCollection(t, 'ticks', { n: 'integer' });
    await createFlow({ name: 'ticker', trigger: 'schedule', options: { cron: '* * * * * *' } }, [
      { key: 'tick', type: 'item-create', options: { collection: 'ticks', permissions: '$full', payload: { n: 1 } } },
    ]);
    const ticks = await eventually(
      () => t.api('GET', '/items/ticks?aggregate[count]=*').then((r) => r.body.data[0].count),
      (n) => n >= 1,
      4000,
    );
    expect(ticks).toBeGreaterThanOrEqual(1);
    const manual = await createFlow({ name: 'manual', trigger: 'manual', options: { collections: ['posts'] } }, [
      {
        key: 'echo',
        type: 'transform',
        options: { json: { keys: '{{ $trigger.body.keys }}', collection: '{{ $trigger.body.collection }}' } },
      },
    ]);
    const ran = await t.api('POST', `/flows/trigger/${manual}`, { collection: 'posts', keys: [1, 2] });
    expect(ran.body.data).toEqual({ keys: [1, 2], collection: 'posts' });
    expect((await t.api('POST', `/flows/trigger/${manual}`, { collection: 'audit', keys: [1] })).status).toBe(403);
    expect((await t.api('POST', `/flows/trigger/${manual}`, { collection: 'posts', keys: [1] }, null)).status).toBe(
      403,
    );
    const child = await createFlow({ name: 'child', trigger: 'operation', options: { return: '$last' } }, [
      { key: 'double', type: 'transform', options: { json: { doubled: '{{ $trigger.n }}{{ $trigger.n }}' } } },
    ]);
    const parent = await createFlow({ name: 'parent', trigger: 'webhook', options: { method: 'POST' } }, [
      {
        key: 'call',
        type: 'trigger',
        options: { flow: child, payload: '{{ $trigger.body.items }}', iterationMode: 'serial' },
      },
    ]);
    const res = await t.api('POST', `/flows/trigger/${parent}`, { items: [{ n: 1 }, { n: 2 }] });
    expect(res.body.data).toEqual([{ doubled: '11' }, { doubled: '22' }]);
    await t.api(
      'PATCH',
      '/flows/' + (await t.api('GET', '/flows?filter[name][_eq]=ticker').then((r) => r.body.data[0].id)),
      { status: 'inactive' },
    );
  });
});
