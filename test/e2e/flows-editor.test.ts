import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { ensureAppBuilt, eventually, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

describe.skipIf(Boolean(SKIP_REASON))('Settings → Flows in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];
  let flowId = '';

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost({ extensions: ['extensions/annex-sample-sandboxed-operation'] });
    await createCollection(t, 'notes', { title: 'string' });
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Adds an operation through the operation editor: its type, then its options form. */
  async function addOperation(open: () => Promise<void>, type: string, options: Record<string, string>) {
    await open();
    await page.waitForSelector('[data-test=operation-editor]');
    await page.selectOption('[data-test=operation-type]', type);
    for (const [field, value] of Object.entries(options))
      await page.fill(`[data-test=operation-options] [data-field=${field}] input`, value);
    await page.click('[data-test=apply-operation]');
    await page.waitForSelector('[data-test=operation-editor]', { state: 'detached' });
  }

  it('builds a webhook flow with a sandboxed operation, a resolve path and a reject path', async () => {
    await navigate(page, '/settings/flows');
    await page.fill('[data-test=flow-name]', 'Greeter');
    await page.selectOption('[data-test=flow-trigger]', 'webhook');
    await page.click('[data-test=create-flow]');
    await page.waitForSelector('[data-flow-editor=Greeter]');
    flowId = page.url().split('/').pop()!;

    await addOperation(() => page.click('[data-test=add-first-operation]'), 'sandboxed-greet', {
      name: '{{ $trigger.body.who }}',
    });
    // The operation's app part supplies the overview shown on the canvas.
    await eventually(() => page.locator('[data-operation=sandboxed_greet_1] [data-overview=Name]').textContent()).toBe(
      '{{ $trigger.body.who }}',
    );
    await addOperation(() => page.click('[data-operation=sandboxed_greet_1] [data-test=add-resolve]'), 'transform', {
      json: '{"message": "{{ sandboxed_greet_1.greeting }}"}',
    });
    await addOperation(() => page.click('[data-operation=sandboxed_greet_1] [data-test=add-reject]'), 'log', {
      message: 'greeting failed',
    });
    await shot(page, 'flows-01-editor');
    await page.click('[data-test=save-flow]');
    await page.waitForSelector('[data-test=flow-saved]');

    const flow = (await t.api('GET', `/flows/${flowId}`)).body.data;
    const ops = (
      await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ flow: { _eq: flowId } }))}`)
    ).body.data;
    const byKey = Object.fromEntries(ops.map((o: any) => [o.key, o]));
    expect(Object.keys(byKey).sort()).toEqual(['log_1', 'sandboxed_greet_1', 'transform_1']);
    expect(flow).toMatchObject({ trigger: 'webhook', status: 'active', operation: byKey.sandboxed_greet_1.id });
    expect(byKey.sandboxed_greet_1).toMatchObject({
      type: 'sandboxed-greet',
      resolve: byKey.transform_1.id,
      reject: byKey.log_1.id,
      options: { name: '{{ $trigger.body.who }}' },
    });
    expect(byKey.transform_1).toMatchObject({ resolve: null, reject: null });
    expect(byKey.log_1.position_y).toBeGreaterThan(byKey.transform_1.position_y);
  });

  it('runs the flow from the editor: the sandboxed operation greets and the resolve path answers', async () => {
    await page.fill('[data-test=run-body]', '{"who": "Ada"}');
    await page.click('[data-test=run-flow]');
    await eventually(async () =>
      JSON.parse((await page.locator('[data-test=run-result]').textContent()) ?? 'null'),
    ).toEqual({ message: 'Hello, Ada!' });
    await eventually(() => page.locator('[data-run-status=resolved] [data-step=transform_1]').count()).toBe(1);
    expect(
      await page.locator('[data-run-status=resolved] [data-step=sandboxed_greet_1]').getAttribute('data-step-status'),
    ).toBe('resolve');
    await shot(page, 'flows-02-run');
  });

  it('edits an operation after a reload and the change is saved', async () => {
    await page.reload();
    await page.waitForSelector('[data-operation=sandboxed_greet_1]');
    await page.click('[data-operation=transform_1] [data-test=edit-operation]');
    await page.fill(
      '[data-test=operation-options] [data-field=json] input',
      '{"message": "{{ sandboxed_greet_1.greeting }}", "again": true}',
    );
    await page.click('[data-test=apply-operation]');
    const before = (
      await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ key: { _eq: 'log_1' } }))}`)
    ).body.data[0];
    // Moving a card by its header: 14 px cells, so 28 px right and 14 px down is two columns and one row.
    const box = (await page.locator('[data-operation=log_1] [data-test=move-operation]').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 4; i++) await page.mouse.move(box.x + 20 + 7 * i, box.y + box.height / 2 + 3.5 * i);
    await page.mouse.up();
    await page.click('[data-test=save-flow]');
    await page.waitForSelector('[data-test=flow-saved]');
    const after = (
      await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ key: { _eq: 'log_1' } }))}`)
    ).body.data[0];
    expect([after.position_x - before.position_x, after.position_y - before.position_y]).toEqual([2, 1]);
    const res = await t.api('POST', `/flows/trigger/${flowId}`, { who: 'Grace' });
    expect(res.body.data).toEqual({ message: 'Hello, Grace!', again: true });
  });

  it('an event flow built from the UI runs when an item is created', async () => {
    await navigate(page, '/settings/flows');
    await page.fill('[data-test=flow-name]', 'On note');
    await page.selectOption('[data-test=flow-trigger]', 'event');
    await page.click('[data-test=create-flow]');
    await page.waitForSelector('[data-flow-editor="On note"]');
    const id = page.url().split('/').pop()!;
    await page.fill('[data-test=trigger-scope]', 'items.create');
    await page.press('[data-test=trigger-scope]', 'Tab');
    await page.fill('[data-test=trigger-collections]', 'notes');
    await page.press('[data-test=trigger-collections]', 'Tab');
    await addOperation(() => page.click('[data-test=add-first-operation]'), 'transform', {
      json: '{"seen": "{{ $trigger.payload.title }}"}',
    });
    await page.click('[data-test=save-flow]');
    await page.waitForSelector('[data-test=flow-saved]');
    expect((await t.api('GET', `/flows/${id}`)).body.data).toMatchObject({
      trigger: 'event',
      options: { type: 'action', scope: ['items.create'], collections: ['notes'] },
    });
    // The host re-registers triggers shortly after a flow changes; a run started while the flow
    // was saved but its operation not yet can have no step, so wait for a run through the operation.
    const throughTransform = (r: { status: string; steps: unknown }) =>
      r.status === 'resolved' &&
      (typeof r.steps === 'string' ? JSON.parse(r.steps) : (r.steps ?? [])).some(
        (s: { key: string }) => s.key === 'transform_1',
      );
    await eventually(async () => {
      await t.api('POST', '/items/notes', { title: 'hello' });
      return ((await t.api('GET', `/flows/${id}/runs`)).body.data ?? []).some(throughTransform);
    }).toBe(true);
    // A run is listed as soon as it starts; each poll reloads the list until it shows the run resolved.
    await eventually(async () => {
      await page.click('[data-test=reload-runs]');
      return page.locator('[data-run-status=resolved] [data-step=transform_1]').count();
    }).toBeGreaterThan(0);
    // Deleting the flow takes its operations with it.
    await page.click('[data-test=delete-flow]');
    await page.waitForSelector('[data-flow="Greeter"]');
    expect(await page.locator('[data-flow="On note"]').count()).toBe(0);
    expect((await t.api('GET', `/flows/${id}`)).status).toBe(403);
    const left = (await t.api('GET', `/operations?filter=${encodeURIComponent(JSON.stringify({ flow: { _eq: id } }))}`))
      .body.data;
    expect(left).toEqual([]);
  });

  it('logged no unexpected browser errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
