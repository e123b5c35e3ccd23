import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

/**
 * Directus's presets: every app user keeps their own layout, query and options per collection in
 * directus_presets, reads the role's and everyone's, and cannot read or change another user's.
 */
describe('/presets', () => {
  let t: TestHost;
  let ada: { token: string; userId: string; roleId: string };
  let bob: { token: string; userId: string; roleId: string };

  beforeAll(async () => {
    t = await startHost();
    ada = await createUser(t, 'ada', []);
    bob = await createUser(t, 'bob', []);
  });
  afterAll(async () => t?.close());

  it('an app user creates their own preset without naming themselves, and reads it back with JSON intact', async () => {
    const created = await t.api(
      'POST',
      '/presets',
      {
        collection: 'notes',
        layout: 'cards',
        layout_query: { cards: { sort: ['-title'] } },
        layout_options: { cards: { size: 3 } },
      },
      ada.token,
    );
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      user: ada.userId,
      collection: 'notes',
      layout: 'cards',
      layout_query: { cards: { sort: ['-title'] } },
      layout_options: { cards: { size: 3 } },
    });
    const mine = await t.api('GET', '/presets', undefined, ada.token);
    expect(mine.body.data.map((p: { layout: string }) => p.layout)).toEqual(['cards']);
  });

  it('reads the role preset and the global preset, never another user’s', async () => {
    await t.api(
      'POST',
      '/presets',
      { collection: 'notes', layout: 'tabular', role: ada.roleId, user: null },
      undefined,
    );
    await t.api('POST', '/presets', { collection: 'notes', layout: 'calendar', role: null, user: null }, undefined);
    const bobs = await t.api('POST', '/presets', { collection: 'notes', layout: 'map' }, bob.token);
    expect(bobs.status).toBe(200);
    const seen = (await t.api('GET', '/presets?sort=id', undefined, ada.token)).body.data.map(
      (p: { layout: string }) => p.layout,
    );
    expect(seen).toEqual(['cards', 'tabular', 'calendar']);
    // The administrator sees every preset.
    expect((await t.api('GET', '/presets')).body.data).toHaveLength(4);
  });

  it('refuses creating a preset for someone else, and changing or deleting another user’s', async () => {
    const forBob = await t.api(
      'POST',
      '/presets',
      { collection: 'notes', layout: 'cards', user: bob.userId },
      ada.token,
    );
    expect(forBob.status).toBe(400);
    expect(forBob.body.errors[0].extensions.code).toBe('FAILED_VALIDATION');
    const bobsId = (await t.api('GET', '/presets?filter[user][_eq]=$CURRENT_USER', undefined, bob.token)).body.data[0]
      .id;
    expect((await t.api('PATCH', `/presets/${bobsId}`, { layout: 'cards' }, ada.token)).status).toBe(403);
    expect((await t.api('DELETE', `/presets/${bobsId}`, undefined, ada.token)).status).toBe(403);
    expect((await t.api('GET', `/presets/${bobsId}`, undefined, bob.token)).body.data.layout).toBe('map');
    // Their own they may change.
    const adasId = (await t.api('GET', '/presets?filter[user][_eq]=$CURRENT_USER', undefined, ada.token)).body.data[0]
      .id;
    expect((await t.api('PATCH', `/presets/${adasId}`, { layout: 'tabular' }, ada.token)).body.data.layout).toBe(
      'tabular',
    );
  });

  it('a role without app access gets none of this', async () => {
    const role = await t.api('POST', '/roles', { name: 'api-only', admin_access: false, app_access: false });
    const user = await t.api('POST', '/users', {
      email: 'api@example.com',
      password: 'secret-password',
      role: role.body.data.id,
      token: 'api-only-token',
    });
    expect(user.status).toBe(200);
    expect((await t.api('GET', '/presets', undefined, 'api-only-token')).status).toBe(403);
  });
});
