import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';

// Directus's collection settings beyond the display ones: what is recorded, and the archive.
let t: TestHost;
beforeAll(async () => {
  t = await startHost();
});
afterAll(() => t?.close());

const make = (collection: string, meta: Record<string, unknown> = {}) =>
  t.api('POST', '/collections', {
    collection,
    meta,
    fields: [
      { field: 'title', type: 'string' },
      { field: 'status', type: 'string' },
    ],
  });
const history = async (collection: string) => ({
  activity: (await t.api('GET', `/activity?filter[collection][_eq]=${collection}&fields=action`)).body.data,
  revisions: (await t.api('GET', `/revisions?filter[collection][_eq]=${collection}&fields=id`)).body.data,
});

describe('collection settings', () => {
  it('records activity and revisions, activity only, or nothing (meta.accountability)', async () => {
    expect((await make('recorded_all')).body.data.meta.accountability).toBe('all');
    expect((await make('recorded_activity', { accountability: 'activity' })).status).toBe(200);
    expect((await make('recorded_none', { accountability: null })).status).toBe(200);
    for (const c of ['recorded_all', 'recorded_activity', 'recorded_none']) {
      const id = (await t.api('POST', `/items/${c}`, { title: 'a' })).body.data.id;
      await t.api('PATCH', `/items/${c}/${id}`, { title: 'b' });
    }
    expect(await history('recorded_all')).toMatchObject({ activity: [{}, {}], revisions: [{}, {}] });
    expect(await history('recorded_activity')).toMatchObject({ activity: [{}, {}], revisions: [] });
    expect(await history('recorded_none')).toEqual({ activity: [], revisions: [] });
    // Changed later: from then on.
    expect((await t.api('PATCH', '/collections/recorded_none', { meta: { accountability: 'all' } })).status).toBe(200);
    await t.api('POST', '/items/recorded_none', { title: 'c' });
    expect((await history('recorded_none')).activity).toHaveLength(1);
    const bad = await t.api('PATCH', '/collections/recorded_all', { meta: { accountability: 'some' } });
    expect(bad.status).toBe(400);
  });

  it('keeps an archive field and its values, which must name a field of the collection', async () => {
    const made = await make('archived_posts', {
      archive_field: 'status',
      archive_value: 'archived',
      unarchive_value: 'draft',
    });
    expect(made.body.data.meta).toMatchObject({
      archive_field: 'status',
      archive_value: 'archived',
      unarchive_value: 'draft',
      archive_app_filter: true,
    });
    const off = await t.api('PATCH', '/collections/archived_posts', { meta: { archive_app_filter: false } });
    expect(off.body.data.meta.archive_app_filter).toBe(false);
    for (const meta of [{ archive_field: 'nope' }, { archive_field: 3 }]) {
      const res = await t.api('PATCH', '/collections/archived_posts', { meta });
      expect(res.status, JSON.stringify(meta)).toBe(400);
    }
    expect((await make('archived_bad', { archive_field: 'missing' })).status).toBe(400);
    expect((await t.api('GET', '/collections/archived_bad')).status).not.toBe(200);
  });
});
