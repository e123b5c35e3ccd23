import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';
import {
  ensureAppBuilt,
  eventually,
  login,
  navigate,
  openApp,
  openPage,
  shot,
  SKIP_REASON,
  type E2EBrowser,
} from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

describe.skipIf(Boolean(SKIP_REASON))('Insights grid in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const stored = async () => {
    const [p] = (await t.api('GET', '/panels')).body.data;
    return p ? [p.position_x, p.position_y, p.width, p.height] : null;
  };
  /** Drags from the centre of `selector` by dx, dy pixels in small steps, as a hand would. */
  async function drag(selector: string, dx: number, dy: number) {
    const box = (await page.locator(selector).boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(x + (dx * i) / 5, y + (dy * i) / 5);
    await page.mouse.up();
  }

  it('places a panel with its options on a new dashboard', async () => {
    await navigate(page, '/insights');
    await page.fill('[data-test=dashboard-name]', 'Grid');
    await page.click('[data-test=create-dashboard]');
    await page.click('[data-test=add-panel]');
    await page.selectOption('[data-test=panel-type]', 'label');
    await page.fill('[data-test=panel-name]', 'Heading');
    await page.fill('[data-test=panel-options] [data-field=text] input', 'Hello grid');
    await page.fill('[data-test=panel-width]', '10');
    await page.fill('[data-test=panel-height]', '4');
    await page.click('[data-test=save-panel]');
    await page.waitForSelector('[data-panel-name=Heading]');
    await eventually(stored).toEqual([1, 1, 10, 4]);
    expect((await t.api('GET', '/panels')).body.data[0].options).toMatchObject({ text: 'Hello grid' });
  });

  it('moves the panel by dragging its header, in whole cells', async () => {
    // Cells are 20 px: 100 px right and 60 px down is 5 columns and 3 rows.
    await drag('[data-panel-name=Heading] [data-test=panel-move]', 100, 60);
    await eventually(stored).toEqual([6, 4, 10, 4]);
    await shot(page, 'insights-01-moved');
  });

  it("resizes it from the corner, not below the panel type's minimum", async () => {
    await drag('[data-panel-name=Heading] [data-test=panel-resize]', 80, 40);
    await eventually(stored).toEqual([6, 4, 14, 6]);
    // Label panels are at least 4 × 2.
    await drag('[data-panel-name=Heading] [data-test=panel-resize]', -400, -400);
    await eventually(stored).toEqual([6, 4, 4, 2]);
    await shot(page, 'insights-02-resized');
  });

  it('restores positions after a reload', async () => {
    await page.reload();
    await page.waitForSelector('[data-panel-name=Heading]');
    expect(await page.getAttribute('[data-panel-name=Heading]', 'data-geometry')).toBe('6,4,4,2');
    const grid = (await page.locator('[data-test=dashboard-grid]').boundingBox())!;
    const box = (await page.locator('[data-panel-name=Heading]').boundingBox())!;
    // Column 6 starts five 20 px cells in (the panel keeps a 4 px margin).
    expect(Math.round(box.x - grid.x)).toBe(5 * 20 + 4);
  });

  it('a user who may read dashboards but not change panels sees the panel without the editing controls', async () => {
    await createUser(t, 'viewer', [
      { collection: 'directus_dashboards', action: 'read' },
      { collection: 'directus_panels', action: 'read' },
    ]);
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0];
    const other = await openPage(browser);
    await other.page.goto(`${t.url}/admin/login`);
    await other.page.fill('input[name=email]', 'viewer@example.com');
    await other.page.fill('input[name=password]', 'secret-password');
    await other.page.click('[data-test=login-submit]');
    await other.page.waitForSelector('.module-bar [data-module=insights]');
    await navigate(other.page, `/insights/${dashboard.id}`);
    await other.page.waitForSelector('[data-panel-name=Heading]');
    expect(await other.page.getAttribute('[data-panel-name=Heading]', 'data-geometry')).toBe('6,4,4,2');
    expect(await other.page.locator('[data-test=add-panel]').count()).toBe(0);
    expect(await other.page.locator('[data-test=panel-resize]').count()).toBe(0);
    expect(await other.page.locator('[data-test=remove-panel]').count()).toBe(0);
    await other.page.close();
  });

  it("filters a metric panel's collection with the filter builder, on the collection chosen in its options", async () => {
    await createCollection(t, 'orders', { status: 'string', total: 'integer' });
    await t.api('POST', '/items/orders', [
      { status: 'paid', total: 10 },
      { status: 'paid', total: 5 },
      { status: 'open', total: 100 },
    ]);
    await page.reload();
    await page.click('[data-test=add-panel]');
    await page.selectOption('[data-test=panel-type]', 'metric');
    await page.fill('[data-test=panel-name]', 'Paid');
    const options = page.locator('[data-test=panel-options]');
    // Before a collection is chosen, the filter has nothing to offer.
    await options.locator('[data-field=filter] .v-notice').waitFor();
    await options.locator('[data-field=collection] select').selectOption('orders');
    await options.locator('[data-field=field] select').selectOption('total');
    await options.locator('[data-field=function] select').selectOption('sum');
    await options.locator('[data-field=filter] [data-test=filter-add]').selectOption('status');
    const value = options.locator('[data-field=filter] [data-filter-field=status] [data-test=filter-value]');
    await value.fill('paid');
    await value.press('Tab');
    await page.fill('[data-test=panel-width]', '8');
    await page.fill('[data-test=panel-height]', '6');
    await page.click('[data-test=save-panel]');
    // 10 + 5 (the open order's 100 left out: unfiltered, the sum is 115).
    await eventually(async () =>
      /(^|\D)15(\D|$)/.test((await page.locator('[data-panel-name=Paid]').textContent()) ?? ''),
    ).toBe(true);
    const panel = (await t.api('GET', '/panels')).body.data.find((p: any) => p.name === 'Paid');
    expect(panel.options.filter).toEqual({ status: { _eq: 'paid' } });
  });

  it('draws a pie chart of a count per group, as a donut with a legend', async () => {
    await page.click('[data-test=add-panel]');
    await page.selectOption('[data-test=panel-type]', 'pie-chart');
    await page.fill('[data-test=panel-name]', 'By status');
    const options = page.locator('[data-test=panel-options]');
    await options.locator('[data-field=collection] select').selectOption('orders');
    await options.locator('[data-field=column] select').selectOption('status');
    await options.locator('[data-field=donut]').getByRole('checkbox').click();
    await options.locator('[data-field=legend] select').selectOption('right');
    await page.fill('[data-test=panel-width]', '10');
    await page.fill('[data-test=panel-height]', '10');
    await page.click('[data-test=save-panel]');
    const pie = page.locator('[data-panel-name="By status"] [data-panel=pie-chart]');
    await eventually(() =>
      pie
        .locator('path[data-slice]')
        .evaluateAll((ps) => ps.map((p) => `${p.getAttribute('data-slice')}=${p.getAttribute('data-value')}`).sort()),
    ).toEqual(['open=1', 'paid=2']);
    expect(await pie.locator('.legend li').count()).toBe(2);
    const saved = (await t.api('GET', '/panels')).body.data.find((p: any) => p.name === 'By status');
    expect(saved).toMatchObject({
      type: 'pie-chart',
      options: { collection: 'orders', column: 'status', donut: true, legend: 'right' },
    });
  });

  it('filters a panel by a dashboard variable that a variable panel sets, starting from its default', async () => {
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    const at = (x: number, y: number) => ({ position_x: x, position_y: y, width: 12, height: 8 });
    await t.api('POST', '/panels', {
      dashboard,
      type: 'variable',
      name: 'Status',
      options: { field: 'status', type: 'string', defaultValue: 'paid' },
      ...at(1, 30),
    });
    await t.api('POST', '/panels', {
      dashboard,
      type: 'metric',
      name: 'Chosen',
      options: { collection: 'orders', field: 'total', function: 'sum', filter: { status: { _eq: '{{ status }}' } } },
      ...at(14, 30),
    });
    await page.reload();
    const metric = page.locator('[data-panel-name=Chosen]');
    const sum = async () => ((await metric.textContent()) ?? '').replace(/\D+/g, ' ').trim();
    // The default: paid orders, 10 + 5.
    await eventually(sum).toBe('15');
    const input = page.locator('[data-panel-name=Status] [data-panel=variable] input');
    expect(await input.inputValue()).toBe('paid');
    await input.fill('open');
    await eventually(sum).toBe('100');
    // Emptied, the variable's rule is left out: every order.
    await input.fill('');
    await eventually(sum).toBe('115');
  });

  it('filters a panel by items picked in a relational variable panel', async () => {
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    const orders = (await t.api('GET', '/items/orders?sort=id')).body.data as { id: number; total: number }[];
    const at = (x: number, y: number) => ({ position_x: x, position_y: y, width: 12, height: 10 });
    await t.api('POST', '/panels', {
      dashboard,
      type: 'relational-variable',
      name: 'Picked orders',
      options: {
        field: 'picked',
        collection: 'orders',
        multiple: true,
        limit: 2,
        displayTemplate: '{{ status }} {{ total }}',
      },
      ...at(1, 40),
    });
    await t.api('POST', '/panels', {
      dashboard,
      type: 'metric',
      name: 'Picked sum',
      options: { collection: 'orders', field: 'total', function: 'sum', filter: { id: { _in: '{{ picked }}' } } },
      ...at(14, 40),
    });
    await page.reload();
    const sum = async () =>
      ((await page.locator('[data-panel-name="Picked sum"]').textContent()) ?? '').replace(/\D+/g, ' ').trim();
    // Nothing picked yet: the rule is left out, every order counts.
    await eventually(sum).toBe('115');
    const panel = page.locator('[data-panel-name="Picked orders"]');
    await panel.locator('[data-test=variable-select] button').click();
    for (const o of orders.filter((o) => o.total !== 100))
      await page.locator(`#dialog-outlet .v-drawer tr.table-row[data-key="${o.id}"]`).click();
    await page.locator('[data-test=drawer-collection-save] button').click();
    await eventually(sum).toBe('15');
    // Each picked item drawn by the panel's template: its fields, not dashboard variables.
    await eventually(async () => (await panel.locator('[data-key] .render-template').allTextContents()).sort()).toEqual(
      ['paid 10', 'paid 5'],
    );
    await panel.locator('[data-test=variable-remove]').first().click();
    await eventually(async () => ['5', '10'].includes(await sum())).toBe(true);
  });

  it("draws Directus's time series, metric list, line and bar charts and a first-value metric from their options", async () => {
    await createCollection(t, 'sales', { placed: 'timestamp', region: 'string', amount: 'integer', qty: 'integer' });
    const day = 86_400_000;
    const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
    await t.api('POST', '/items/sales', [
      { placed: ago(1), region: 'north', amount: 10, qty: 1 },
      { placed: ago(1), region: 'south', amount: 20, qty: 2 },
      { placed: ago(3), region: 'north', amount: 5, qty: 3 },
      { placed: ago(30), region: 'west', amount: 100, qty: 4 },
    ]);
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    const panel = async (type: string, name: string, y: number, options: object) =>
      expect(
        (
          await t.api('POST', '/panels', {
            dashboard,
            type,
            name,
            options,
            position_x: 1,
            position_y: y,
            width: 20,
            height: 10,
          })
        ).status,
      ).toBe(200);
    await panel('time-series', 'Sales per day', 60, {
      collection: 'sales',
      dateField: 'placed',
      valueField: 'amount',
      function: 'sum',
      precision: 'day',
      range: '1 week',
    });
    await panel('metric-list', 'Top regions', 72, {
      collection: 'sales',
      groupByField: 'region',
      aggregateField: 'amount',
      aggregateFunction: 'sum',
      sortDirection: 'desc',
      limit: 2,
      conditionalFormatting: [{ operator: '>=', value: '50', color: 'red' }],
    });
    await panel('bar-chart', 'Per region', 84, {
      collection: 'sales',
      xAxis: 'region',
      yAxis: 'amount',
      function: 'sum',
      conditionalFill: [
        { axis: 'Y', operator: '>', value: '50', color: 'red' },
        { axis: 'X', operator: '=', value: 'south', color: 'blue' },
      ],
    });
    await panel('line-chart', 'Qty by amount', 96, { collection: 'sales', xAxis: 'amount', yAxis: 'qty' });
    await panel('metric', 'Oldest sale', 108, {
      collection: 'sales',
      field: 'amount',
      function: 'first',
      sortField: 'placed',
      prefix: '$',
      conditionalFormatting: [{ operator: '>=', value: '100', color: 'green' }],
    });
    await panel('list', 'Latest sales', 120, {
      collection: 'sales',
      sortField: 'amount',
      sortDirection: 'desc',
      limit: 2,
      displayTemplate: '{{ region }}: {{ amount }}',
      linkToItem: true,
    });
    await panel('meter', 'Quantity', 132, {
      collection: 'sales',
      field: 'qty',
      fn: 'sum',
      max: 20,
      size: 'half',
      conditionalFill: [{ operator: '>=', value: '10', color: 'orange' }],
    });
    await panel('label', 'Sales heading', 144, { text: 'Sales', textAlign: 'left', fontSize: '48px', fontWeight: 400 });
    await page.reload();
    const at = (name: string) => page.locator(`[data-panel-name="${name}"]`);
    // The last week only (the 30-day-old sale left out), summed per UTC day.
    const dayOf = (days: number) => `${ago(days).slice(0, 10)}T00:00:00.000Z`;
    await eventually(() => at('Sales per day').locator('[data-panel=time-series]').getAttribute('data-points')).toBe(
      `${dayOf(3)}=5 ${dayOf(1)}=30`,
    );
    expect(await at('Sales per day').locator('path.line').getAttribute('d')).toMatch(/^M [\d.]+ [\d.]+ C /);
    // Each period's value shows on hover.
    expect(await at('Sales per day').locator('circle.point title').allTextContents()).toEqual([
      `${dayOf(3).slice(0, 10)} 00:00: 5`,
      `${dayOf(1).slice(0, 10)} 00:00: 30`,
    ]);
    // The two largest sums, largest first; the one over 50 in the conditional color.
    await eventually(() => at('Top regions').locator('li').allTextContents()).toEqual(['west100', 'south20']);
    expect(await at('Top regions').locator('li[data-group=west] .value').getAttribute('style')).toMatch(/color: red/);
    expect(await at('Top regions').locator('li[data-group=south] .value').getAttribute('style')).toBeNull();
    await eventually(() =>
      at('Per region')
        .locator('[data-bar]')
        .evaluateAll((bars) =>
          bars
            .map((b) => `${b.getAttribute('data-bar')}=${b.getAttribute('data-value')}:${b.getAttribute('data-fill')}`)
            .sort(),
        ),
    ).toEqual(['north=15:var(--theme--primary)', 'south=20:blue', 'west=100:red']);
    expect(await at('Per region').locator('[data-bar=west]').getAttribute('title')).toBe('west: 100.00');
    await eventually(() => at('Qty by amount').locator('[data-panel=line-chart]').getAttribute('data-points')).toBe(
      '5=3 10=1 20=2 100=4',
    );
    expect(await at('Qty by amount').locator('circle.marker').count()).toBe(4);
    const oldest = at('Oldest sale').locator('[data-test=metric-value]');
    await eventually(() => oldest.textContent()).toBe('$100');
    expect(await oldest.getAttribute('style')).toMatch(/color: green/);
    // The list: the two largest amounts, drawn by the template, each a link to its item.
    await eventually(() => at('Latest sales').locator('li').allTextContents()).toEqual(['west: 100', 'south: 20']);
    const west = (await t.api('GET', '/items/sales?filter[region][_eq]=west')).body.data[0].id;
    expect(await at('Latest sales').locator('[data-test=list-link]').first().getAttribute('href')).toBe(
      `/admin/content/sales/${west}`,
    );
    // The meter: 1 + 2 + 3 + 4 = 10 of 20, over its conditional threshold.
    const meter = at('Quantity').locator('[data-panel=meter]');
    await eventually(() => meter.getAttribute('data-value')).toBe('10');
    expect(await meter.getAttribute('data-share')).toBe('0.5000');
    expect(await meter.getAttribute('data-fill')).toBe('orange');
    const label = at('Sales heading').locator('[data-panel=label]');
    expect(await label.textContent()).toBe('Sales');
    expect(await label.evaluate((el) => [getComputedStyle(el).fontSize, getComputedStyle(el).textAlign])).toEqual([
      '48px',
      'left',
    ]);
    await shot(page, 'insights-directus-panels');
  });

  it("filters a collection by a date part of a date field (Directus's day(placed))", async () => {
    const sales = (await t.api('GET', '/items/sales?fields=id,placed')).body.data as { id: number; placed: string }[];
    const target = sales.find((s) => s.placed === sales.map((x) => x.placed).sort()[1])!;
    await navigate(page, '/content/sales');
    await page.selectOption('[data-test=layout-picker]', 'tabular');
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(4);
    await page.locator('[data-test=filter-toggle] button').click();
    const filter = page.locator('[data-test=collection-filter]');
    await filter.locator('[data-test=filter-add]').selectOption('day(placed)');
    const value = filter.locator('[data-filter-field="day(placed)"] [data-test=filter-value]');
    await value.fill(String(new Date(target.placed).getUTCDate()));
    await value.press('Tab');
    await eventually(() =>
      page
        .locator('[data-layout=tabular] tr[data-item]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-item'))),
    ).toEqual([String(target.id)]);
    await filter.locator('[data-test=filter-remove]').click();
  });

  it("labels a bar chart's many-to-one groups by a field of the related items (Directus's xAxisDisplayField)", async () => {
    await createCollection(t, 'regions', { name: 'string' });
    await createCollection(t, 'deals', {
      amount: 'integer',
      region: { type: 'integer', related_collection: 'regions' },
    });
    const [alps, coast] = (await t.api('POST', '/items/regions', [{ name: 'Alps' }, { name: 'Coast' }])).body.data.map(
      (r: { id: number }) => r.id,
    );
    await t.api('POST', '/items/deals', [
      { amount: 3, region: alps },
      { amount: 4, region: alps },
      { amount: 9, region: coast },
    ]);
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    await t.api('POST', '/panels', {
      dashboard,
      type: 'bar-chart',
      name: 'Deals by region',
      options: { collection: 'deals', xAxis: 'region', yAxis: 'amount', function: 'sum', xAxisDisplayField: 'name' },
      position_x: 1,
      position_y: 160,
      width: 20,
      height: 10,
    });
    // Loaded afresh: the app learns of the new collections and their relation.
    await page.goto(`${t.url}/admin/insights/${dashboard}`);
    const bars = page.locator('[data-panel-name="Deals by region"] [data-bar]');
    await eventually(() =>
      bars.evaluateAll((els) => els.map((b) => `${b.getAttribute('data-bar')}=${b.getAttribute('data-value')}`).sort()),
    ).toEqual(['Alps=7', 'Coast=9']);
  });

  it('refreshes every panel on demand, and duplicates a panel two cells further', async () => {
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    await navigate(page, `/insights/${dashboard}`);
    const oldest = page.locator('[data-panel-name="Oldest sale"] [data-test=metric-value]');
    await eventually(() => oldest.textContent()).toBe('$100');
    await t.api('POST', '/items/sales', {
      placed: new Date(Date.now() - 90 * 86_400_000).toISOString(),
      region: 'east',
      amount: 7,
      qty: 1,
    });
    // Nothing changes until the dashboard is refreshed.
    await page.waitForTimeout(300);
    expect(await oldest.textContent()).toBe('$100');
    // Panels that listen for Directus's insightsStore.refresh (`$onAction`) hear it, with the dashboard.
    await page.evaluate(() => {
      const w = window as any;
      w.__refreshed = [];
      w.__annex.stores
        .useInsightsStore()
        .$onAction(({ name, args }: any) => name === 'refresh' && w.__refreshed.push(args[0]));
    });
    await page.locator('[data-test=refresh-dashboard] button').click();
    await eventually(() => oldest.textContent()).toBe('$7');
    expect(await page.evaluate(() => (window as any).__refreshed)).toEqual([dashboard]);
    // The auto-refresh interval is kept for the dashboard.
    await page.selectOption('[data-test=refresh-interval]', '30');
    await page.reload();
    expect(await page.locator('[data-test=refresh-interval]').inputValue()).toBe('30');
    await page.selectOption('[data-test=refresh-interval]', '0');

    const original = (await t.api('GET', '/panels')).body.data.find((p: any) => p.name === 'Sales heading');
    await page.locator('[data-panel-name="Sales heading"] [data-test=duplicate-panel]').click();
    await eventually(() => page.locator('[data-panel-name="Sales heading"]').count()).toBe(2);
    const copies = (await t.api('GET', '/panels')).body.data.filter((p: any) => p.name === 'Sales heading');
    const copy = copies.find((p: any) => p.id !== original.id);
    expect(copy).toMatchObject({
      type: 'label',
      options: original.options,
      position_x: original.position_x + 2,
      position_y: original.position_y + 2,
      width: original.width,
      height: original.height,
    });
  });

  it("hides a panel's header when its show_header is off, and shows its icon when on (Directus's panel header)", async () => {
    const dashboard = (await t.api('GET', '/dashboards')).body.data[0].id;
    const panel = (await t.api('GET', '/panels')).body.data.find((p: any) => p.name === 'Oldest sale');
    await t.api('PATCH', `/panels/${panel.id}`, { icon: 'payments', note: 'The first sale' });
    await navigate(page, `/insights/${dashboard}`);
    await page.reload();
    const header = page.locator('[data-panel-name="Oldest sale"] header strong');
    await eventually(() => header.getAttribute('title')).toBe('The first sale');
    expect(
      await page
        .locator(
          '[data-panel-name="Oldest sale"] header [data-icon], [data-panel-name="Oldest sale"] header .panel-icon',
        )
        .count(),
    ).toBeGreaterThan(0);
    await t.api('PATCH', `/panels/${panel.id}`, { show_header: false });
    await page.reload();
    await page.locator('[data-panel-name="Oldest sale"] [data-test=metric-value]').waitFor();
    expect(await header.count()).toBe(0);
    await t.api('PATCH', `/panels/${panel.id}`, { show_header: true, icon: null, note: null });
  });

  it('logged no unexpected browser errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
