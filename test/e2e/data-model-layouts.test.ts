import sharp from 'sharp';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { ensureAppBuilt, eventually, login, navigate, openApp, shot, SKIP_REASON, type E2EBrowser } from './browser.js';

if (SKIP_REASON) console.warn(`[e2e] skipped: ${SKIP_REASON}`);

/** A layout extension with Directus's three slots: an options component, a sidebar and (empty) actions. */
const LAYOUT = `
import { defineLayout, useItems } from '@directus/extensions-sdk';
import { computed, h, ref, toRefs } from 'vue';

export default defineLayout({
  id: 'dm-compact-list',
  name: 'Compact list',
  icon: 'list',
  component: {
    props: ['items', 'compact'],
    // A state key of its own (not a wrapper prop), written back through layoutState's onUpdate handler.
    emits: ['update:highlighted'],
    setup(props, { emit }) {
      return () => h('ul', { class: 'dm-list', 'data-compact': String(props.compact === true) }, (props.items ?? []).map((it) => h('li', { key: it.id, onClick: () => emit('update:highlighted', it.title) }, it.title)));
    },
  },
  slots: {
    options: {
      props: ['compact'],
      emits: ['update:compact'],
      setup(props, { emit }) {
        return () => h('label', [h('input', { type: 'checkbox', 'data-test': 'dm-compact', checked: props.compact === true, onChange: (e) => emit('update:compact', e.target.checked) }), ' Compact']);
      },
    },
    sidebar: {
      props: ['items', 'highlighted'],
      setup(props) {
        return () => [
          h('p', { 'data-test': 'dm-count' }, (props.items ?? []).length + ' items'),
          h('p', { 'data-test': 'dm-highlighted' }, props.highlighted ?? 'none'),
        ];
      },
    },
    actions: () => null,
  },
  setup(props, { emit }) {
    const { collection } = toRefs(props);
    const { items } = useItems(collection, { limit: 100 });
    // Directus layouts keep their options in layoutOptions, written back through the wrapper.
    const compact = computed({
      get: () => props.layoutOptions?.compact === true,
      set: (value) => emit('update:layoutOptions', { ...(props.layoutOptions ?? {}), compact: value }),
    });
    return { items, compact, highlighted: ref(null) };
  },
});
`;

describe.skipIf(Boolean(SKIP_REASON))('content layouts with their options and sidebar in a real browser', () => {
  let t: TestHost;
  let browser: E2EBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureAppBuilt();
    t = await startHost();
    const dir = path.join(t.extensionsPath, 'annex-e2e-dm-layout');
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'annex-e2e-dm-layout',
        version: '1.0.0',
        type: 'module',
        'directus:extension': { type: 'layout', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
      }),
    );
    fs.writeFileSync(path.join(dir, 'dist', 'index.js'), LAYOUT);
    await t.host.kernel.extensions.rescan();
    await createCollection(t, 'notes', { title: 'string' });
    await t.api('POST', '/items/notes', [{ title: 'one' }, { title: 'two' }]);
    ({ browser, page, errors } = await openApp(t));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('offers built-in and extension layouts; a built-in one shows no empty sidebar', async () => {
    await navigate(page, '/content/notes');
    await page.waitForSelector('[data-layout=tabular]');
    const offered = await page.$$eval('[data-test=layout-picker] option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    expect(offered).toEqual(expect.arrayContaining(['tabular', 'cards', 'dm-compact-list']));
    // The table's options (its columns, its page size) are beside it; its empty sidebar and
    // actions (functional components rendering nothing) show no empty panel.
    await page.locator('[data-test=layout-sidebar] [data-test=tabular-options]').waitFor();
    expect(await page.locator('[data-test=layout-sidebar] > *').count()).toBe(1);
  });

  it('renders the extension layout with its options component and sidebar; an option changes the layout and is kept', async () => {
    await page.selectOption('[data-test=layout-picker]', 'dm-compact-list');
    await page.waitForSelector('.dm-list li');
    await eventually(() => page.locator('[data-test=dm-count]').textContent()).toBe('2 items');
    expect(await page.getAttribute('.dm-list', 'data-compact')).toBe('false');
    await page.check('[data-test=layout-options] [data-test=dm-compact]');
    await eventually(() => page.getAttribute('.dm-list', 'data-compact')).toBe('true');
    await shot(page, 'dm-layout-options');
    // The layout's component writes a key of the layout's own state (Directus's onUpdate handlers);
    // the sidebar, bound to the same layoutState, shows it.
    expect(await page.locator('[data-test=dm-highlighted]').textContent()).toBe('none');
    const first = page.locator('.dm-list li').first();
    const title = await first.textContent();
    await first.click();
    await eventually(() => page.locator('[data-test=dm-highlighted]').textContent()).toBe(title);
    await page.reload();
    await page.waitForSelector('.dm-list li');
    expect(await page.getAttribute('.dm-list', 'data-compact')).toBe('true');
    expect(await page.isChecked('[data-test=layout-options] [data-test=dm-compact]')).toBe(true);
  });

  it('keeps the choice in the user’s preset on the host, so another browser opens the collection the same way', async () => {
    const presets = (
      await t.api('GET', `/presets?filter=${encodeURIComponent(JSON.stringify({ collection: { _eq: 'notes' } }))}`)
    ).body.data;
    expect(presets).toHaveLength(1);
    expect(presets[0]).toMatchObject({
      layout: 'dm-compact-list',
      layout_options: { 'dm-compact-list': { compact: true } },
    });
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const fresh = await other.newPage();
      await login(fresh, t);
      await navigate(fresh, '/content/notes');
      await fresh.waitForSelector('.dm-list li');
      expect(await fresh.getAttribute('.dm-list', 'data-compact')).toBe('true');
    } finally {
      await other.close();
    }
  });

  it("pages, sorts and picks the table's columns, and draws cards from templates and an image field, kept in the preset", async () => {
    await createCollection(t, 'books', {
      title: 'string',
      year: 'integer',
      cover: {
        type: 'uuid',
        related_collection: 'directus_files',
        meta: { special: ['file'], interface: 'file-image' },
      },
    });
    const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 30, g: 90, b: 200 } } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'cover.png');
    const cover = (
      (await (
        await fetch(`${t.url}/files`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${t.token}` } })
      ).json()) as { data: { id: string } }
    ).data.id;
    const books = Array.from({ length: 12 }, (_, i) => ({ title: `Book ${i + 1}`, year: 2000 + ((i * 7) % 12) }));
    const created = (await t.api('POST', '/items/books', books)).body.data as { id: number; year: number }[];
    await t.api('PATCH', `/items/books/${created[0].id}`, { cover });
    const rows = () =>
      page.locator('[data-layout] [data-item]').evaluateAll((r) => r.map((x) => Number(x.getAttribute('data-item'))));
    const preset = async () =>
      (await t.api('GET', '/presets?filter[collection][_eq]=books')).body.data[0] as {
        layout: string;
        layout_query: Record<string, { limit?: number; page?: number; sort?: string[]; fields?: string[] }>;
        layout_options: Record<string, Record<string, unknown>>;
      };

    // The app learns of a collection made after it loaded on its next load.
    await navigate(page, '/content/books');
    await page.reload();
    await eventually(async () => (await rows()).length).toBe(12);
    // Ten a page: two pages, the second holding the last two.
    await page.selectOption('[data-test=layout-limit]', '10');
    await eventually(async () => (await rows()).length).toBe(10);
    await page.locator('[data-test=layout-pages] button', { hasText: '2' }).click();
    await eventually(async () => (await rows()).length).toBe(2);
    await eventually(async () => (await preset())?.layout_query?.tabular).toMatchObject({ limit: 10, page: 2 });
    // A click on a column sorts by it (back on page one), a second click the other way.
    const byYear = [...created].sort((a, b) => a.year - b.year || a.id - b.id);
    await page.locator('th[data-column=year] [data-test=sort-column]').click();
    await eventually(async () => (await rows())[0]).toBe(byYear[0].id);
    expect(await page.getAttribute('th[data-column=year]', 'aria-sort')).toBe('ascending');
    await page.locator('th[data-column=year] [data-test=sort-column]').click();
    await eventually(async () => (await rows())[0]).toBe(byYear[byYear.length - 1].id);
    expect((await preset()).layout_query.tabular).toMatchObject({ sort: ['-year'], page: 1 });
    // A column's edge resizes it; the width is the preset's (Directus's layout option `widths`).
    const titleHead = page.locator('th[data-column=title]');
    const before = (await titleHead.boundingBox())!.width;
    const edge = (await titleHead.locator('[data-test=column-resize]').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 4; i++) await page.mouse.move(edge.x + edge.width / 2 + 20 * i, edge.y + edge.height / 2);
    await page.mouse.up();
    const width = async () => ((await preset()).layout_options?.tabular?.widths as Record<string, number>)?.title;
    await eventually(width).toBeGreaterThan(0);
    const saved = await width();
    expect(Math.abs(saved - (before + 80))).toBeLessThanOrEqual(2);
    expect(Math.abs((await titleHead.boundingBox())!.width - saved)).toBeLessThanOrEqual(2);
    // A header dragged onto another moves its column there (the preset's `fields` order).
    const order = async () =>
      page.locator('th[data-column]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column')));
    const columns = await order();
    expect(columns.indexOf('year')).toBeGreaterThan(columns.indexOf('title'));
    await page.locator('th[data-column=year]').dragTo(titleHead);
    await eventually(async () => {
      const now = await order();
      return now.indexOf('year') < now.indexOf('title');
    }).toBe(true);
    await eventually(async () => (await preset()).layout_query.tabular.fields?.indexOf('year')).toBe(
      (await order()).indexOf('year'),
    );
    // A header's menu aligns its column (Directus's `align` option) and hides it.
    await page.locator('th[data-column=year] [data-test=column-menu]').click();
    await page.locator('th[data-column=year] [data-align=right]').click();
    const yearCell = page
      .locator('[data-layout=tabular] tbody tr')
      .first()
      .locator('td')
      .nth((await order()).indexOf('year') + 1);
    await eventually(() => yearCell.evaluate((td) => getComputedStyle(td).textAlign)).toBe('right');
    await eventually(async () => (await preset()).layout_options.tabular?.align).toEqual({ year: 'right' });
    // Spacing, another of the table's options.
    await page.selectOption('[data-test=tabular-spacing]', 'compact');
    await eventually(() => page.locator('[data-layout=tabular]').getAttribute('class')).toContain('spacing-compact');
    await eventually(async () => (await preset()).layout_options.tabular?.spacing).toBe('compact');
    // Columns: the year column leaves the table from its header's menu, comes back (last) from the
    // options, and leaves again.
    await page.locator('th[data-column=year] [data-test=column-menu]').click();
    await page.locator('th[data-column=year] [data-test=column-hide]').click();
    await eventually(() => page.locator('th[data-column=year]').count()).toBe(0);
    // The preset is saved after the table changed (its own request): waited for, not read at once.
    await eventually(async () => (await preset()).layout_query.tabular.fields.includes('year')).toBe(false);
    await page.locator('[data-column-toggle=year]').click();
    await eventually(async () => (await order()).at(-1)).toBe('year');
    await page.locator('[data-column-toggle=year]').click();
    await eventually(() => page.locator('th[data-column=year]').count()).toBe(0);
    // The preset is saved after the table changed (its own request): waited for, not read at once.
    await eventually(async () => (await preset()).layout_query.tabular.fields.includes('year')).toBe(false);
    // Cards: a title template, a subtitle template and the cover as each card's image.
    await page.selectOption('[data-test=layout-picker]', 'cards');
    await page.waitForSelector('[data-layout=cards] [data-item]');
    await page.selectOption('[data-test=cards-image-source]', 'cover');
    await page.locator('[data-test=cards-title] input').fill('{{ title }}');
    await page.locator('[data-test=cards-subtitle] input').fill('Published {{ year }}');
    const first = page.locator(`[data-layout=cards] [data-item="${created[0].id}"]`);
    await page.selectOption('[data-test=layout-limit]', '25');
    await eventually(() => first.locator('.card-subtitle').textContent()).toContain(`Published ${created[0].year}`);
    expect((await first.locator('.card-title').textContent())?.trim()).toBe('Book 1');
    await eventually(() =>
      first.locator('img[data-test=card-image]').evaluate((el) => (el as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(0);
    expect(await page.locator(`[data-layout=cards] [data-item="${created[1].id}"] img`).count()).toBe(0);
    await eventually(async () => (await preset()).layout_options.cards).toMatchObject({
      imageSource: 'cover',
      title: '{{ title }}',
      subtitle: 'Published {{ year }}',
    });
    // Opened again, the page draws the same cards from the preset.
    await page.reload();
    await eventually(() => first.locator('.card-subtitle').textContent()).toContain('Published');
  }, 120_000);

  it('moves a card between kanban columns, and places items on the calendar from their start to their end date', async () => {
    const choices = [
      { text: 'To do', value: 'todo' },
      { text: 'Doing', value: 'doing' },
      { text: 'Done', value: 'done' },
    ];
    await createCollection(t, 'tasks', {
      title: 'string',
      status: { type: 'string', meta: { interface: 'select-dropdown', options: { choices } } },
      due: 'date',
      ends: 'date',
      labels: { type: 'json', meta: { interface: 'tags' } },
    });
    const now = new Date();
    const day = (d: number) =>
      `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const tasks = (
      await t.api('POST', '/items/tasks', [
        { title: 'Write', status: 'todo', due: day(5), ends: day(7), labels: ['urgent', 'docs'] },
        { title: 'Review', status: 'doing', due: day(12), ends: null },
      ])
    ).body.data as { id: number }[];
    await navigate(page, '/content/tasks');
    await page.reload();
    await page.selectOption('[data-test=layout-picker]', 'kanban');
    const titles = () =>
      page.$$eval('[data-layout=kanban] .column h3', (els) => els.map((e) => e.firstChild?.textContent?.trim()));
    await eventually(titles).toEqual(['To do', 'Doing', 'Done']);
    // Dropped on Done, the card's item is done on the host.
    await page
      .locator(`[data-layout=kanban] [data-item="${tasks[0].id}"]`)
      .dragTo(page.locator('[data-layout=kanban] .column[data-group=done]'));
    await eventually(async () => (await t.api('GET', `/items/tasks/${tasks[0].id}`)).body.data.status).toBe('done');
    await eventually(() => page.locator(`.column[data-group=done] [data-item="${tasks[0].id}"]`).count()).toBe(1);
    // Directus's card options: a date and tags on each card.
    await page.selectOption('[data-test=kanban-date-field]', 'due');
    await page.selectOption('[data-test=kanban-tags-field]', 'labels');
    const card = page.locator(`[data-layout=kanban] [data-item="${tasks[0].id}"]`);
    await eventually(() => card.locator('[data-test=kanban-tag]').allTextContents()).toEqual(['urgent', 'docs']);
    expect(await card.locator('[data-test=kanban-date]').textContent()).toContain(String(now.getFullYear()));
    // The calendar: start and end fields, a template for each entry.
    await page.selectOption('[data-test=layout-picker]', 'calendar');
    await page.selectOption('[data-test=calendar-start]', 'due');
    await page.selectOption('[data-test=calendar-end]', 'ends');
    await page.locator('[data-test=calendar-template] input').fill('{{ title }} ({{ status }})');
    for (const d of [5, 6, 7]) await page.locator(`[data-date="${day(d)}"] [data-item="${tasks[0].id}"]`).waitFor();
    expect(await page.locator(`[data-date="${day(8)}"] [data-item]`).count()).toBe(0);
    await eventually(() =>
      page.locator(`[data-date="${day(12)}"] [data-item="${tasks[1].id}"]`).textContent(),
    ).toContain('Review (doing)');
    // Another month holds neither.
    await page.click('[data-test=calendar-next]');
    await eventually(() => page.locator('[data-layout=calendar] [data-item]').count()).toBe(0);
    expect(
      (await t.api('GET', '/presets?filter[collection][_eq]=tasks')).body.data[0].layout_options.calendar,
    ).toMatchObject({
      startDateField: 'due',
      endDateField: 'ends',
    });
    // A week at a time (Directus's `viewInfo.type: dayGridWeek`): this month again, then the week of the 5th.
    await page.click('[data-test=calendar-previous]');
    await page.click('[data-test=calendar-view-week]');
    await eventually(() => page.locator('[data-layout=calendar] .day').count()).toBe(7);
    const mondayOf = (d: Date) =>
      new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7)).getTime();
    const weeks = Math.round(
      (mondayOf(new Date(now.getFullYear(), now.getMonth(), 5)) - mondayOf(now)) / (7 * 86_400_000),
    );
    for (let i = 0; i < Math.abs(weeks); i++)
      await page.click(`[data-test=calendar-${weeks < 0 ? 'previous' : 'next'}]`);
    await page.locator(`[data-date="${day(5)}"] [data-item="${tasks[0].id}"]`).waitFor();
    expect(await page.locator('[data-layout=calendar] .day').count()).toBe(7);
    const viewInfo = async () =>
      (await t.api('GET', '/presets?filter[collection][_eq]=tasks')).body.data[0].layout_options.calendar.viewInfo;
    await eventually(viewInfo).toEqual({ type: 'timeGridWeek' });
    // The week as a list of the days with items (Directus's `listWeek`).
    await page.click('[data-test=calendar-view-list]');
    await page.locator(`[data-test=calendar-list] [data-date="${day(5)}"] [data-item="${tasks[0].id}"]`).waitFor();
    const listed = await page.$$eval('[data-test=calendar-list] [data-date]', (els) =>
      els.map((e) => e.getAttribute('data-date')),
    );
    expect(listed.every((d) => d! >= day(1).slice(0, 8) && d !== day(8))).toBe(true);
    await eventually(viewInfo).toEqual({ type: 'listWeek' });
    // One day (`timeGridDay`), moved to the 5th with previous/next.
    await page.click('[data-test=calendar-view-day]');
    await eventually(() => page.locator('[data-layout=calendar] .day').count()).toBe(1);
    const shown = (await page.locator('[data-layout=calendar] .day').getAttribute('data-date'))!;
    const diff = Math.round((Date.parse(`${day(5)}T12:00:00`) - Date.parse(`${shown}T12:00:00`)) / 86_400_000);
    for (let i = 0; i < Math.abs(diff); i++) await page.click(`[data-test=calendar-${diff < 0 ? 'previous' : 'next'}]`);
    await page.locator(`[data-date="${day(5)}"] [data-item="${tasks[0].id}"]`).waitFor();
    await page.click('[data-test=calendar-next]');
    await page.click('[data-test=calendar-next]');
    await page.click('[data-test=calendar-next]');
    await eventually(() => page.locator('[data-layout=calendar] [data-item]').count()).toBe(0);
    await eventually(viewInfo).toEqual({ type: 'timeGridDay' });
  }, 120_000);

  it('draws the week and the day as time grids: an item at its hours, overlapping items side by side, dates in the all-day row', async () => {
    await createCollection(t, 'meetings', { title: 'string', starts: 'dateTime', ends: 'dateTime' });
    const now = new Date();
    const local = (h: number, m = 0) => new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, m).toISOString();
    const made = (
      await t.api('POST', '/items/meetings', [
        { title: 'Standup', starts: local(14, 30), ends: local(15, 30) },
        { title: 'Overlap', starts: local(15), ends: local(16) },
        { title: 'Offsite', starts: local(9), ends: new Date(now.getTime() + 2 * 86_400_000).toISOString() },
      ])
    ).body.data as { id: number }[];
    await navigate(page, '/content/meetings');
    await page.reload();
    await page.selectOption('[data-test=layout-picker]', 'calendar');
    await page.selectOption('[data-test=calendar-start]', 'starts');
    await page.selectOption('[data-test=calendar-end]', 'ends');
    for (const view of ['week', 'day']) {
      await page.click(`[data-test=calendar-view-${view}]`);
      const standup = page.locator(`[data-test=calendar-time-grid] .tg-timed [data-item="${made[0].id}"]`);
      await standup.waitFor();
      expect(await standup.getAttribute('data-start-minute')).toBe(String(14 * 60 + 30));
      // 14:30 is 14.5 hours of 40 px below the top of the day's column; the hour is 60 minutes tall.
      const box = await standup.evaluate((el) => ({
        top: (el as HTMLElement).offsetTop,
        height: (el as HTMLElement).offsetHeight,
        width: (el as HTMLElement).offsetWidth,
        column: (el.parentElement as HTMLElement).offsetWidth,
      }));
      expect(box.top).toBe(580);
      expect(box.height).toBeGreaterThanOrEqual(36);
      expect(box.width).toBeLessThan(box.column * 0.6); // beside "Overlap"
      // The meeting over three days is in the all-day row, not at its hours.
      await page.locator(`.tg-allday [data-item="${made[2].id}"]`).first().waitFor();
      expect(await page.locator(`.tg-timed [data-item="${made[2].id}"]`).count()).toBe(0);
    }
    await shot(page, 'calendar-time-grid');
    // Dragged to 10 o'clock (taken 12 px below its top, under the start's resize edge, and dropped 412 px
    // below the day's top: 10 hours of 40 px), it moves there and keeps its hour (FullCalendar's drag in Directus).
    const read = async (id: number) => {
      const { starts, ends } = (await t.api('GET', `/items/meetings/${id}`)).body.data;
      return { starts: new Date(starts), ends: new Date(ends) };
    };
    const standup = page.locator(`[data-test=calendar-time-grid] .tg-timed [data-item="${made[0].id}"]`);
    await standup.dragTo(page.locator('[data-test=calendar-time-grid] .tg-timed').first(), {
      sourcePosition: { x: 5, y: 12 },
      targetPosition: { x: 5, y: 412 },
    });
    await eventually(async () => (await read(made[0].id)).starts.getHours()).toBe(10);
    const moved = await read(made[0].id);
    expect([moved.starts.getMinutes(), moved.ends.getTime() - moved.starts.getTime()]).toEqual([0, 3_600_000]);
    expect(moved.starts.getDate()).toBe(now.getDate());
    await eventually(() => standup.getAttribute('data-start-minute')).toBe(String(10 * 60));
    // Its bottom edge dragged to noon (480 px: 12 hours of 40 px): it ends at noon (FullCalendar's resize).
    await standup
      .locator('[data-test=calendar-resize-end]')
      .dragTo(page.locator('[data-test=calendar-time-grid] .tg-timed').first(), {
        targetPosition: { x: 5, y: 480 },
      });
    await eventually(async () => (await read(made[0].id)).ends.getHours()).toBe(12);
    expect((await read(made[0].id)).starts.getHours()).toBe(10);
    // Its top edge dragged to 9 o'clock (360 px): it starts at 9 and still ends at noon (`eventResizableFromStart`).
    await eventually(() => standup.getAttribute('data-start-minute')).toBe(String(10 * 60));
    await standup
      .locator('[data-test=calendar-resize-start]')
      .dragTo(page.locator('[data-test=calendar-time-grid] .tg-timed').first(), {
        targetPosition: { x: 5, y: 360 },
      });
    await eventually(async () => (await read(made[0].id)).starts.getHours()).toBe(9);
    expect((await read(made[0].id)).ends.getHours()).toBe(12);
    // In the month, dropped on another day: that day, at its own hours.
    await page.click('[data-test=calendar-view-month]');
    const other = new Date(now.getFullYear(), now.getMonth(), now.getDate() === 1 ? 2 : now.getDate() - 1);
    const otherDay = `${other.getFullYear()}-${String(other.getMonth() + 1).padStart(2, '0')}-${String(other.getDate()).padStart(2, '0')}`;
    await page.locator(`.month [data-item="${made[1].id}"]`).dragTo(page.locator(`.month [data-date="${otherDay}"]`));
    await eventually(async () => (await read(made[1].id)).starts.getDate()).toBe(other.getDate());
    const overlap = await read(made[1].id);
    expect([overlap.starts.getHours(), overlap.ends.getHours()]).toEqual([15, 16]);
    // Its right edge dragged to the next day: it ends there, at its own hour (a resize across days).
    const next = new Date(other.getFullYear(), other.getMonth(), other.getDate() + 1);
    const nextDay = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`;
    await page
      .locator(`.month [data-date="${otherDay}"] [data-item="${made[1].id}"] [data-test=calendar-resize-end]`)
      .dragTo(page.locator(`.month [data-date="${nextDay}"]`));
    await eventually(async () => (await read(made[1].id)).ends.getDate()).toBe(next.getDate());
    const stretched = await read(made[1].id);
    expect([stretched.starts.getDate(), stretched.starts.getHours(), stretched.ends.getHours()]).toEqual([
      other.getDate(),
      15,
      16,
    ]);
    await page.locator(`.month [data-date="${nextDay}"] [data-item="${made[1].id}"]`).waitFor();
  }, 120_000);

  it("groups the board by a many-to-one's related items and keeps the collection's manual order in a column", async () => {
    await createCollection(t, 'owners', { name: 'string' });
    const [ada, bo] = (await t.api('POST', '/items/owners', [{ name: 'Ada' }, { name: 'Bo' }])).body.data.map(
      (o: { id: number }) => o.id,
    );
    const made = await t.api('POST', '/collections', {
      collection: 'jobs',
      meta: { sort_field: 'sort' },
      fields: [
        { field: 'title', type: 'string' },
        { field: 'sort', type: 'integer' },
        { field: 'owner', type: 'integer', related_collection: 'owners' },
        { field: 'assignee', type: 'uuid', related_collection: 'directus_users' },
      ],
    });
    const kim = (await t.api('POST', '/users', { email: 'kim@example.com', first_name: 'Kim', last_name: 'Lee' })).body
      .data.id;
    expect(made.status).toBe(200);
    const jobs = (
      await t.api('POST', '/items/jobs', [
        { title: 'One', sort: 1, owner: ada, assignee: kim },
        { title: 'Two', sort: 2, owner: ada },
        { title: 'Three', sort: 3, owner: ada },
        { title: 'Four', sort: 4, owner: null },
      ])
    ).body.data.map((j: { id: number }) => j.id) as number[];
    await navigate(page, '/content/jobs');
    await page.reload();
    await page.selectOption('[data-test=layout-picker]', 'kanban');
    await page.selectOption('[data-test=kanban-group]', 'owner');
    await page.selectOption('[data-test=kanban-group-title]', 'name');
    const board = page.locator('[data-layout=kanban]');
    const columns = () =>
      board
        .locator('.column')
        .evaluateAll((cols) =>
          cols.map((c) => [
            c.querySelector('h3')?.firstChild?.textContent?.trim(),
            [...c.querySelectorAll('[data-item]')].map((i) => i.getAttribute('data-item')),
          ]),
        );
    const ids = (...n: number[]) => n.map((i) => String(jobs[i]));
    // A column per owner (Bo's empty one too), titled by the chosen field; the unowned job apart.
    await eventually(columns).toEqual([
      ['Ungrouped', ids(3)],
      ['Ada', ids(0, 1, 2)],
      ['Bo', []],
    ]);
    // Dropped on another card, a card takes its place in the manual order (Directus's /utils/sort).
    await board.locator(`[data-item="${jobs[2]}"]`).dragTo(board.locator(`[data-item="${jobs[0]}"]`));
    await eventually(columns).toEqual([
      ['Ungrouped', ids(3)],
      ['Ada', ids(2, 0, 1)],
      ['Bo', []],
    ]);
    // Dropped on Bo's column, the job is Bo's on the host.
    await board.locator(`[data-item="${jobs[0]}"]`).dragTo(board.locator(`.column[data-group="${bo}"]`));
    await eventually(async () => (await t.api('GET', `/items/jobs/${jobs[0]}`)).body.data.owner).toBe(bo);
    await eventually(columns).toEqual([
      ['Ungrouped', ids(3)],
      ['Ada', ids(2, 1)],
      ['Bo', ids(0)],
    ]);
    // Directus's `userField`: the card shows who it is assigned to.
    await page.selectOption('[data-test=kanban-user-field]', 'assignee');
    const assigned = board.locator(`[data-item="${jobs[0]}"] [data-test=kanban-user]`);
    await eventually(() => assigned.textContent()).toBe('KL');
    expect(await assigned.getAttribute('title')).toBe('Kim Lee');
    const saved = (await t.api('GET', '/presets?filter[collection][_eq]=jobs')).body.data[0].layout_options.kanban;
    expect(saved).toMatchObject({ groupField: 'owner', groupTitle: 'name' });
  }, 120_000);

  it('draws related values, users and files in the table through their displays, loading the related fields they name', async () => {
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'shelves', {
      label: 'string',
      author: {
        type: 'integer',
        related_collection: 'authors',
        meta: { display: 'related-values', display_options: { template: '{{ name }}!' } },
      },
      owner: {
        type: 'uuid',
        related_collection: 'directus_users',
        meta: { display: 'user', display_options: { display: 'name' } },
      },
      scan: { type: 'uuid', related_collection: 'directus_files', meta: { special: ['file'], display: 'file' } },
    });
    const author = (await t.api('POST', '/items/authors', { name: 'Le Guin' })).body.data.id;
    const me = (await t.api('PATCH', '/users/me', { first_name: 'Ada', last_name: 'Admin' })).body.data.id;
    const form = new FormData();
    form.append('title', 'Shelf scan');
    form.append('file', new Blob(['scan'], { type: 'text/plain' }), 'scan.txt');
    const scan = (
      (await (
        await fetch(`${t.url}/files`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${t.token}` } })
      ).json()) as {
        data: { id: string };
      }
    ).data.id;
    const shelf = (await t.api('POST', '/items/shelves', { label: 'Top', author, owner: me, scan })).body.data.id;
    await navigate(page, '/content/shelves');
    await page.reload();
    const cell = (column: string) =>
      page.locator(`[data-layout=tabular] tr[data-item="${shelf}"] td`).nth(columnIndex[column]!);
    await page.waitForSelector('[data-layout=tabular] th[data-column=scan]');
    // Every header cell (the selection column's too), so an index is the row cell's.
    const columns = await page.$$eval('[data-layout=tabular] thead th', (ths) =>
      ths.map((th) => th.getAttribute('data-column')),
    );
    const columnIndex = Object.fromEntries(columns.map((c, i) => [c, i]));
    await eventually(() => cell('author').textContent()).toContain('Le Guin!');
    expect((await cell('owner').textContent())?.trim()).toBe('Ada Admin');
    expect(await cell('scan').textContent()).toContain('Shelf scan');
    expect(await cell('scan').locator('[data-display=file]').count()).toBe(1);
  }, 120_000);

  it('selects rows in the table to edit them together or delete them after a confirmation', async () => {
    await createCollection(t, 'crates', { label: 'string', place: 'string' });
    const crates = (
      await t.api(
        'POST',
        '/items/crates',
        ['a', 'b', 'c', 'd'].map((label) => ({ label, place: 'dock' })),
      )
    ).body.data as { id: number }[];
    await navigate(page, '/content/crates');
    await page.reload();
    const row = (id: number) => page.locator(`[data-layout=tabular] tr[data-item="${id}"]`);
    await row(crates[0].id).waitFor();
    expect(await page.locator('[data-test=batch-edit]').count()).toBe(0);
    await row(crates[0].id).locator('[data-test=select-row]').click();
    await row(crates[1].id).locator('[data-test=select-row]').click();
    // Selecting does not open the item.
    expect(page.url()).toMatch(/\/content\/crates$/);
    await page.locator('[data-test=batch-edit] button').click();
    await page.locator('.drawer-batch-form [data-field=place] input').fill('attic');
    await page.locator('[data-test=drawer-batch-save] button').click();
    await eventually(async () =>
      (await t.api('GET', '/items/crates?sort=id')).body.data.map((c: { place: string }) => c.place),
    ).toEqual(['attic', 'attic', 'dock', 'dock']);
    // The header's box selects the whole page; a cancelled delete keeps everything.
    await page.locator('[data-test=select-all]').click();
    await eventually(() => page.locator('[data-test=batch-delete]').textContent()).toContain('4');
    await page.locator('[data-test=select-all]').click();
    await row(crates[2].id).locator('[data-test=select-row]').click();
    await row(crates[3].id).locator('[data-test=select-row]').click();
    await page.locator('[data-test=batch-delete] button').click();
    await page.keyboard.press('Escape');
    expect((await t.api('GET', '/items/crates')).body.data).toHaveLength(4);
    await page.locator('[data-test=batch-delete] button').click();
    await page.locator('[data-test=confirm-batch-delete] button').click();
    await eventually(async () =>
      (await t.api('GET', '/items/crates?sort=id')).body.data.map((c: { id: number }) => c.id),
    ).toEqual([crates[0].id, crates[1].id]);
    await eventually(() => page.locator('[data-layout=tabular] tr[data-item]').count()).toBe(2);
    expect(await page.locator('[data-test=batch-delete]').count()).toBe(0);
  }, 120_000);

  it("reorders the board's columns when the groups' collection has a manual order", async () => {
    const phases = await t.api('POST', '/collections', {
      collection: 'phases',
      meta: { sort_field: 'sort' },
      fields: [
        { field: 'name', type: 'string' },
        { field: 'sort', type: 'integer' },
      ],
    });
    expect(phases.status).toBe(200);
    const [first, second, third] = (
      await t.api('POST', '/items/phases', [
        { name: 'Plan', sort: 1 },
        { name: 'Build', sort: 2 },
        { name: 'Ship', sort: 3 },
      ])
    ).body.data.map((p: { id: number }) => p.id);
    await createCollection(t, 'steps', { title: 'string' });
    await t.api('POST', '/fields/steps', { field: 'phase', type: 'integer', related_collection: 'phases' });
    await t.api('POST', '/items/steps', [
      { title: 'a', phase: first },
      { title: 'b', phase: third },
    ]);
    await navigate(page, '/content/steps');
    await page.reload();
    await page.selectOption('[data-test=layout-picker]', 'kanban');
    await page.selectOption('[data-test=kanban-group]', 'phase');
    await page.selectOption('[data-test=kanban-group-title]', 'name');
    const board = page.locator('[data-layout=kanban]');
    const titles = () =>
      board.locator('.column h3').evaluateAll((hs) => hs.map((h) => h.firstChild?.textContent?.trim()));
    await eventually(titles).toEqual(['Plan', 'Build', 'Ship']);
    // Ship dragged onto Plan takes its place, on the host too (Directus's /utils/sort of the phases).
    await board.locator(`.column[data-group="${third}"] h3`).dragTo(board.locator(`.column[data-group="${first}"] h3`));
    await eventually(titles).toEqual(['Ship', 'Plan', 'Build']);
    const order = (await t.api('GET', '/items/phases?sort=sort&fields=id')).body.data.map((p: { id: number }) => p.id);
    expect(order).toEqual([third, first, second]);
    // The cards went with their columns.
    expect(await board.locator(`.column[data-group="${third}"] [data-item]`).count()).toBe(1);
  });

  it('logged no unexpected browser errors', () => {
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
