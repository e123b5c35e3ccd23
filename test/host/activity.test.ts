import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

/** The activity log (`directus_activity`): who changed extensions and who logged in, readable but not writable. */
let t: TestHost;
let sampleId: string;
let adminId: string;
beforeAll(async () => {
  t = await startHost({
    extensions: ['extensions/annex-sample-endpoint', 'extensions/annex-sample-sandboxed-endpoint'],
  });
  sampleId = (await t.api('GET', '/extensions')).body.data.find(
    (e: any) => e.annex?.name === 'annex-sample-endpoint',
  ).id;
  adminId = (await t.api('GET', '/users/me')).body.data.id;
});
afterAll(() => t?.close());

const activity = async (query = '') => (await t.api('GET', `/activity?sort=-id${query}`)).body.data as any[];

describe('activity log', () => {
  it('records logins with the user and address', async () => {
    const rows = await activity('&filter[action][_eq]=login');
    expect(rows[0]).toMatchObject({
      action: 'login',
      collection: 'directus_users',
      item: adminId,
      user: adminId,
      ip: '127.0.0.1',
    });
  });

  it('records who disabled and enabled an extension (REST) and who granted scopes (GraphQL), with what changed', async () => {
    await fetch(`${t.url}/extensions/${sampleId}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${t.token}`,
        'Content-Type': 'application/json',
        'User-Agent': 'activity-test/1.0',
      },
      body: JSON.stringify({ meta: { enabled: false } }),
    });
    await t.api('PATCH', `/extensions/${sampleId}`, { meta: { enabled: true } });
    const [enabled, disabled] = await activity('&filter[item][_eq]=annex-sample-endpoint');
    expect(disabled).toMatchObject({
      action: 'update',
      collection: 'directus_extensions',
      user: adminId,
      user_agent: 'activity-test/1.0',
      details: { enabled: false },
    });
    expect(enabled.details).toEqual({ enabled: true });
    expect(Date.parse(disabled.timestamp)).toBeGreaterThan(Date.now() - 60_000);

    const gql = await t.api('POST', '/graphql/system', {
      query: 'mutation { grant_extension_scopes(id: "annex-sample-sandboxed-endpoint", scopes: { log: {} }) { name } }',
    });
    expect(gql.body.errors).toBeUndefined();
    const [grant] = await activity('&filter[action][_eq]=grant');
    expect(grant).toMatchObject({
      item: 'annex-sample-sandboxed-endpoint',
      user: adminId,
      details: { scopes: { log: {} } },
    });
  });

  it('cannot be written, edited or deleted over the API, even by an admin, nor read without a permission', async () => {
    const before = (await activity()).length;
    expect((await t.api('POST', '/activity', { action: 'login', collection: 'x' })).status).toBe(404);
    const first = (await activity())[0];
    expect((await t.api('PATCH', `/activity/${first.id}`, { user: null })).status).toBe(404);
    expect((await t.api('DELETE', `/activity/${first.id}`)).status).toBe(404);
    expect((await t.api('GET', '/items/directus_activity')).status).toBe(403);
    expect((await activity()).length).toBe(before);
    const viewer = await createUser(t, 'viewer', []);
    expect((await t.api('GET', '/activity', undefined, viewer.token)).status).toBe(403);
    expect((await t.api('GET', '/activity', undefined, null)).status).toBe(403);
  });
});
